package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell launchers against the jars this build packaged, and an install into a temporary prefix:
 * what a user types. Runs in {@code verify}; skipped when the jars were not packaged (plain {@code test}).
 */
@Timeout(180)
class LaunchersTest {
    @TempDir
    Path home;

    Path scripts;
    final DaemonProcesses daemons = new DaemonProcesses();

    @BeforeEach
    void findScripts() {
        Path root = Build.root();
        scripts = root.resolve("scripts");
        assumeThat(root.resolve("cli/target/wok-cli.jar")).as("packaged jars (run 'verify', not 'test')").exists();
        assumeThat(root.resolve("daemon/target/wok-daemon.jar")).exists();
    }

    @AfterEach
    void cleanUp() throws Exception {
        run(scripts.resolve("wokd"), Map.of(), "stop");
        daemons.killAll();
    }

    @Test
    void wokd_start_then_wok_status_then_wok_stop() throws Exception {
        Result start = run(scripts.resolve("wokd"), Map.of(), "start");
        assertThat(start.exit).as(start.output).isZero();
        long pid = daemons.pid(home).orElseThrow();
        assertThat(start.output).contains("wokd started (pid " + pid + ")");

        Result status = run(scripts.resolve("wok"), Map.of("NO_COLOR", "1"), "status");
        assertThat(status.exit).as(status.output).isZero();
        assertThat(status.output).contains("disabled").contains("pid " + pid);

        Result stop = run(scripts.resolve("wok"), Map.of(), "stop");
        assertThat(stop.exit).isZero();
        assertThat(DaemonProcesses.alive(pid)).isFalse();
        assertThat(run(scripts.resolve("wokd"), Map.of(), "status").exit).isEqualTo(3);
    }

    @Test
    void local_sync_starts_a_relay_and_a_connected_daemon_then_stops_both() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Map<String, String> env = Map.of("WOK_RELAY_PORT", Integer.toString(port));
        Result start = run(scripts.resolve("local-sync"), env, "start");
        assertThat(start.exit).as(start.output).isZero();
        daemons.pid(home);
        daemons.track(Long.parseLong(Files.readString(home.resolve("relay.pid")).trim()));
        assertThat(start.output).contains("wok-relay started").contains("\nconnected\n")
                .contains("upstream  ws://127.0.0.1:" + port + "/sync");
        Result stop = run(scripts.resolve("local-sync"), env, "stop");
        assertThat(stop.exit).as(stop.output).isZero();
        assertThat(stop.output).contains("wokd stopped").contains("wok-relay stopped");
    }

    @Test
    void the_cli_loads_no_netty_logback_or_sqlite_class() throws Exception {
        assertThat(run(scripts.resolve("wokd"), Map.of(), "start").exit).isZero();
        daemons.pid(home);
        // Without the start-up cache, which loads every class its training run loaded: what the code itself loads.
        Map<String, String> classLog = Map.of("WOK_JAVA_OPTS", "-verbose:class", "WOK_NO_CACHE", "1");
        Result status = run(scripts.resolve("wok"), classLog, "status");
        assertThat(status.exit).isZero();
        assertThat(status.output).as("status takes the quick path").contains("dev.wok.cli.QuickStatus")
                .doesNotContain("picocli.").doesNotContain("com.fasterxml.jackson.databind.");
        Result ping = run(scripts.resolve("wok"), classLog, "ping");
        assertThat(ping.exit).isZero();
        assertThat(ping.output).contains("dev.wok.cli.WokMain");
        for (Result result : List.of(status, ping)) {
            assertThat(result.output).doesNotContain("io.netty").doesNotContain("ch.qos.logback").doesNotContain("org.sqlite");
        }
    }

    @Test
    void install_puts_working_commands_in_the_prefix() throws Exception {
        Path prefix = home.resolve("prefix");
        Process install = new ProcessBuilder("sh", scripts.resolve("install.sh").toString(), "--prefix", prefix.toString())
                .redirectErrorStream(true).start();
        String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(install.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(install.exitValue()).as(output).isZero();
        assertThat(prefix.resolve("bin/wok")).isSymbolicLink();
        assertThat(prefix.resolve("bin/wok-local-sync")).isSymbolicLink();
        assertThat(run(prefix.resolve("bin/wok-local-sync"), Map.of(), "--help").output).contains("local-sync start");

        Path completion = prefix.resolve("share/bash-completion/completions/wok");
        assertThat(completion).isSymbolicLink();
        Process bash = new ProcessBuilder("bash", "-c", "source " + completion + "; COMP_WORDS=(wok sta); COMP_CWORD=1;"
                + " COMP_LINE='wok sta'; COMP_POINT=7; _complete_wok; echo \"${COMPREPLY[@]}\"").redirectErrorStream(true).start();
        String completed = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(completed.trim()).as("bash completes 'wok sta'").isEqualTo("status");

        Result version = run(prefix.resolve("bin/wok"), Map.of(), "--version");
        assertThat(version.exit).as(version.output).isZero();
        assertThat(version.output).startsWith("wok ");
        Result start = run(prefix.resolve("bin/wokd"), Map.of(), "start");
        assertThat(start.exit).as(start.output).isZero();
        long pid = daemons.pid(home).orElseThrow();
        assertThat(run(prefix.resolve("bin/wok"), Map.of(), "ping").output).contains("pong");
        Path natives = prefix.resolve("lib/wok/daemon/cache/native");
        if (linux()) {
            assertThat(mappedFiles(pid)).as("wokd loaded the install's copies of its native libraries")
                    .contains(natives.resolve("libsqlitejdbc.so").toRealPath().toString());
        }

        // The install made the start-up caches, and the commands use them.
        Path cache = onlyFile(prefix.resolve("lib/wok/cli/cache"), "status-java-");
        Map<String, String> classLog = Map.of("WOK_JAVA_OPTS", "-Xlog:class+load");
        assertThat(run(prefix.resolve("bin/wok"), classLog, "status").output)
                .containsPattern("dev\\.wok\\.cli\\.QuickStatus source: shared objects file");
        // A cache the JVM rejects: the command works all the same, the next one says so, and a new cache is made.
        // (JDK 17-23 report a damaged CDS archive only at info level, so there only a stale one is noticed.)
        if (cache.getFileName().toString().endsWith(".aot")) {
            Files.write(cache, new byte[4096]);
            Result rejected = run(prefix.resolve("bin/wok"), Map.of(), "status");
            assertThat(rejected.exit).as(rejected.output).isZero();
            assertThat(rejected.output).startsWith("disabled");
            Result noticed = run(prefix.resolve("bin/wok"), Map.of(), "status");
            assertThat(noticed.output).contains("could not use the start-up cache").contains("making it in the background");
            await().atMost(java.time.Duration.ofSeconds(90)).until(() -> Files.size(cache) > 4096 && !Files.exists(cache.resolveSibling(
                    cache.getFileName() + ".log")) && !Files.exists(cache.resolveSibling("making")));
            Result remade = run(prefix.resolve("bin/wok"), classLog, "status");
            assertThat(remade.output).doesNotContain("start-up cache")
                    .containsPattern("dev\\.wok\\.cli\\.QuickStatus source: shared objects file");

            // Options of the user's that make the JVM refuse the cache (a module added at run time, as
            // -XX:StartFlightRecording does): a cache made again would be refused again, so none is made.
            // (Its own -Xlog shows that the JVM did refuse the cache for that option.)
            Map<String, String> addedModule = Map.of("WOK_JAVA_OPTS", "--add-modules jdk.jfr -Xlog:aot*=warning:stdout");
            java.nio.file.attribute.FileTime madeAt = Files.getLastModifiedTime(cache);
            for (int i = 0; i < 2; i++) {
                Result withOptions = run(prefix.resolve("bin/wok"), addedModule, "status");
                assertThat(withOptions.exit).as(withOptions.output).isZero();
                assertThat(withOptions.output).contains("jdk.module.addmods").doesNotContain("start-up cache");
            }
            assertThat(cache.resolveSibling(cache.getFileName() + ".log")).doesNotExist();
            assertThat(cache.resolveSibling("making")).doesNotExist();
            assertThat(Files.getLastModifiedTime(cache)).isEqualTo(madeAt);
        }
        assertThat(run(prefix.resolve("bin/wokd"), Map.of(), "stop").exit).isZero();

        if (linux()) {
            // A damaged copy: sqlite-jdbc cannot load it and extracts its own, as it would without one.
            Files.write(natives.resolve("libsqlitejdbc.so"), new byte[16]);
            Result again = run(prefix.resolve("bin/wokd"), Map.of(), "start");
            assertThat(again.exit).as(again.output).isZero();
            Result pushed = run(prefix.resolve("bin/wok"), Map.of(), "push", "{\"after\":\"damage\"}");
            assertThat(pushed.exit).as(pushed.output).isZero();
            assertThat(run(prefix.resolve("bin/wokd"), Map.of(), "stop").exit).isZero();
        }

        Process uninstall = new ProcessBuilder("sh", scripts.resolve("install.sh").toString(), "--uninstall", "--prefix",
                prefix.toString()).redirectErrorStream(true).start();
        String removed = new String(uninstall.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(uninstall.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(uninstall.exitValue()).as(removed).isZero();
        assertThat(removed).contains("removed " + prefix.resolve("lib/wok")).contains("removed " + prefix.resolve("bin/wok"));
        assertThat(prefix.resolve("lib/wok")).doesNotExist();
        assertThat(prefix.resolve("bin/wok")).doesNotExist();
        assertThat(prefix.resolve("bin/wok-local-sync")).doesNotExist();
        assertThat(prefix.resolve("share/bash-completion/completions/wok")).doesNotExist();
        assertThat(prefix.resolve("bin")).exists();
    }

    @Test
    void install_with_service_installs_the_units_for_the_installed_wokd_and_uninstall_removes_them() throws Exception {
        Path prefix = home.resolve("prefix");
        Path bin = Files.createDirectories(home.resolve("fake-bin"));
        Path calls = home.resolve("systemctl.calls");
        Files.writeString(bin.resolve("systemctl"), "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
        Files.setPosixFilePermissions(bin.resolve("systemctl"), PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"), "XDG_CONFIG_HOME",
                home.resolve("config").toString(), "WOK_HOME", home.toString(), "WOK_NO_CACHE", "1");
        Path units = home.resolve("config/systemd/user");

        Result install = runScript(env, "--prefix", prefix.toString(), "--service");

        assertThat(install.exit).as(install.output).isZero();
        Path installedWokd = prefix.resolve("lib/wok/bin/wokd").toRealPath();
        assertThat(Files.readString(units.resolve("wokd.service"))).contains("ExecStart=" + installedWokd + " run\n");
        assertThat(units.resolve("wokd.socket")).exists();
        assertThat(Files.readAllLines(calls)).containsExactly("--user show-environment", "--user daemon-reload",
                "--user enable --now wokd.socket");
        assertThat(install.output).contains("ran systemctl --user enable --now wokd.socket");

        Result uninstall = runScript(env, "--uninstall", "--prefix", prefix.toString());

        assertThat(uninstall.exit).as(uninstall.output).isZero();
        assertThat(units.resolve("wokd.service")).doesNotExist();
        assertThat(units.resolve("wokd.socket")).doesNotExist();
        assertThat(uninstall.output).contains("ran systemctl --user disable --now wokd.socket wokd.service");
    }

    private Result runScript(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", scripts.resolve("install.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    @Test
    void wokd_start_says_why_it_cannot_start_with_the_exit_code_scripts_test() throws Exception {
        Files.writeString(home.resolve("config.toml"), "[upstream]\nurll = \"typo\"\n");
        Result start = run(scripts.resolve("wokd"), Map.of(), "start");
        assertThat(start.exit).as(start.output).isEqualTo(2);
        assertThat(start.output).contains("wokd: the daemon could not start").contains("unknown key 'upstream.urll'");
        Files.delete(home.resolve("config.toml"));
        Result started = run(scripts.resolve("wokd"), Map.of(), "start");
        assertThat(started.exit).as(started.output).isZero();
        daemons.pid(home);
        assertThat(started.output).startsWith("wokd started (pid ").contains("socket " + home.resolve("wokd.sock"));
        assertThat(run(scripts.resolve("wokd"), Map.of(), "start").output).startsWith("wokd is already running (pid ");
    }

    @Test
    void the_cache_training_touches_nothing_of_the_users_socket_config_or_upstream() throws Exception {
        Path userSocket = home.resolve("user.sock");
        try (java.net.ServerSocket upstream = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            upstream.setSoTimeout(1);
            Result made = run(scripts.resolve("wok-cache"), Map.of("WOK_SOCKET", userSocket.toString(),
                    "WOK_CONFIG", home.resolve("user-config.toml").toString(),
                    "WOK_UPSTREAM_URL", "ws://127.0.0.1:" + upstream.getLocalPort() + "/sync"));
            assertThat(made.exit).as(made.output).isZero();
            assertThat(userSocket).as("the training wokd used its own socket").doesNotExist();
            assertThatThrownBy(upstream::accept).as("nothing connected to the user's upstream")
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void wokd_loads_the_native_libraries_the_build_copied_and_extracts_nothing_into_tmp() throws Exception {
        Path natives = builtNativeCopies();
        Path tmp = Files.createDirectory(home.resolve("tmp"));
        Result start = run(scripts.resolve("wokd"), Map.of("WOKD_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp), "start");
        assertThat(start.exit).as(start.output).isZero();
        long pid = daemons.pid(home).orElseThrow();
        assertThat(run(scripts.resolve("wok"), Map.of(), "push", "{\"n\":1}").exit).isZero();

        String copies = natives.toRealPath().toString();
        assertThat(mappedFiles(pid)).contains(copies + "/libsqlitejdbc.so")
                .anyMatch(file -> file.startsWith(copies + "/libnetty_transport_native_epoll_"));
        try (var extracted = Files.list(tmp)) {
            assertThat(extracted).as("nothing unpacked into the temporary directory").isEmpty();
        }
    }

    @Test
    void a_jvm_that_refuses_the_users_options_is_reported_with_what_it_said() throws Exception {
        // The JVM says why on stderr, which goes to wokd.log: wokd start repeats it rather than only
        // pointing at the log (the launcher already picks the serial collector).
        Result start = run(scripts.resolve("wokd"), Map.of("WOKD_JAVA_OPTS", "-XX:+UseG1GC"), "start");
        assertThat(start.exit).as(start.output).isEqualTo(1);
        assertThat(start.output).contains("wokd exited").contains("before it was ready")
                .contains("Multiple garbage collectors selected").contains(home.resolve("wokd.log").toString());
    }

    @Test
    void wokd_starts_with_heap_options_that_leave_the_start_up_cache_no_room() throws Exception {
        // A young generation as large as the launcher's initial heap (16 MiB) leaves JDK 24+ nowhere to put
        // the AOT cache's archived objects, and with the cache the JVM would not start at all ("Error
        // occurred during initialization of VM"). Options that reshape the heap run without the cache, wherever
        // they are among the others (the launcher splits them at spaces, tabs and newlines alike).
        Result start = run(scripts.resolve("wokd"), Map.of("WOKD_JAVA_OPTS", "-Dwok.probe=1\t-Xmn16m"), "start");
        assertThat(start.exit).as(start.output).isZero();
        assertThat(run(scripts.resolve("wok"), Map.of(), "ping").output).contains("pong");
    }

    @Test
    void the_relay_loads_sqlite_from_the_same_copy_and_a_killed_one_leaves_nothing_in_tmp() throws Exception {
        Path natives = builtNativeCopies();
        Path tmp = Files.createDirectory(home.resolve("tmp"));
        ProcessBuilder builder = new ProcessBuilder(scripts.resolve("wok-relay").toString(), "--bind", "127.0.0.1:0",
                "--data", home.resolve("relay-data").toString()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("WOK_RELAY_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp);
        Process relay = builder.start();
        try {
            dev.wok.protocol.process.MarkerLine.Result said = dev.wok.protocol.process.MarkerLine.await(relay,
                    line -> line.contains("listening on"), System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
            assertThat(said.marker()).as("the relay started: %s", said.before()).isPresent();
            assertThat(mappedFiles(relay.pid())).contains(natives.toRealPath() + "/libsqlitejdbc.so");
        } finally {
            relay.destroyForcibly();
            relay.waitFor(30, TimeUnit.SECONDS);
        }
        try (var extracted = Files.list(tmp)) {
            assertThat(extracted).as("nothing unpacked into the temporary directory, nothing left by kill -9").isEmpty();
        }
    }

    @Test
    void at_a_terminal_status_has_colour_and_symbols_and_through_a_pipe_plain_text() throws Exception {
        java.util.Optional<Path> script = java.util.stream.Stream.of("/usr/bin/script", "/bin/script").map(Path::of)
                .filter(Files::isExecutable).findFirst();
        assumeThat(script).as("util-linux's script, to give the command a terminal").isPresent();
        assertThat(run(scripts.resolve("wokd"), Map.of(), "start").exit).isZero();
        daemons.pid(home);

        Result atTerminal = run(Path.of(script.get().toString()), Map.of("LANG", "C.UTF-8"), "-qec",
                scripts.resolve("wok") + " status", "/dev/null");
        assertThat(atTerminal.exit).as(atTerminal.output).isZero();
        assertThat(atTerminal.output).contains("\u001b[").contains("○").contains("disabled");

        Result piped = run(scripts.resolve("wok"), Map.of("LANG", "C.UTF-8"), "status");
        assertThat(piped.output).startsWith("disabled").doesNotContain("\u001b[");
    }

    @Test
    void wokd_raises_its_soft_limit_of_open_files_to_the_hard_one() throws Exception {
        assumeThat(linux()).isTrue();
        ProcessBuilder start = new ProcessBuilder("sh", "-c", "ulimit -S -n 256; exec " + scripts.resolve("wokd") + " start")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        start.environment().put("WOK_HOME", home.toString());
        assertThat(start.start().waitFor()).isZero();
        long pid = daemons.pid(home).orElseThrow();
        String limits = Files.readAllLines(Path.of("/proc/" + pid + "/limits")).stream()
                .filter(line -> line.startsWith("Max open files")).findFirst().orElseThrow();
        String[] fields = limits.substring("Max open files".length()).trim().split("\\s+");
        assertThat(fields[0]).as(limits).isEqualTo(fields[1]).isNotEqualTo("256");
    }

    private static boolean linux() {
        return System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux");
    }

    /** Where ./mvnw package (scripts/wok-cache) copied the native libraries; Linux only. */
    private Path builtNativeCopies() {
        assumeThat(linux()).as("the copies are made on Linux only").isTrue();
        Path natives = Build.nativeCopies();
        assertThat(natives.resolve("libsqlitejdbc.so")).as("made by ./mvnw package (scripts/wok-cache)").exists();
        return natives;
    }

    /** The files a process has mapped: its code, native libraries included. */
    private static List<String> mappedFiles(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/maps")).stream()
                .map(line -> line.split("\\s+", 6))
                .filter(fields -> fields.length == 6)
                .map(fields -> fields[5])
                .distinct().toList();
    }

    @Test
    void the_launchers_run_the_newest_jdk_they_find() throws Exception {
        // A "JDK 99" whose java records that it ran, then runs the real one.
        Path jdk = home.resolve("jdk-99");
        Files.createDirectories(jdk.resolve("bin"));
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"99.0.1\"\n");
        Path marker = home.resolve("jdk-99-ran");
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho ran >> " + marker + "\nexec " + ProcessHandle.current().info().command().orElseThrow()
                + " \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result version = run(scripts.resolve("wok"), Map.of("JAVA_HOME", jdk.toString(), "WOK_NO_CACHE", "1"), "--version");
        assertThat(version.exit).as(version.output).isZero();
        assertThat(marker).as("the newest JDK (99, from JAVA_HOME's release file) was chosen").exists();
    }

    @Test
    void wokd_trims_the_native_heap_every_minute_on_the_jdks_that_can() throws Exception {
        assumeThat(linux()).isTrue();
        for (String version : List.of("17.0.8", "17.0.9")) {
            // A JDK of that version whose java records its arguments, then runs the real one.
            Path jdk = home.resolve("jdk-" + version);
            Files.createDirectories(jdk.resolve("bin"));
            Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
            Path arguments = home.resolve("arguments-" + version);
            Path java = jdk.resolve("bin/java");
            Files.writeString(java, "#!/bin/sh\necho \"$*\" >> " + arguments + "\nexec "
                    + ProcessHandle.current().info().command().orElseThrow() + " \"$@\"\n");
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

            Result start = run(scripts.resolve("wokd"), Map.of("WOK_JAVA", java.toString(), "WOK_NO_CACHE", "1"), "start");
            assertThat(start.exit).as(start.output).isZero();
            daemons.pid(home);
            assertThat(run(scripts.resolve("wokd"), Map.of("WOK_JAVA", java.toString(), "WOK_NO_CACHE", "1"), "stop").exit).isZero();

            String daemonLine = Files.readAllLines(arguments).stream().filter(line -> line.contains("WokdMain"))
                    .findFirst().orElseThrow();
            if (version.equals("17.0.8")) {
                assertThat(daemonLine).as("17.0.8 has no such flag, and would refuse to start").doesNotContain("TrimNativeHeapInterval");
            } else {
                assertThat(daemonLine).contains("-XX:TrimNativeHeapInterval=10000");
            }
        }
    }

    @Test
    void on_jdk_22_and_later_the_daemon_starts_without_native_access_warnings() throws Exception {
        Path jdk25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        assumeThat(jdk25).as("a JDK 22+ is installed").exists();
        Result start = run(scripts.resolve("wokd"), Map.of("WOK_JAVA", jdk25.toString()), "start");
        assertThat(start.exit).as(start.output).isZero();
        daemons.pid(home);
        assertThat(Files.readString(home.resolve("wokd.log"))).doesNotContain("restricted method");
        Result relay = run(scripts.resolve("wok-relay"), Map.of("WOK_JAVA", jdk25.toString()), "--help");
        assertThat(relay.output).doesNotContain("restricted method");
    }

    @Test
    void a_daemon_run_with_sighup_ignored_still_reloads_on_sighup() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", "trap '' HUP; exec " + scripts.resolve("wokd") + " run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("WOK_HOME", home.toString());
        Process daemon = builder.start();
        daemons.track(daemon.pid());
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> Files.exists(home.resolve("wokd.sock")));
        Files.writeString(home.resolve("config.toml"), "[upstream]\nurl = \"ws://127.0.0.1:1/sync\"\n");
        new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor(10, TimeUnit.SECONDS);
        await().atMost(java.time.Duration.ofSeconds(15)).until(() -> run(scripts.resolve("wok"), Map.of(), "status", "--json")
                .output.contains("\"upstream_url\":\"ws://127.0.0.1:1/sync\""));
        assertThat(daemon.isAlive()).isTrue();
    }

    @Test
    void local_sync_fails_fast_with_the_fix_when_a_wokd_runs_without_an_upstream() throws Exception {
        assertThat(run(scripts.resolve("wokd"), Map.of(), "start").exit).isZero();
        daemons.pid(home);
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Result start = run(scripts.resolve("local-sync"), Map.of("WOK_RELAY_PORT", Integer.toString(port)), "start");
        daemons.track(Long.parseLong(Files.readString(home.resolve("relay.pid")).trim()));
        assertThat(start.exit).isNotZero();
        assertThat(start.output).contains("no upstream configured").contains("wokd stop").contains("wokd reload");
        run(scripts.resolve("local-sync"), Map.of("WOK_RELAY_PORT", Integer.toString(port)), "stop");
    }

    @Test
    void local_sync_says_when_its_port_is_taken_and_how_to_pick_another() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Result start = run(scripts.resolve("local-sync"), Map.of("WOK_RELAY_PORT", Integer.toString(taken.getLocalPort())),
                    "start");
            assertThat(start.exit).isEqualTo(1);
            assertThat(start.output).contains("port " + taken.getLocalPort() + " is taken").contains("WOK_RELAY_PORT=");
        }
        assertThat(run(scripts.resolve("local-sync"), Map.of(), "--help").exit).isZero();
        assertThat(run(scripts.resolve("local-sync"), Map.of(), "frobnicate").exit).isEqualTo(2);
    }

    private static Path onlyFile(Path dir, String prefix) throws Exception {
        try (var files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && !p.getFileName().toString().endsWith(".log")).toList();
            assertThat(found).as("caches in " + dir).hasSize(1);
            return found.get(0);
        }
    }

    private Result run(Path launcher, Map<String, String> extraEnv, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("WOK_HOME", home.toString());
        builder.environment().putAll(extraEnv);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    record Result(int exit, String output) {}

    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
