package dev.wok.daemon.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Reading sd_listen_fds(3)'s variables: only ours, the named one, and a clear error for nonsense. */
class SocketActivationTest {
    @Test
    void fd_3_when_the_variables_name_this_process() throws Exception {
        assertThat(SocketActivation.inheritedFd(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "1"), 42)).hasValue(3);
    }

    @Test
    void nothing_when_they_were_meant_for_another_process_or_are_absent() throws Exception {
        assertThat(SocketActivation.inheritedFd(Map.of("LISTEN_PID", "41", "LISTEN_FDS", "1"), 42)).isEmpty();
        assertThat(SocketActivation.inheritedFd(Map.of(), 42)).isEmpty();
        assertThat(SocketActivation.inheritedFd(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "0"), 42)).isEmpty();
    }

    @Test
    void the_fd_named_wokd_among_several() throws Exception {
        assertThat(SocketActivation.inheritedFd(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "2",
                "LISTEN_FDNAMES", "other:wokd"), 42)).isEqualTo(OptionalInt.of(4));
    }

    @Test
    void nonsense_is_refused_naming_the_unit_to_fix() {
        assertThatThrownBy(() -> SocketActivation.inheritedFd(Map.of("LISTEN_PID", "x", "LISTEN_FDS", "1"), 42))
                .isInstanceOf(StartupException.class).hasMessageContaining("wokd.socket");
    }

    @Test
    void the_variables_are_not_passed_on() {
        assertThat(SocketActivation.withoutActivation(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "1", "LISTEN_FDNAMES", "wokd",
                "HOME", "/home/a"))).isEqualTo(Map.of("HOME", "/home/a"));
    }
}
