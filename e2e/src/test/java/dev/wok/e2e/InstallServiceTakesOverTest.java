package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.wok.cli.CliContext;
import dev.wok.cli.WokdClientMain;
import dev.wok.protocol.paths.Platform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code wokd install-service --now} while a wokd started by hand runs: that one holds the socket and
 * the lock the service needs, so it is stopped first, and the output says so. systemctl is a fake that
 * records its arguments.
 */
@Timeout(120)
class InstallServiceTakesOverTest {
    @TempDir
    Path home;

    final DaemonProcesses daemons = new DaemonProcesses();

    @AfterEach
    void cleanUp() {
        daemons.killAll();
    }

    @Test
    void install_now_stops_a_wokd_running_outside_systemd_before_enabling_the_socket() throws Exception {
        assumeThat(Platform.current()).isEqualTo(Platform.LINUX);
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path calls = home.resolve("systemctl.calls");
        Files.writeString(bin.resolve("systemctl"), "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
        Files.setPosixFilePermissions(bin.resolve("systemctl"), PosixFilePermissions.fromString("rwx------"));
        Path launcher = Files.createDirectories(home.resolve("lib/wok/bin")).resolve("wokd");
        Files.writeString(launcher, "#!/bin/sh\n");
        Map<String, String> env = Map.of("WOK_HOME", home.toString(), "HOME", home.toString(),
                "XDG_CONFIG_HOME", home.resolve("config").toString(), "PATH", bin + ":/usr/bin:/bin");
        CliRun start = CliRun.wokd(env, "start");
        assertThat(start.exitCode()).as(start.err()).isZero();
        long pid = daemons.pid(home).orElseThrow();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = {"install-service", "--now"};
        CommandLine install = WokdClientMain.commandLine(CliContext.forTests(env).withDaemonCommand(
                List.of(launcher.toString(), "run")), args);
        install.setOut(new PrintWriter(out, true));
        install.setErr(new PrintWriter(err, true));

        assertThat(install.execute(args)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("stopped the wokd that was running outside the service manager (pid " + pid + ")");
        assertThat(DaemonProcesses.alive(pid)).isFalse();
        assertThat(out.toString().indexOf("stopped the wokd"))
                .isLessThan(out.toString().indexOf("ran systemctl --user enable --now wokd.socket"));
    }
}
