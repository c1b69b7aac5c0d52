package dev.wok.e2e;

import dev.wok.cli.CliContext;
import dev.wok.cli.WokMain;
import dev.wok.cli.WokdClientMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;

/** Runs a wok or wokd client command in this JVM against a test WOK_HOME, capturing what it prints. */
record CliRun(int exitCode, String out, String err) {
    static CliRun wok(Map<String, String> env, String... args) {
        return run(WokMain::commandLine, env, args);
    }

    static CliRun wokd(Map<String, String> env, String... args) {
        return run(WokdClientMain::commandLine, env, args);
    }

    private static CliRun run(Function<CliContext, CommandLine> command, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = command.apply(Build.cliContext(env));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
