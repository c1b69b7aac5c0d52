package dev.wok.e2e;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The base image of the container tests: Debian bookworm with systemd as its init, made here because no
 * image registry can be reached. {@code debootstrap --variant=minbase} builds the root file system from
 * the Debian mirror this machine's apt uses (about a minute, 250 MB), which is imported into the engine
 * with {@code /sbin/init} as its command. The engine keeps it under {@link #TAG}: later runs reuse it.
 * Bump the tag's number whenever the recipe changes, so that no engine keeps serving the old one.
 */
final class SystemdImage {
    static final String TAG = "wok-systemd-test:bookworm-1";
    static final String SUITE = "bookworm";
    static final String PACKAGES = "systemd,systemd-sysv,dbus,dbus-user-session,procps";
    private static final String FALLBACK_MIRROR = "http://deb.debian.org/debian";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(8);

    /** Why this machine cannot build the image, when it cannot (then the test is skipped, not failed). */
    static Optional<String> whyNoBuild() {
        if (find("debootstrap").isEmpty()) {
            return Optional.of("debootstrap is not installed (Debian package debootstrap; scripts/dev/docker-engine.sh start installs it)");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("debootstrap needs root; build the image once as root or run the test as root");
        }
        if (find("tar").isEmpty()) {
            return Optional.of("tar is not installed");
        }
        if (find("docker").isEmpty()) {
            return Optional.of("the docker command is not installed (Debian package docker.io), which imports the image");
        }
        return Optional.empty();
    }

    static boolean present(DockerClient docker) {
        try {
            docker.inspectImageCmd(TAG).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * Makes {@link #TAG} in the engine at {@code dockerHost} unless it is there already; says what it did on {@code log}.
     * Throws with debootstrap's own output when the build fails.
     */
    static void ensure(DockerClient docker, String dockerHost, StringBuilder log) throws IOException, InterruptedException {
        if (present(docker)) {
            log.append("image ").append(TAG).append(": present, reused\n");
            return;
        }
        long started = System.nanoTime();
        Path base = Files.isWritable(Path.of("/var/tmp")) ? Path.of("/var/tmp") : Path.of(System.getProperty("java.io.tmpdir"));
        Path work = Files.createTempDirectory(base, "wok-systemd-image-");
        Path rootfs = work.resolve("rootfs");
        try {
            String mirror = mirror();
            Path out = work.resolve("debootstrap.out");
            ProcessBuilder builder = new ProcessBuilder(find("debootstrap").orElseThrow().toString(), "--variant=minbase",
                    "--include=" + PACKAGES, SUITE, rootfs.toString(), mirror)
                    .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // debootstrap runs chroot, mount and friends from the sbin directories, which a non-login PATH may lack.
            builder.environment().put("PATH", searchPath());
            Process debootstrap = builder.start();
            if (!debootstrap.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                debootstrap.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                throw new IOException("debootstrap did not finish within " + BUILD_TIMEOUT + " (mirror " + mirror + "):\n" + tail(out, 30));
            }
            if (debootstrap.exitValue() != 0) {
                Path own = rootfs.resolve("debootstrap/debootstrap.log");
                throw new IOException("debootstrap exited " + debootstrap.exitValue() + " (mirror " + mirror + "):\n" + tail(out, 30)
                        + (Files.exists(own) ? "\n--- " + own + " ---\n" + tail(own, 30) : ""));
            }
            long bootstrapped = System.nanoTime();
            importRootfs(dockerHost, rootfs, work);
            log.append(String.format("image %s: built with debootstrap from %s in %d s, imported in %d s%n", TAG, mirror,
                    TimeUnit.NANOSECONDS.toSeconds(bootstrapped - started), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - bootstrapped)));
        } finally {
            // --one-file-system: should debootstrap have left /proc or /sys mounted in the tree, leave them be.
            new ProcessBuilder("rm", "-rf", "--one-file-system", work.toString()).inheritIO().start().waitFor(5, TimeUnit.MINUTES);
        }
    }

    /**
     * {@code tar -c | docker import --change ...}, with the docker CLI pointed at the engine Testcontainers
     * uses. docker-java's import (3.7.1, against Docker 20.10) failed here with the engine reporting
     * "ApplyLayer ... unexpected EOF", a truncated upload; and it takes no --change.
     */
    private static void importRootfs(String dockerHost, Path rootfs, Path work) throws IOException, InterruptedException {
        Path out = work.resolve("import.out");
        ProcessBuilder tar = new ProcessBuilder("tar", "-C", rootfs.toString(), "--numeric-owner", "-c", ".")
                .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile()));
        ProcessBuilder dockerImport = new ProcessBuilder(find("docker").orElseThrow().toString(), "import",
                "--change", "CMD [\"/sbin/init\"]", "--change", "ENV container=docker",
                "--message", "debootstrap --variant=minbase --include=" + PACKAGES + " " + SUITE, "-", TAG)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        dockerImport.environment().put("DOCKER_HOST", dockerHost);
        dockerImport.environment().remove("DOCKER_CONTEXT");
        List<Process> pipeline = ProcessBuilder.startPipeline(List.of(tar, dockerImport));
        for (Process process : pipeline) {
            if (!process.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                pipeline.forEach(Process::destroyForcibly);
                throw new IOException("tar | docker import did not finish within " + BUILD_TIMEOUT + ":\n" + tail(out, 30));
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", process.info().commandLine().orElse("tar | docker import"))
                        + " exited " + process.exitValue() + ":\n" + tail(out, 30));
            }
        }
    }

    /**
     * The Debian mirror to bootstrap from: $WOK_DEBIAN_MIRROR, else the first Debian archive (not the
     * security one) named in apt's sources, else deb.debian.org.
     */
    static String mirror() throws IOException {
        String fromEnv = System.getenv("WOK_DEBIAN_MIRROR");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        List<Path> sources = new ArrayList<>();
        Path list = Path.of("/etc/apt/sources.list");
        if (Files.isRegularFile(list)) {
            sources.add(list);
        }
        Path dir = Path.of("/etc/apt/sources.list.d");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> p.toString().endsWith(".list") || p.toString().endsWith(".sources")).sorted().forEach(sources::add);
            }
        }
        for (Path source : sources) {
            for (String line : Files.readAllLines(source, StandardCharsets.UTF_8)) {
                String uri = null;
                String trimmed = line.strip();
                if (trimmed.startsWith("URIs:")) {                      // deb822 (.sources)
                    uri = trimmed.substring("URIs:".length()).strip().split("\\s+")[0];
                } else if (trimmed.startsWith("deb ")) {                // one-line format
                    for (String word : trimmed.substring(4).strip().split("\\s+")) {
                        if (!word.startsWith("[")) {
                            uri = word;
                            break;
                        }
                    }
                }
                if (uri != null && uri.matches("https?://.*/debian/?") && !uri.contains("security")) {
                    return uri;
                }
            }
        }
        return FALLBACK_MIRROR;
    }

    private static String searchPath() {
        return System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin") + ":/usr/local/sbin:/usr/sbin:/sbin";
    }

    private static Optional<Path> find(String command) {
        for (String dir : searchPath().split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return Optional.of(Path.of(dir, command));
            }
        }
        return Optional.empty();
    }

    private static String tail(Path file, int lines) throws IOException {
        List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private SystemdImage() {}
}
