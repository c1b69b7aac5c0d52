package dev.wok.protocol;

import java.util.Arrays;
import java.util.Optional;

/**
 * Stable error codes. The JSON-RPC 2.0 ones keep their standard numbers; wok's own live in the
 * -32000..-32099 band the spec reserves for implementations. Codes never change meaning.
 */
public enum ErrorCode {
    PARSE_ERROR(-32700, "parse_error"),
    INVALID_REQUEST(-32600, "invalid_request"),
    METHOD_NOT_FOUND(-32601, "method_not_found"),
    INVALID_PARAMS(-32602, "invalid_params"),
    INTERNAL_ERROR(-32603, "internal_error"),
    /** A JSON line or binary frame over the configured maximum. */
    MESSAGE_TOO_LARGE(-32001, "message_too_large"),
    /** The first bytes matched neither framing. */
    UNSUPPORTED_FRAMING(-32002, "unsupported_framing"),
    /** A binary frame header that cannot be trusted (magic, version, reserved bits, kind). */
    BAD_FRAME(-32003, "bad_frame"),
    /** The peer runs as another user. */
    PERMISSION_DENIED(-32004, "permission_denied"),
    // -32005 was "shutting_down", never sent; not to be reused.
    /** A connection that sent nothing for too long before its first message. */
    IDLE_TIMEOUT(-32006, "idle_timeout"),
    /** config.toml (or the environment) cannot be used; the running configuration was kept. */
    BAD_CONFIG(-32007, "bad_config"),
    /** The request needs an upstream, and none is configured. */
    NO_UPSTREAM(-32008, "no_upstream"),
    /** The local store cannot take the write: disk full, read-only, damaged (the message says which). */
    STORE_UNAVAILABLE(-32009, "store_unavailable"),
    /** What the request waits for did not happen in time. */
    TIMEOUT(-32010, "timeout"),
    /** Not connected to the upstream, and not about to be: refused credentials or protocol. */
    NOT_CONNECTED(-32011, "not_connected"),
    /** The outbox holds its quota of ops; nothing was stored. */
    OUTBOX_FULL(-32012, "outbox_full");

    private final int code;
    private final String label;

    ErrorCode(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public int code() {
        return code;
    }

    /** A short stable name, sent in an error's {@code data.reason}. */
    public String label() {
        return label;
    }

    public static Optional<ErrorCode> of(int code) {
        return Arrays.stream(values()).filter(c -> c.code == code).findFirst();
    }
}
