package dev.wok.cli.status;

import static org.assertj.core.api.Assertions.assertThat;


import dev.wok.protocol.api.ConnectionState;
import dev.wok.protocol.api.ConnectionStatus;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StatusViewTest {
    private static ConnectionStatus status(ConnectionState state, String detail, Optional<String> error) {
        OptionalLong retry = state.trying() ? OptionalLong.of(1500) : OptionalLong.empty();
        return new ConnectionStatus(state, detail, 2, 10, retry, Optional.of("ws://h/sync"), Optional.empty(),
                Optional.empty(), OptionalDouble.empty(), error);
    }

    @Test
    void a_terminal_gets_symbols_and_colour_ascii_where_it_cannot_show_them_and_a_pipe_gets_neither() {
        ConnectionStatus trying = status(ConnectionState.RECONNECTING, "reconnecting (attempt 2/10)", Optional.empty());
        assertThat(new StatusView(true, Glyphs.UNICODE).stateLine(trying))
                .isEqualTo("\u001b[33m◐\u001b[0m reconnecting (attempt 2/10), next retry in 1.5 s");
        assertThat(new StatusView(false, Glyphs.ASCII).stateLine(trying)).isEqualTo("~ reconnecting (attempt 2/10), next retry in 1.5 s");
        assertThat(new StatusView(false, Glyphs.NONE).stateLine(trying)).isEqualTo("reconnecting (attempt 2/10), next retry in 1.5 s");
    }

    @Test
    void an_upstream_cannot_put_terminal_controls_on_the_screen() {
        String hostile = "relay error unauthorized: \u001b]0;PWNED-title\u0007\u001b[2J\u001b[31mred";
        ConnectionStatus failed = new ConnectionStatus(ConnectionState.FAILED, "failed", 0, 10, OptionalLong.empty(),
                Optional.of("ws://h/sync?\u001b[2J"), Optional.empty(), Optional.empty(), OptionalDouble.empty(), Optional.of(hostile));
        String shown = new StatusView(false, Glyphs.NONE).stateWithError(failed);
        assertThat(shown).doesNotContain("\u001b").doesNotContain("\u0007")
                .endsWith("error     relay error unauthorized: \\x1b]0;PWNED-title\\x07\\x1b[2J\\x1b[31mred");
        assertThat(new StatusView(true, Glyphs.UNICODE).stateLine(failed)).doesNotContain("\u0007");
    }

    @Test
    void a_failed_connection_shows_its_cause_and_the_fix() {
        ConnectionStatus failed = status(ConnectionState.FAILED, "failed", Optional.of("HTTP 401"));
        assertThat(new StatusView(false, Glyphs.ASCII).stateWithError(failed))
                .isEqualTo("x failed - fix the cause, then: wok connect\n  error     HTTP 401");
    }
}
