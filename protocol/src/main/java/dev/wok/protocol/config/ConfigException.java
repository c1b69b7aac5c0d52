package dev.wok.protocol.config;

/** A config file or variable wokd cannot use; the message names the key, the source and what is allowed. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
