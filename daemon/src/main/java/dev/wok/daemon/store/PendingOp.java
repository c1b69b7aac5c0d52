package dev.wok.daemon.store;

/** An op pushed here and not yet acknowledged by the upstream; {@code body} is its exact JSON text. */
public record PendingOp(long cseq, String body, long pushedAtMillis) {}
