package dev.wok.e2e;

import dev.wok.cli.CliContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What {@code ./mvnw package} built for these tests: the repository, and the native libraries it copied out. */
final class Build {
    private Build() {}

    /** The repository root (the surefire configuration says where; {@code ..} from the e2e module otherwise). */
    static Path root() {
        return Path.of(System.getProperty("wok.repo.root", "..")).toAbsolutePath().normalize();
    }

    /** Where scripts/wok-cache copied sqlite-jdbc's and Netty's native libraries for the launchers; Linux only. */
    static Path nativeCopies() {
        return root().resolve("daemon/target/startup-cache/native");
    }

    /**
     * JVM options that load sqlite-jdbc from that copy, as the launchers do, instead of unpacking it into
     * /tmp at every start: a daemon or relay a test kills on purpose leaves nothing there. None where there
     * is no copy.
     */
    static List<String> sqliteFromNativeCopies() {
        Path natives = nativeCopies();
        if (!Files.isRegularFile(natives.resolve("libsqlitejdbc.so"))) {
            return List.of();
        }
        return List.of("-Dorg.sqlite.lib.path=" + natives, "-Dorg.sqlite.lib.name=libsqlitejdbc.so");
    }

    /** The client context of an in-process wok/wokd command; the daemon it auto-starts loads sqlite from the copy. */
    static CliContext cliContext(Map<String, String> env) {
        CliContext context = CliContext.forTests(env);
        List<String> command = new ArrayList<>(context.daemonCommand());
        command.addAll(1, sqliteFromNativeCopies());
        return context.withDaemonCommand(command);
    }
}
