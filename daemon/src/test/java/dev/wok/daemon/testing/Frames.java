package dev.wok.daemon.testing;

import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.binary.FrameKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds binary frames byte by byte, including ones no well-behaved client would send. */
public final class Frames {
    private Frames() {}

    public static byte[] request(long id, String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(FrameHeader.LENGTH + payload.length);
        new FrameHeader(FrameKind.REQUEST, id, true, payload.length).encode(frame);
        return frame.put(payload).array();
    }

    public static byte[] rawHeader(int magic, int version, int kind, int id, int flags, int length) {
        return ByteBuffer.allocate(FrameHeader.LENGTH).putShort((short) magic).put((byte) version).put((byte) kind)
                .putInt(id).putInt(flags).putInt(length).array();
    }
}
