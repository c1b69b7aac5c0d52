package dev.wok.cli;

import dev.wok.protocol.Printable;

/** A failure to report to the user as one message, with the exit code it maps to. */
public final class CliException extends Exception {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * How a command reports a failure on stderr: its name, then the message. Messages quote what wokd, the
     * upstream or a config file said, so terminal controls in them are escaped.
     */
    static String errorLine(String command, String message) {
        return command + ": " + Printable.escapeKeepingLines(message);
    }
}
