package dev.wok.protocol;

/**
 * Text that came from outside (an upstream's error or close reason, a URL, a value from a config file)
 * made safe to put on a terminal or in a log: control characters (C0, DEL, C1) and the Unicode bidi
 * controls become visible escapes ({@code \x1b}, {@code \u202e}), so that such text cannot retitle a
 * terminal, clear it, colour it or reorder what the user reads.
 */
public final class Printable {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Printable() {}

    /** {@code text} with every control character escaped, or {@code text} itself when it has none. */
    public static String escape(String text) {
        return escape(text, false);
    }

    /** The same, keeping line breaks, for messages that are several lines on purpose. */
    public static String escapeKeepingLines(String text) {
        return escape(text, true);
    }

    private static String escape(String text, boolean keepLines) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unsafe = isControl(c) && !(keepLines && c == '\n');
            if (unsafe && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out == null) {
                continue;
            }
            if (!unsafe) {
                out.append(c);
            } else if (c <= 0xff) {
                out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
        }
        return out == null ? text : out.toString();
    }

    static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || (c >= 0x202a && c <= 0x202e) // bidi embeddings and overrides
                || (c >= 0x2066 && c <= 0x2069) // bidi isolates
                || c == 0x200e || c == 0x200f || c == 0x061c; // bidi marks
    }
}
