package dev.wok.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTest {
    @Test
    void the_launchers_answer_is_taken_as_it_is() {
        assertThat(Terminal.interactive("true")).isTrue();
        assertThat(Terminal.interactive("false")).isFalse();
    }

    @Test
    void without_it_a_test_run_whose_output_is_captured_is_no_terminal() {
        // Surefire's forked JVM writes to a pipe: whatever the JDK, that is not a terminal.
        assertThat(Terminal.interactive(null)).isFalse();
        assertThat(Terminal.interactive("maybe")).isFalse();
    }
}
