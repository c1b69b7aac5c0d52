package dev.wok.cli.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the service manager's own tools (systemctl, launchctl), found on the PATH of the given
 * environment (tests put a fake one first), with their output captured for messages.
 */
final class HostCommands {
    /** What a tool did: its exit code and what it printed (stdout and stderr together). */
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private final Map<String, String> env;

    HostCommands(Map<String, String> env) {
        this.env = env;
    }

    Optional<Path> find(String program) {
        for (String dir : env.getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    Result run(Path program, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, output + " (no answer in 60 s)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running " + command, e);
        }
        return new Result(process.exitValue(), output);
    }
}
