package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import dev.wok.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * wok as a user installs it, under a real systemd: a container boots systemd as PID 1 (image:
 * {@link SystemdImage}), a normal user with a lingering user manager runs {@code scripts/install.sh --service}
 * from the jars the reactor just built (bind-mounted read-only, as is the host's JDK), and then what that
 * user would check: wokd.socket listening with no wokd yet, the first {@code wok ping} starting wokd
 * through socket activation, {@code systemctl --user restart wokd} keeping the ops pushed before it, and
 * a {@code kill -9} of wokd followed by systemd's restart (Restart=on-failure).
 *
 * <p>Needs a Docker engine (scripts/dev/docker-engine.sh starts one; .ci/run does that) and, the first
 * time, debootstrap as root to build the image; skipped, saying which is missing, without them. The
 * container needs no privileges: no network, tmpfs on /run and /tmp, the host's cgroups read-only.
 */
class SystemdServiceContainerTest {
    private static final String USER = "wokuser";
    private static final String SOURCE = "/opt/wok-src";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static GenericContainer<?> container;
    private static int uid;
    private static Optional<String> whyNotHere = Optional.empty();
    private static Path javaHome;
    private static final StringBuilder setupLog = new StringBuilder();

    @BeforeAll
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    static void bootSystemdAndInstallWok() throws Throwable {
        Path root = Build.root();
        whyNotHere = whyNotHere(root);
        if (whyNotHere.isPresent()) {
            System.out.println("skipped: " + whyNotHere.get());
            return;
        }
        var docker = DockerClientFactory.instance().client();
        SystemdImage.ensure(docker, DockerClientFactory.instance().getTransportConfig().getDockerHost().toString(), setupLog);

        List<Bind> binds = new ArrayList<>();
        binds.add(readOnly(Path.of("/sys/fs/cgroup"), "/sys/fs/cgroup"));
        // What install.sh copies, where it looks for it (scripts/.., the modules' target/).
        binds.add(readOnly(root.resolve("scripts"), SOURCE + "/scripts"));
        for (String module : List.of("cli", "daemon", "relay")) {
            binds.add(readOnly(root.resolve(module + "/target"), SOURCE + "/" + module + "/target"));
        }
        for (Path jdk : hostJdkPaths()) {
            binds.add(readOnly(jdk, jdk.toString()));
        }
        // Binds go straight into the container's HostConfig: Testcontainers' withFileSystemBind first checks
        // that files can be mounted by running an alpine image, which cannot be pulled here.
        GenericContainer<?> booting = new GenericContainer<>(DockerImageName.parse(SystemdImage.TAG))
                .withCommand("/sbin/init")
                .withEnv("container", "docker")
                .withNetworkMode("none")
                .withTmpFs(Map.of("/run", "rw,exec,mode=755", "/run/lock", "rw", "/tmp", "rw,exec,mode=1777"))
                .withCreateContainerCmdModifier(create -> create.getHostConfig().withBinds(binds));
        container = booting;
        long starting = System.nanoTime();
        container.start();
        try {
            await("systemd booted").atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(
                    () -> run("systemctl", "is-system-running").getStdout().strip(), s -> s.equals("running") || s.equals("degraded"));
            setupLog.append("container started and systemd running in ").append(seconds(starting)).append(" s\n");
            exec(List.of("useradd", "--create-home", "--shell", "/bin/sh", USER));
            uid = Integer.parseInt(exec(List.of("id", "-u", USER)).getStdout().strip());
            exec(List.of("loginctl", "enable-linger", USER));
            await("the user manager of " + USER).atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(
                    () -> asUser("systemctl", "--user", "is-system-running").getStdout().strip(),
                    s -> s.equals("running") || s.equals("degraded"));

            long installing = System.nanoTime();
            // As the user, in their home, the way the README says: sh scripts/install.sh --service.
            ExecResult install = asUser("sh", "-c", "cd && sh " + SOURCE + "/scripts/install.sh --service");
            setupLog.append("install.sh --service (exit ").append(install.getExitCode()).append(", ")
                    .append(seconds(installing)).append(" s):\n")
                    .append(install.getStdout()).append(install.getStderr());
            assertThat(install.getExitCode()).as("install.sh --service:\n%s%s", install.getStdout(), install.getStderr()).isZero();
        } catch (Throwable e) {
            throw withContainerOutput(e);
        } finally {
            System.out.println(setupLog);
        }
    }

    /** Why the test cannot run on this machine; a skip (JUnit assumption) with that reason, not a failure. */
    private static Optional<String> whyNotHere(Path root) {
        for (String module : List.of("cli", "daemon", "relay")) {
            if (!Files.isRegularFile(root.resolve(module + "/target/wok-" + module + ".jar"))) {
                return Optional.of("no packaged jars in " + root + "/" + module + "/target (run 'verify', not 'test')");
            }
        }
        if (!dockerAvailable()) {
            return Optional.of("no Docker engine reachable (DOCKER_HOST=" + System.getenv("DOCKER_HOST") + "): the service is"
                    + " not tested in a container; start one with 'eval \"$(sh scripts/dev/docker-engine.sh start)\"' (.ci/run does)");
        }
        if (!SystemdImage.present(DockerClientFactory.instance().client())) {
            Optional<String> why = SystemdImage.whyNoBuild();
            if (why.isPresent()) {
                return Optional.of("the image " + SystemdImage.TAG + " is not in the engine and cannot be built here: " + why.get());
            }
        }
        return Optional.empty();
    }

    @BeforeEach
    void runsHere() {
        assumeTrue(whyNotHere.isEmpty(), () -> whyNotHere.orElseThrow());
    }

    @AfterAll
    static void stopContainer() {
        if (container != null) {
            container.stop();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void the_service_is_socket_activated_keeps_its_state_across_a_restart_and_comes_back_after_kill_9() throws Throwable {
        long started = System.nanoTime();
        try {
            socketListensAndNoWokdRunsYet();
            long first = firstPingStartsWokdThroughTheSocket();
            String op = "{\"text\":\"pushed before the restart " + UUID.randomUUID() + "\"}";
            long restarted = restartKeepsTheState(first, op);
            killedWokdIsRestartedBySystemd(restarted, op);
            theInstallIsHealthy();
            System.out.println("socket activation, restart and kill -9 checked in " + seconds(started) + " s");
        } catch (Throwable e) {
            throw withContainerOutput(e);
        }
    }

    private void socketListensAndNoWokdRunsYet() throws Exception {
        assertThat(asUser("systemctl", "--user", "is-active", "wokd.socket").getStdout().strip()).isEqualTo("active");
        assertThat(asUser("systemctl", "--user", "is-enabled", "wokd.socket").getStdout().strip()).isEqualTo("enabled");
        ExecResult service = asUser("systemctl", "--user", "is-active", "wokd.service");
        assertThat(service.getStdout().strip()).as("no wokd before the first client").isEqualTo("inactive");
        assertThat(asUser("test", "-S", socketPath()).getExitCode()).as("systemd listens on %s", socketPath()).isZero();
    }

    private long firstPingStartsWokdThroughTheSocket() throws Exception {
        ExecResult ping = asUser("wok", "ping");
        assertThat(ping.getExitCode()).as("wok ping: %s%s", ping.getStdout(), ping.getStderr()).isZero();
        assertThat(ping.getStdout()).startsWith("pong from wokd");
        assertThat(asUser("systemctl", "--user", "is-active", "wokd.service").getStdout().strip()).isEqualTo("active");
        long pid = mainPid();
        assertThat(pid).as("wokd.service's MainPID").isPositive();
        assertThat(statusPid()).as("the wokd that answers is the one systemd started").isEqualTo(pid);
        await("wokd's journal").atMost(WAIT).until(() -> journal(200), j -> j.contains("socket from systemd, fd 3"));
        return pid;
    }

    private long restartKeepsTheState(long before, String op) throws Exception {
        ExecResult push = asUser("wok", "push", "--json", op);
        assertThat(push.getExitCode()).as("wok push: %s%s", push.getStdout(), push.getStderr()).isZero();
        String id = Json.mapper().readTree(push.getStdout()).path("id").asText();
        assertThat(id).isNotEmpty();
        assertThat(logBodies()).contains(Json.mapper().readTree(op));

        ExecResult restart = asUser("systemctl", "--user", "restart", "wokd");
        assertThat(restart.getExitCode()).as("systemctl --user restart wokd: %s", restart.getStderr()).isZero();
        // Type=notify: the restart returns once the new wokd has said it serves the socket.
        long after = mainPid();
        assertThat(after).as("a new wokd after the restart").isPositive().isNotEqualTo(before);
        assertPings();
        assertThat(statusPid()).isEqualTo(after);
        assertThat(logBodies()).as("the op pushed before the restart (%s) is still in wok log", id).contains(Json.mapper().readTree(op));
        return after;
    }

    private void killedWokdIsRestartedBySystemd(long before, String op) throws Exception {
        long restarts = Long.parseLong(show("NRestarts"));
        ExecResult kill = asUser("kill", "-9", Long.toString(before));
        assertThat(kill.getExitCode()).as("kill -9 %d: %s", before, kill.getStderr()).isZero();
        // Restart=on-failure, RestartSec=2: systemd starts a new wokd by itself, without a client asking.
        await("systemd restarts the killed wokd").atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(
                () -> show("ActiveState") + " " + show("MainPID"),
                s -> s.startsWith("active ") && !s.endsWith(" 0") && !s.endsWith(" " + before));
        long after = mainPid();
        assertThat(Long.parseLong(show("NRestarts"))).as("NRestarts").isEqualTo(restarts + 1);
        assertThat(asUser("kill", "-0", Long.toString(before)).getExitCode()).as("the killed wokd is gone").isNotZero();
        assertPings();
        assertThat(statusPid()).as("the wokd that answers is the one systemd restarted").isEqualTo(after);
        assertThat(logBodies()).contains(Json.mapper().readTree(op));
        assertThat(journal(200)).contains("Main process exited, code=killed, status=9/KILL");
    }

    /**
     * What a user runs to ask whether all is well: {@code wok doctor} passes (exit 0, no failed check), and it
     * found the service as installed and the wokd that systemd runs.
     */
    private void theInstallIsHealthy() throws Exception {
        assertThat(asUser("systemctl", "--user", "is-active", "wokd.socket", "wokd.service").getStdout().lines())
                .containsExactly("active", "active");
        assertThat(asUser("systemctl", "--user", "is-failed", "wokd.service").getExitCode()).as("wokd.service failed").isNotZero();
        assertPings();
        ExecResult doctor = asUser("wok", "doctor");
        assertThat(doctor.getExitCode()).as("wok doctor:%n%s%s", doctor.getStdout(), doctor.getStderr()).isZero();
        assertThat(doctor.getStdout()).contains("✓ service unit: wokd.socket active, wokd.service active")
                .contains("✓ wokd: running (pid " + mainPid() + ", version").doesNotContain("✗");
    }

    // --- helpers ---

    private static void assertPings() throws Exception {
        ExecResult ping = asUser("wok", "ping");
        assertThat(ping.getExitCode()).as("wok ping: %s%s", ping.getStdout(), ping.getStderr()).isZero();
        assertThat(ping.getStdout()).startsWith("pong from wokd");
    }

    private static long mainPid() throws Exception {
        return Long.parseLong(show("MainPID"));
    }

    private static String show(String property) throws Exception {
        return exec(userCommand("systemctl", "--user", "show", "--property=" + property, "--value", "wokd.service")).getStdout().strip();
    }

    private static long statusPid() throws Exception {
        ExecResult status = exec(userCommand("wok", "status", "--json"));
        return Json.mapper().readTree(status.getStdout()).path("pid").asLong();
    }

    private static List<JsonNode> logBodies() throws Exception {
        ExecResult log = exec(userCommand("wok", "log", "--json"));
        List<JsonNode> bodies = new ArrayList<>();
        for (String line : log.getStdout().lines().filter(l -> !l.isBlank()).toList()) {
            bodies.add(Json.mapper().readTree(line).path("body"));
        }
        return bodies;
    }

    private static String socketPath() {
        return "/run/user/" + uid + "/wok/wokd.sock";
    }

    private static String journal(int lines) throws Exception {
        ExecResult journal = asUser("journalctl", "--user", "--unit=wokd", "--lines=" + lines, "--no-pager", "--output=short-precise");
        return journal.getStdout() + journal.getStderr();
    }

    /** {@code command} as the test user, with the environment of their login (their user manager's bus). */
    private static ExecResult asUser(String... command) throws Exception {
        return container.execInContainer(userCommand(command).toArray(String[]::new));
    }

    private static List<String> userCommand(String... command) {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", USER, "--", "env", "-i",
                "HOME=/home/" + USER, "USER=" + USER, "LOGNAME=" + USER, "SHELL=/bin/sh", "LANG=C.UTF-8",
                "PATH=/home/" + USER + "/.local/bin:/usr/local/bin:/usr/bin:/bin",
                "XDG_RUNTIME_DIR=/run/user/" + uid,
                "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/" + uid + "/bus",
                "JAVA_HOME=" + javaHome));
        full.addAll(List.of(command));
        return full;
    }

    private static ExecResult run(String... command) throws Exception {
        return container.execInContainer(command);
    }

    /** Runs {@code command} (as root, or as the user when made by {@link #userCommand}) and asserts it exits 0. */
    private static ExecResult exec(List<String> command) throws Exception {
        ExecResult result = container.execInContainer(command.toArray(String[]::new));
        assertThat(result.getExitCode()).as("%s exited %d: %s%s", command, result.getExitCode(), result.getStdout(), result.getStderr())
                .isZero();
        return result;
    }

    /** The failure, with what the container saw: the units' state and wokd's journal. */
    private static Throwable withContainerOutput(Throwable failure) {
        if (failure instanceof TestAbortedException || container == null || !container.isRunning()) {
            return failure;
        }
        StringBuilder out = new StringBuilder(String.valueOf(failure.getMessage()));
        out.append("\n--- set-up ---\n").append(setupLog);
        try {
            if (uid > 0) {
                ExecResult status = asUser("systemctl", "--user", "status", "--no-pager", "--lines=0", "wokd.socket", "wokd.service");
                out.append("--- systemctl --user status wokd.socket wokd.service ---\n").append(status.getStdout()).append(status.getStderr());
                out.append("--- journalctl --user -u wokd (last 80 lines) ---\n").append(journal(80));
            }
            // Less the session lines of the test's own runuser calls, which would fill it.
            List<String> system = run("journalctl", "--lines=400", "--no-pager").getStdout().lines()
                    .filter(line -> !line.contains(" runuser[")).toList();
            out.append("--- journalctl (system, last 40 lines but runuser's) ---\n")
                    .append(String.join("\n", system.subList(Math.max(0, system.size() - 40), system.size()))).append('\n');
        } catch (Exception e) {
            out.append("\n(could not read the container's state: ").append(e).append(")");
        }
        return new AssertionError(out.toString(), failure);
    }

    private static long seconds(long sinceNanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sinceNanos);
    }

    private static Bind readOnly(Path host, String inContainer) {
        return new Bind(host.toString(), new Volume(inContainer), AccessMode.ro);
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The host's JDKs, for install.sh and the launchers to choose from, at the same paths in the container. */
    private static List<Path> hostJdkPaths() throws IOException {
        List<Path> paths = new ArrayList<>();
        Path jvm = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvm)) {
            paths.add(jvm);
        }
        javaHome = Path.of(System.getProperty("java.home")).toRealPath();
        if (!javaHome.startsWith(jvm)) {
            paths.add(javaHome);
        }
        // Debian's JDKs keep their configuration under /etc (conf/ and lib/security are links there).
        try (Stream<Path> etc = Files.list(Path.of("/etc"))) {
            etc.filter(p -> p.getFileName().toString().matches("java-\\d+-openjdk")).forEach(paths::add);
        }
        return paths;
    }
}
