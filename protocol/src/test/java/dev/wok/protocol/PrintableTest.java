package dev.wok.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void terminal_controls_from_outside_become_visible_escapes() {
        String hostile = "unauthorized: \u001b]0;PWNED-title\u0007\u001b[2J\u001b[31mred\u009b31m\u007f\u202eevil";
        String safe = Printable.escape(hostile);
        assertThat(safe).isEqualTo("unauthorized: \\x1b]0;PWNED-title\\x07\\x1b[2J\\x1b[31mred\\x9b31m\\x7f\\u202eevil");
        assertThat(safe.chars().noneMatch(c -> Printable.isControl((char) c))).isTrue();
    }

    @Test
    void ordinary_text_is_left_alone_and_lines_are_kept_only_when_asked() {
        String text = "héllo ● wörld — ok";
        assertThat(Printable.escape(text)).isSameAs(text);
        assertThat(Printable.escape("a\nb\tc")).isEqualTo("a\\x0ab\\x09c");
        assertThat(Printable.escapeKeepingLines("a\nb\u001bc")).isEqualTo("a\nb\\x1bc");
        assertThat(Printable.escape(null)).isNull();
    }
}
