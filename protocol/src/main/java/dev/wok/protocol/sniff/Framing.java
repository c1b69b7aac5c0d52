package dev.wok.protocol.sniff;

/** The two ways a client may speak to wokd. */
public enum Framing {
    JSON_LINES,
    BINARY
}
