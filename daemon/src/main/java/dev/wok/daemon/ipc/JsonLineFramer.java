package dev.wok.daemon.ipc;

import io.netty.handler.codec.LineBasedFrameDecoder;

/** Netty's line splitter, which can also say whether it holds an unfinished line. */
final class JsonLineFramer extends LineBasedFrameDecoder implements HoldsPartialRequest {
    JsonLineFramer(int maxLineBytes) {
        super(maxLineBytes, true, true);
    }

    @Override
    public boolean holdsPartialRequest() {
        return internalBuffer().isReadable();
    }
}
