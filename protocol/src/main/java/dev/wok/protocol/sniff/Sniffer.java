package dev.wok.protocol.sniff;

import dev.wok.protocol.binary.FrameHeader;

/**
 * Decides a connection's framing from the bytes seen so far, without guessing from too few:
 * a first byte {@code 0x00} means binary frames (JSON text never starts with NUL); a first
 * non-whitespace {@code '{'} means JSON lines; anything else is refused.
 */
public final class Sniffer {
    /** Leading whitespace allowed before the first JSON object; more is refused rather than buffered forever. */
    public static final int MAX_LEADING_WHITESPACE = 4096;

    private Sniffer() {}

    public sealed interface Verdict permits Decided, NeedMore, Rejected {}

    public record Decided(Framing framing) implements Verdict {}

    public record NeedMore() implements Verdict {}

    public record Rejected(String reason) implements Verdict {}

    private static final NeedMore NEED_MORE = new NeedMore();
    private static final Decided BINARY = new Decided(Framing.BINARY);
    private static final Decided JSON_LINES = new Decided(Framing.JSON_LINES);

    public static Verdict sniff(byte[] seen, int offset, int length) {
        if (length == 0) {
            return NEED_MORE;
        }
        if (seen[offset] == FrameHeader.MAGIC_FIRST_BYTE) {
            return BINARY;
        }
        for (int i = 0; i < length; i++) {
            byte b = seen[offset + i];
            if (b == '{') {
                return JSON_LINES;
            }
            if (!isJsonWhitespace(b)) {
                return new Rejected(describe(b));
            }
            if (i + 1 >= MAX_LEADING_WHITESPACE) {
                return new Rejected("only whitespace in the first " + MAX_LEADING_WHITESPACE + " bytes");
            }
        }
        return NEED_MORE;
    }

    static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static String describe(byte b) {
        int value = Byte.toUnsignedInt(b);
        String shown = value >= 0x20 && value < 0x7f ? "'" + (char) value + "'" : String.format("0x%02x", value);
        return "unexpected first byte " + shown
                + ": wokd speaks JSON lines (start with '{', e.g. {\"id\":1,\"method\":\"ping\"})"
                + " or binary frames (start with 0x00 0x57)";
    }
}
