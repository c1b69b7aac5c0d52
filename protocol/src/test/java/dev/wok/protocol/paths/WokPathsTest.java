package dev.wok.protocol.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WokPathsTest {
    @Test
    void wok_home_holds_everything() {
        WokPaths paths = WokPaths.resolve(Map.of("WOK_HOME", "/tmp/w", "XDG_RUNTIME_DIR", "/run/user/1"), Platform.LINUX);
        assertThat(paths.socket()).isEqualTo(Path.of("/tmp/w/wokd.sock"));
        assertThat(paths.configFile()).isEqualTo(Path.of("/tmp/w/config.toml"));
        assertThat(paths.lockFile()).isEqualTo(Path.of("/tmp/w/wokd.lock"));
        assertThat(paths.logFile()).isEqualTo(Path.of("/tmp/w/wokd.log"));
    }

    @Test
    void linux_follows_xdg() {
        WokPaths paths = WokPaths.resolve(Map.of("HOME", "/home/u", "XDG_RUNTIME_DIR", "/run/user/1000"), Platform.LINUX);
        assertThat(paths.socket()).isEqualTo(Path.of("/run/user/1000/wok/wokd.sock"));
        assertThat(paths.configFile()).isEqualTo(Path.of("/home/u/.config/wok/config.toml"));
        assertThat(paths.stateDir()).isEqualTo(Path.of("/home/u/.local/state/wok"));
    }

    @Test
    void linux_without_a_runtime_dir_uses_a_per_uid_tmp_dir() {
        WokPaths paths = WokPaths.resolve(Map.of("HOME", "/home/u"), Platform.LINUX);
        assertThat(paths.socket()).isEqualTo(Path.of("/tmp/wok-" + CurrentUser.uid() + "/wokd.sock"));
    }

    @Test
    void macos_uses_tmpdir_and_application_support() {
        WokPaths paths = WokPaths.resolve(Map.of("HOME", "/Users/u", "TMPDIR", "/var/folders/x/T/"), Platform.MACOS);
        assertThat(paths.socket()).isEqualTo(Path.of("/var/folders/x/T/wok/wokd.sock"));
        assertThat(paths.stateDir()).isEqualTo(Path.of("/Users/u/Library/Application Support/wok"));
    }

    @Test
    void wok_socket_and_wok_config_override_one_path_each() {
        WokPaths paths = WokPaths.resolve(Map.of("WOK_HOME", "/tmp/w", "WOK_SOCKET", "/tmp/s.sock",
                "WOK_CONFIG", "/etc/wok.toml"), Platform.LINUX);
        assertThat(paths.socket()).isEqualTo(Path.of("/tmp/s.sock"));
        assertThat(paths.configFile()).isEqualTo(Path.of("/etc/wok.toml"));
        assertThat(paths.stateDir()).isEqualTo(Path.of("/tmp/w"));
    }

    @Test
    void a_socket_path_over_the_limit_names_the_limit_and_the_fix() {
        String longDir = "/tmp/" + "d".repeat(120);
        WokPaths linux = WokPaths.resolve(Map.of("WOK_HOME", longDir), Platform.LINUX);
        assertThatThrownBy(linux::checkSocketPathLength)
                .isInstanceOf(SocketPathTooLongException.class)
                .hasMessageContaining("107-byte limit")
                .hasMessageContaining("Linux")
                .hasMessageContaining("WOK_SOCKET");
        WokPaths mac = WokPaths.resolve(Map.of("WOK_HOME", longDir), Platform.MACOS);
        assertThatThrownBy(mac::checkSocketPathLength).hasMessageContaining("103-byte limit").hasMessageContaining("macOS");
    }

    @Test
    void a_socket_path_exactly_at_the_limit_is_fine() throws SocketPathTooLongException {
        String socket = "/tmp/" + "s".repeat(107 - "/tmp/".length());
        WokPaths.resolve(Map.of("WOK_SOCKET", socket, "HOME", "/h"), Platform.LINUX).checkSocketPathLength();
    }
}
