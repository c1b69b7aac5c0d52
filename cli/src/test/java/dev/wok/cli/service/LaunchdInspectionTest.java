package dev.wok.cli.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wok.protocol.paths.Platform;
import dev.wok.protocol.paths.WokPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code wok doctor} says of a launchd agent, on any OS: the plist the installer writes, read back, and a
 * fake {@code launchctl} that says whether the agent is loaded (macOS's own is for a Mac).
 */
class LaunchdInspectionTest {
    @TempDir
    Path tmp;

    Path wokd;
    Map<String, String> env;

    @BeforeEach
    void fakeMac() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.writeString(bin.resolve("launchctl"), "#!/bin/sh\n[ \"$1\" = print ] && [ -n \"$FAKE_NOT_LOADED\" ] && exit 113\nexit 0\n");
        Files.setPosixFilePermissions(bin.resolve("launchctl"), PosixFilePermissions.fromString("rwx------"));
        wokd = Files.createDirectories(tmp.resolve("my apps & tools/bin")).resolve("wokd");
        Files.writeString(wokd, "#!/bin/sh\n");
        Files.setPosixFilePermissions(wokd, PosixFilePermissions.fromString("rwx------"));
        env = new HashMap<>(Map.of("HOME", tmp.resolve("home").toString(), "PATH", bin.toString()));
        installer().install(false);
    }

    @Test
    void a_loaded_agent_whose_launcher_exists_is_sound() throws Exception {
        ServiceInstaller.Inspection inspection = installer().inspect();

        assertThat(inspection.sound()).as(inspection.summary()).isTrue();
        assertThat(inspection.summary()).startsWith("dev.wok.wokd loaded (" + tmp.resolve("home/Library/LaunchAgents/dev.wok.wokd.plist"));
    }

    @Test
    void an_agent_not_loaded_says_how_to_bootstrap_it() throws Exception {
        env.put("FAKE_NOT_LOADED", "1");

        ServiceInstaller.Inspection inspection = installer().inspect();

        assertThat(inspection.sound()).isFalse();
        assertThat(inspection.summary()).endsWith("dev.wok.wokd.plist is installed but not loaded");
        assertThat(inspection.fix()).hasValueSatisfying(fix -> assertThat(fix).startsWith("launchctl bootstrap gui/"));
    }

    @Test
    void an_agent_whose_launcher_is_gone_says_to_reinstall() throws Exception {
        Files.delete(wokd);

        ServiceInstaller.Inspection inspection = installer().inspect();

        assertThat(inspection.sound()).isFalse();
        assertThat(inspection.summary()).contains(" runs " + wokd + ", which does not exist");
    }

    private ServiceInstaller installer() {
        ServiceInstaller.Setup setup = new ServiceInstaller.Setup(env, wokd, WokPaths.resolve(env, Platform.MACOS),
                new PrintWriter(new StringWriter(), true), printed -> { });
        return new LaunchdInstaller(setup);
    }
}
