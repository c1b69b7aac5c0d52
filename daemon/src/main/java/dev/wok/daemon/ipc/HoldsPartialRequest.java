package dev.wok.daemon.ipc;

/** A framing decoder that can tell whether it holds the start of a request whose rest has not come. */
interface HoldsPartialRequest {
    boolean holdsPartialRequest();
}
