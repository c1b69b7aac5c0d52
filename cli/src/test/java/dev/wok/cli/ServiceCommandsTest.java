package dev.wok.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.wok.protocol.paths.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wokd install-service} / {@code uninstall-service} on Linux, against a temporary XDG_CONFIG_HOME
 * and a fake {@code systemctl} first on PATH that records its arguments (the real one is for the
 * container test): what is written, what is run, what is printed.
 */
class ServiceCommandsTest {
    @TempDir
    Path tmp;

    Path launcher;
    Path unitDir;
    Path systemctlCalls;
    Path wokHome;
    Map<String, String> env;

    @BeforeEach
    void fakeSystem() throws IOException {
        assumeThat(Platform.current()).as("systemd user units are Linux's").isEqualTo(Platform.LINUX);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        systemctlCalls = tmp.resolve("systemctl.calls");
        executable(bin.resolve("systemctl"), "#!/bin/sh\n"
                + "echo \"$*\" >> '" + systemctlCalls + "'\n"
                + "if [ \"$2\" = show-environment ] && [ -n \"$FAKE_NO_USER_MANAGER\" ]; then\n"
                + "  echo 'Failed to connect to bus: No medium found' >&2; exit 1\n"
                + "fi\n"
                + "if [ \"$2\" = is-active ]; then\n"
                + "  case \"$3\" in wokd.socket) echo \"${FAKE_SOCKET_STATE:-active}\" ;; *) echo \"${FAKE_SERVICE_STATE:-active}\" ;; esac\n"
                + "fi\n"
                + "exit 0\n");
        launcher = executable(Files.createDirectories(tmp.resolve("prefix/lib/wok/bin")).resolve("wokd"), "#!/bin/sh\nexit 0\n");
        wokHome = tmp.resolve("wok home");
        unitDir = tmp.resolve("config/systemd/user");
        env = new HashMap<>(Map.of("HOME", tmp.resolve("home").toString(), "XDG_CONFIG_HOME", tmp.resolve("config").toString(),
                "PATH", bin + ":/usr/bin:/bin", "USER", "alice", "WOK_HOME", wokHome.toString()));
    }

    @Test
    void install_now_writes_both_units_with_the_launcher_and_wok_home_then_reloads_and_enables_the_socket() throws Exception {
        Run run = wokd("install-service", "--now");

        assertThat(run.exit()).as(run.err()).isZero();
        String service = Files.readString(unitDir.resolve("wokd.service"));
        assertThat(service).contains("ExecStart=" + launcher + " run\n")
                .contains("Environment=\"WOK_HOME=" + wokHome + "\"\n")
                .contains("Type=notify").contains("Restart=on-failure").contains("ExecReload=/bin/kill -HUP $MAINPID")
                .doesNotContain("%h/.local/bin/wokd");
        assertThat(Files.readString(unitDir.resolve("wokd.socket"))).contains("ListenStream=" + wokHome.resolve("wokd.sock") + "\n");
        assertThat(calls()).containsExactly("--user show-environment", "--user daemon-reload",
                "--user enable --now wokd.socket");
        assertThat(run.out()).contains("wrote " + unitDir.resolve("wokd.service") + "\n")
                .contains("wrote " + unitDir.resolve("wokd.socket") + "\n")
                .contains("ran systemctl --user daemon-reload\n")
                .contains("ran systemctl --user enable --now wokd.socket\n");
    }

    @Test
    void install_without_now_only_reloads_and_says_how_to_start() throws Exception {
        env.remove("WOK_HOME");

        Run run = wokd("install-service");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(calls()).containsExactly("--user show-environment", "--user daemon-reload");
        assertThat(run.out()).contains("systemctl --user enable --now wokd.socket");
        assertThat(Files.readString(unitDir.resolve("wokd.service"))).doesNotContain("Environment=");
        assertThat(Files.readString(unitDir.resolve("wokd.socket"))).contains("ListenStream=%t/wok/wokd.sock\n");
    }

    @Test
    void without_a_user_manager_it_writes_nothing_and_names_the_fix() throws Exception {
        env.put("FAKE_NO_USER_MANAGER", "1");

        Run run = wokd("install-service", "--now");

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).contains("no systemd user manager answers").contains("No medium found")
                .contains("loginctl enable-linger alice");
        assertThat(unitDir).doesNotExist();
        assertThat(calls()).containsExactly("--user show-environment");
    }

    @Test
    void without_systemctl_it_says_systemd_is_not_there() throws Exception {
        env.put("PATH", tmp.resolve("empty").toString());

        Run run = wokd("install-service");

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).contains("systemctl is not on PATH").contains("wokd start");
        assertThat(unitDir).doesNotExist();
    }

    @Test
    void uninstall_disables_removes_and_reloads() throws Exception {
        assertThat(wokd("install-service").exit()).isZero();
        Files.delete(systemctlCalls);

        Run run = wokd("uninstall-service");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(unitDir.resolve("wokd.service")).doesNotExist();
        assertThat(unitDir.resolve("wokd.socket")).doesNotExist();
        assertThat(calls()).containsExactly("--user show-environment", "--user disable --now wokd.socket wokd.service",
                "--user daemon-reload");
        assertThat(run.out()).contains("ran systemctl --user disable --now wokd.socket wokd.service\n")
                .contains("removed " + unitDir.resolve("wokd.service") + "\n");
    }

    @Test
    void uninstall_with_nothing_installed_says_so() throws Exception {
        Run run = wokd("uninstall-service");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("nothing to remove");
        assertThat(systemctlCalls).doesNotExist();
    }

    @Test
    void the_installed_units_pass_systemd_analyze_verify() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeThat(Files.isExecutable(analyze)).as("systemd-analyze (Debian package systemd) is not installed: not verified")
                .isTrue();
        assertThat(wokd("install-service").exit()).isZero();
        Path runtime = Files.createDirectories(tmp.resolve("runtime"));

        ProcessBuilder verify = new ProcessBuilder(analyze.toString(), "--user", "verify",
                unitDir.resolve("wokd.service").toString(), unitDir.resolve("wokd.socket").toString()).redirectErrorStream(true);
        verify.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        Process process = verify.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).isEmpty();
    }

    @Test
    void doctor_passes_an_installed_service_whose_socket_is_active() throws Exception {
        assertThat(wokd("install-service", "--now").exit()).isZero();

        Run run = wok("doctor");

        assertThat(run.out()).contains("✓ service unit: wokd.socket active, wokd.service active (units in " + unitDir + ")");
    }

    @Test
    void doctor_fails_a_unit_whose_launcher_is_gone_and_says_to_reinstall() throws Exception {
        assertThat(wokd("install-service", "--now").exit()).isZero();
        Files.delete(launcher);

        Run run = wok("doctor");

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ service unit: " + unitDir.resolve("wokd.service") + " runs " + launcher
                + ", which does not exist (was wok moved or removed?)").contains("fix: reinstall the service from the wok you use");
    }

    @Test
    void doctor_reads_a_launcher_path_with_spaces_from_the_unit() throws Exception {
        launcher = executable(Files.createDirectories(tmp.resolve("my tools/lib/wok/bin")).resolve("wokd"), "#!/bin/sh\nexit 0\n");
        assertThat(wokd("install-service", "--now").exit()).isZero();

        assertThat(wok("doctor").out()).contains("✓ service unit: wokd.socket active");
        Files.delete(launcher);
        assertThat(wok("doctor").out()).contains(" runs " + launcher + ", which does not exist");
    }

    @Test
    void doctor_fails_a_failed_service_and_points_at_its_journal() throws Exception {
        assertThat(wokd("install-service", "--now").exit()).isZero();
        env.put("FAKE_SERVICE_STATE", "failed");

        Run run = wok("doctor");

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ service unit: wokd.service has failed")
                .contains("fix: see why: journalctl --user -u wokd.service -n 50 (or: wokd logs); once fixed: systemctl --user"
                        + " reset-failed wokd.service && systemctl --user restart wokd.socket");
    }

    @Test
    void doctor_fails_an_inactive_socket_unit_with_enable_now() throws Exception {
        assertThat(wokd("install-service").exit()).isZero();
        env.put("FAKE_SOCKET_STATE", "inactive");
        env.put("FAKE_SERVICE_STATE", "inactive");

        Run run = wok("doctor");

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ service unit: wokd.socket is inactive, so a client's connection does not start wokd")
                .contains("fix: systemctl --user enable --now wokd.socket");
    }

    @Test
    void doctor_fails_installed_units_without_a_user_manager() throws Exception {
        assertThat(wokd("install-service").exit()).isZero();
        env.put("FAKE_NO_USER_MANAGER", "1");

        Run run = wok("doctor");

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ service unit: wokd's units are in " + unitDir + ", but no systemd user manager answers")
                .contains("loginctl enable-linger alice");
    }

    private Run wok(String... args) {
        return Run.wok(CliContext.forTests(env), args);
    }

    private List<String> calls() throws IOException {
        return Files.exists(systemctlCalls) ? Files.readAllLines(systemctlCalls) : List.of();
    }

    private Run wokd(String... args) {
        return Run.wokd(CliContext.forTests(env).withDaemonCommand(List.of(launcher.toString(), "run")), args);
    }

    private static Path executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
