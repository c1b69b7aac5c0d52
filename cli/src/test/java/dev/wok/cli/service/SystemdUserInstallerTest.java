package dev.wok.cli.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wok.protocol.paths.CurrentUser;
import dev.wok.protocol.paths.Platform;
import dev.wok.protocol.paths.WokPaths;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shell without XDG_RUNTIME_DIR (su, sudo, docker exec) while the user manager runs (linger). */
class SystemdUserInstallerTest {
    @TempDir
    Path tmp;

    @Test
    void systemctl_reaches_the_manager_through_its_runtime_dir_and_the_user_is_told_where_clients_look() throws Exception {
        Path runtimeDirs = tmp.resolve("run/user");
        Path own = Files.createDirectories(runtimeDirs.resolve(Integer.toString(CurrentUser.uid())));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path calls = tmp.resolve("calls");
        Files.writeString(bin.resolve("systemctl"), "#!/bin/sh\necho \"$XDG_RUNTIME_DIR $*\" >> '" + calls + "'\n");
        Files.setPosixFilePermissions(bin.resolve("systemctl"), PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = Map.of("HOME", tmp.toString(), "XDG_CONFIG_HOME", tmp.resolve("config").toString(),
                "PATH", bin.toString());
        StringWriter out = new StringWriter();
        ServiceInstaller.Setup setup = new ServiceInstaller.Setup(env, tmp.resolve("wokd"),
                WokPaths.resolve(env, Platform.LINUX), new PrintWriter(out, true), printed -> { });

        new SystemdUserInstaller(setup, runtimeDirs).install(false);

        assertThat(Files.readAllLines(calls)).containsExactly(own + " --user show-environment", own + " --user daemon-reload");
        assertThat(out.toString()).contains("note: XDG_RUNTIME_DIR is not set in this shell")
                .contains("the service listens in " + own.resolve("wok"));
    }
}
