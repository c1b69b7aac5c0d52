package dev.wok.protocol.sniff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SnifferTest {
    private static Sniffer.Verdict sniff(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return Sniffer.sniff(bytes, 0, bytes.length);
    }

    @Test
    void a_brace_means_json_lines() {
        assertThat(sniff("{\"method\":\"ping\"}\n")).isEqualTo(new Sniffer.Decided(Framing.JSON_LINES));
    }

    @Test
    void a_lone_brace_is_enough_to_decide() {
        assertThat(sniff("{")).isEqualTo(new Sniffer.Decided(Framing.JSON_LINES));
    }

    @Test
    void leading_whitespace_waits_for_more_then_decides() {
        assertThat(sniff(" \r\n\t")).isInstanceOf(Sniffer.NeedMore.class);
        assertThat(sniff(" \r\n\t{")).isEqualTo(new Sniffer.Decided(Framing.JSON_LINES));
    }

    @Test
    void nothing_seen_waits_for_more() {
        assertThat(Sniffer.sniff(new byte[0], 0, 0)).isInstanceOf(Sniffer.NeedMore.class);
    }

    @Test
    void nul_first_byte_means_binary_even_alone() {
        assertThat(Sniffer.sniff(new byte[] {0x00}, 0, 1)).isEqualTo(new Sniffer.Decided(Framing.BINARY));
    }

    @Test
    void anything_else_is_rejected_with_a_reason_naming_both_framings() {
        Sniffer.Verdict verdict = sniff("GET / HTTP/1.1\r\n");
        assertThat(verdict).isInstanceOf(Sniffer.Rejected.class);
        String reason = ((Sniffer.Rejected) verdict).reason();
        assertThat(reason).contains("'G'").contains("JSON lines").contains("binary frames");
    }

    @Test
    void a_json_array_is_rejected() {
        assertThat(sniff("[1,2]")).isInstanceOf(Sniffer.Rejected.class);
    }

    @Test
    void unprintable_bytes_are_shown_in_hex() {
        Sniffer.Verdict verdict = Sniffer.sniff(new byte[] {(byte) 0xff}, 0, 1);
        assertThat(((Sniffer.Rejected) verdict).reason()).contains("0xff");
    }

    @Test
    void endless_whitespace_is_refused_rather_than_buffered() {
        assertThat(sniff(" ".repeat(Sniffer.MAX_LEADING_WHITESPACE))).isInstanceOf(Sniffer.Rejected.class);
        assertThat(sniff(" ".repeat(Sniffer.MAX_LEADING_WHITESPACE - 1))).isInstanceOf(Sniffer.NeedMore.class);
    }

    @Test
    void honours_offset_and_length() {
        byte[] bytes = "xx{".getBytes(StandardCharsets.US_ASCII);
        assertThat(Sniffer.sniff(bytes, 2, 1)).isEqualTo(new Sniffer.Decided(Framing.JSON_LINES));
        assertThat(Sniffer.sniff(bytes, 0, 1)).isInstanceOf(Sniffer.Rejected.class);
    }
}
