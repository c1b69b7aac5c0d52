package dev.wok.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The training run behind the start-up cache (scripts/wok-cache): runs, in one JVM recorded by the JVM's
 * AOT or CDS machinery, the commands people run most, against a throw-away wokd, so that their classes
 * are in the cache. Not a user command; its output goes nowhere.
 */
public final class StartupTraining {
    /** Commands asked of a running daemon (WOK_HOME is the training one), after the quick status. */
    private static final List<String[]> WOK_COMMANDS = List.of(
            new String[] {"ping"},
            new String[] {"ping", "--json"},
            new String[] {"push", "{\"training\":true}"},
            new String[] {"push", "--json", "{\"training\":true}"},
            new String[] {"log", "-n", "5"},
            new String[] {"log", "--json", "-n", "5"},
            new String[] {"sync-now", "--timeout", "100ms"},
            new String[] {"status", "--wait", "connected", "--timeout", "100ms"},
            new String[] {"status", "--start", "--json"},
            new String[] {"connect", "--timeout", "100ms"},
            new String[] {"socket-path"},
            new String[] {"--version"},
            new String[] {"--help"},
            new String[] {"push", "--help"},
            new String[] {"push", "not json"});
    private static final List<String[]> WOKD_COMMANDS = List.of(
            new String[] {"status"},
            new String[] {"status", "--json"},
            new String[] {"start"},
            new String[] {"--help"});

    private StartupTraining() {}

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        QuickStatus.run(new String[] {"status"}, env, nowhere);
        QuickStatus.run(new String[] {"status", "--json"}, env, nowhere);
        CliContext context = CliContext.fromProcess();
        for (String[] command : WOK_COMMANDS) {
            run(WokMain.commandLine(context, command), command);
        }
        for (String[] command : WOKD_COMMANDS) {
            run(WokdClientMain.commandLine(context, command), command);
        }
        // And a daemon that is not there: the messages and the spool count of 'wok status'.
        Map<String, String> nobody = new java.util.HashMap<>(env);
        nobody.put("WOK_HOME", env.getOrDefault("WOK_TRAINING_EMPTY_HOME", "/nonexistent/wok-training"));
        CliContext empty = new CliContext(nobody, context.daemonCommand(), context.colour(), context.glyphs());
        run(WokMain.commandLine(empty, new String[] {"status"}), new String[] {"status"});
        run(WokMain.commandLine(empty, new String[] {"status"}), new String[] {"status", "--json"});
    }

    private static void run(CommandLine commandLine, String[] args) {
        PrintWriter nowhere = new PrintWriter(OutputStream.nullOutputStream());
        commandLine.setOut(nowhere).setErr(nowhere).execute(args);
    }
}
