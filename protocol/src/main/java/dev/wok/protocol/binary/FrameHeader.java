package dev.wok.protocol.binary;

import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.ProtocolException;
import java.nio.ByteBuffer;

/**
 * The 16-byte header of a binary frame, network byte order:
 * magic {@code 0x00 0x57}, version, kind, request id (u32), flags (u32), payload length (u32).
 * {@link #decode} checks every field, the length against the caller's limit included, before anyone
 * allocates for the payload.
 */
public record FrameHeader(FrameKind kind, long requestId, boolean last, int payloadLength) {
    public static final int LENGTH = 16;
    public static final int MAGIC = 0x0057;
    public static final byte MAGIC_FIRST_BYTE = 0x00;
    public static final int VERSION = 1;
    public static final int FLAG_LAST = 1;
    /** Default largest payload a peer may announce. */
    public static final int DEFAULT_MAX_PAYLOAD = 16 << 20;
    public static final long MAX_REQUEST_ID = 0xFFFF_FFFFL;

    public FrameHeader {
        if (requestId < 0 || requestId > MAX_REQUEST_ID) {
            throw new IllegalArgumentException("request id must fit in 32 unsigned bits: " + requestId);
        }
        if (payloadLength < 0) {
            throw new IllegalArgumentException("negative payload length " + payloadLength);
        }
    }

    /** Reads a header from the next 16 bytes of {@code in}, which must hold them. */
    public static FrameHeader decode(ByteBuffer in, int maxPayload) throws ProtocolException {
        int magic = Short.toUnsignedInt(in.getShort());
        int version = Byte.toUnsignedInt(in.get());
        int kindByte = Byte.toUnsignedInt(in.get());
        long requestId = Integer.toUnsignedLong(in.getInt());
        int flags = in.getInt();
        long length = Integer.toUnsignedLong(in.getInt());
        if (magic != MAGIC) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, String.format(
                    "bad magic 0x%04x: a binary frame starts with 0x0057; JSON clients send one object per line", magic));
        }
        if (version != VERSION) {
            throw new ProtocolException(ErrorCode.BAD_FRAME,
                    "unsupported frame version " + version + ": this wokd speaks version " + VERSION);
        }
        FrameKind kind = FrameKind.fromWire(kindByte).orElseThrow(() -> new ProtocolException(ErrorCode.BAD_FRAME,
                "unknown frame kind " + kindByte + ": expected 1 (request), 2 (response), 3 (event) or 4 (error)"));
        if ((flags & ~FLAG_LAST) != 0) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, String.format(
                    "reserved flag bits set (flags 0x%08x): only bit 0 (last frame) is defined", flags));
        }
        if (length > maxPayload) {
            throw new ProtocolException(ErrorCode.MESSAGE_TOO_LARGE,
                    "frame payload of " + length + " bytes is over the maximum of " + maxPayload + " bytes");
        }
        return new FrameHeader(kind, requestId, (flags & FLAG_LAST) != 0, (int) length);
    }

    public void encode(ByteBuffer out) {
        out.putShort((short) MAGIC);
        out.put((byte) VERSION);
        out.put((byte) kind.wire());
        out.putInt((int) requestId);
        out.putInt(last ? FLAG_LAST : 0);
        out.putInt(payloadLength);
    }

    public byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
        encode(buffer);
        return buffer.array();
    }
}
