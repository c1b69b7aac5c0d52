package dev.wok.relay.store;

/** An op as the relay keeps it: its place in the server's total order and its origin. */
public record StoredOp(long seq, String client, long cseq, String body) {}
