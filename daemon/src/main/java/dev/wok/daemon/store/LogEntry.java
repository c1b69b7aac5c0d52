package dev.wok.daemon.store;

/** An op in the event log, in the upstream's total order; {@code body} is its exact JSON text. */
public record LogEntry(long seq, String client, long cseq, String body) {}
