package dev.wok.daemon.ipc;

import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.message.ErrorReply;

/**
 * One framing decoder's share of {@link RequestBuffers}: what it held after its last read. Belongs to
 * one connection, so it is only used on that connection's event loop.
 */
final class HeldBytes {
    private final RequestBuffers buffers;
    private long held;

    HeldBytes(RequestBuffers buffers) {
        this.buffers = buffers;
    }

    /** Records that the decoder now holds {@code now} bytes; the error to close with when they do not fit. */
    ErrorReply update(long now) {
        if (buffers.update(held, now)) {
            held = now;
            return null;
        }
        return ErrorReply.of(null, ErrorCode.MESSAGE_TOO_LARGE, "wokd is holding " + (buffers.held() >> 20)
                + " MiB of other clients' unfinished requests, and this one (" + (now >> 10) + " KiB so far) does not fit"
                + " in its " + (buffers.limit() >> 20) + " MiB for all clients; send it again later, or in smaller requests");
    }

    void release() {
        buffers.update(held, 0);
        held = 0;
    }
}
