package dev.wok.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Function;
import picocli.CommandLine;

/** A wok or wokd client command run in this JVM with a test context, and what it printed. */
record Run(int exit, String out, String err) {
    static Run wok(CliContext context, String... args) {
        return of(c -> WokMain.commandLine(c, args), context, args);
    }

    static Run wokd(CliContext context, String... args) {
        return of(c -> WokdClientMain.commandLine(c, args), context, args);
    }

    private static Run of(Function<CliContext, CommandLine> command, CliContext context, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = command.apply(context);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
