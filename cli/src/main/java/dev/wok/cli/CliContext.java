package dev.wok.cli;

import dev.wok.cli.daemon.Delegation;
import dev.wok.cli.status.Glyphs;
import dev.wok.cli.status.StatusView;
import dev.wok.protocol.Terminal;
import dev.wok.protocol.paths.Platform;
import dev.wok.protocol.paths.WokPaths;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a command reads from its surroundings, passed in rather than read from globals so that tests can
 * run commands in-process against their own {@code WOK_HOME}.
 *
 * @param env the environment (WOK_HOME, WOK_SOCKET, NO_COLOR, ...)
 * @param daemonCommand the command that runs the daemon in the foreground, {@code run} included
 * @param colour whether to colour human output: on a terminal, unless NO_COLOR is set
 * @param glyphs the state symbols: ● ◐ ○ on a terminal that can show them, ASCII stand-ins on one that
 *               cannot, none when the output is not a terminal or NO_COLOR is set
 */
public record CliContext(Map<String, String> env, List<String> daemonCommand, boolean colour, Glyphs glyphs) {

    /** Set by the launcher to its sibling {@code wokd} script. */
    static final String WOKD_LAUNCHER_PROPERTY = "wok.wokd";
    private static final String DAEMON_MAIN = "dev.wok.daemon.lifecycle.WokdMain";

    public CliContext {
        env = Map.copyOf(env);
        daemonCommand = List.copyOf(daemonCommand);
    }

    public static CliContext fromProcess() {
        Map<String, String> env = System.getenv();
        StatusView view = statusView(env);
        return new CliContext(env, defaultDaemonCommand(), view.colour(), view.glyphs());
    }

    /** How this process's output shows status: symbols and colour only on a terminal, never with NO_COLOR. */
    static StatusView statusView(Map<String, String> env) {
        boolean terminal = Terminal.interactive() && !env.containsKey("NO_COLOR");
        boolean colour = terminal && !"dumb".equals(env.get("TERM"));
        Glyphs glyphs = !terminal ? Glyphs.NONE : stdoutCanShow("●◐○·—") ? Glyphs.UNICODE : Glyphs.ASCII;
        return new StatusView(colour, glyphs);
    }

    /** For tests: a terminal without colour, and a daemon run from this JVM's class path (which must hold it). */
    public static CliContext forTests(Map<String, String> env) {
        return new CliContext(env, javaDaemonCommand(), false, Glyphs.UNICODE);
    }

    public CliContext withDaemonCommand(List<String> command) {
        return new CliContext(env, command, colour, glyphs);
    }

    public WokPaths paths() {
        return WokPaths.resolve(env, Platform.current());
    }

    /** Gets a command a daemon, starting or replacing one as need be; its notes go to {@code err}. */
    public Delegation delegation(PrintWriter err) {
        return new Delegation(paths(), daemonCommand, env, err, "wok");
    }

    /**
     * Whether standard output's encoding has these characters. Under {@code LANG=C} on JDK 17 it is
     * US-ASCII, and the symbols would print as "?".
     */
    static boolean stdoutCanShow(String text) {
        String name = System.getProperty("stdout.encoding");
        Charset charset;
        try {
            charset = name != null ? Charset.forName(name) : Charset.defaultCharset();
        } catch (RuntimeException e) {
            charset = Charset.defaultCharset();
        }
        return charset.newEncoder().canEncode(text);
    }

    private static List<String> defaultDaemonCommand() {
        String launcher = System.getProperty(WOKD_LAUNCHER_PROPERTY);
        if (launcher != null && Files.isExecutable(Path.of(launcher))) {
            return List.of(launcher, "run");
        }
        return javaDaemonCommand();
    }

    private static List<String> javaDaemonCommand() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DAEMON_MAIN);
        command.add("run");
        return command;
    }
}
