package dev.wok.cli;

import dev.wok.cli.logs.LogTail;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code wokd logs [-n N] [-f]}: wokd's log file, read directly, so it works whether wokd runs or not. */
@Command(name = "logs", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        header = "Print wokd's log; -f follows it, across roll-overs.",
        description = {"Print the last lines of wokd's log (wokd.log in the state directory: WOK_HOME, else"
                + " $XDG_STATE_HOME/wok). Works whether wokd runs or not. Under systemd the same lines are also in"
                + " 'journalctl --user -u wokd'.",
                "Exit codes: 0 printed (or followed until interrupted), 1 no log yet (without -f)."})
final class LogsCommand implements Callable<Integer> {
    static final Duration FOLLOW_INTERVAL = Duration.ofMillis(250);

    @ParentCommand
    WokdClientMain parent;

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--lines"}, defaultValue = "20", paramLabel = "N",
            description = "How many of the last lines to print (default: ${DEFAULT-VALUE}; 0 prints none, for -f).")
    int lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing lines as wokd writes them, until interrupted (Ctrl-C).")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        if (lines < 0) {
            throw new CliException(ExitCodes.USAGE, "-n must be 0 or more, not " + lines);
        }
        Path log = parent.context().paths().logFile();
        PrintWriter out = spec.commandLine().getOut();
        if (!LogTail.exists(log) && !follow) {
            throw new CliException(ExitCodes.FAILURE, "no log at " + log + " yet: wokd has not run with these paths"
                    + " (WOK_HOME, XDG_STATE_HOME); 'wokd logs -f' waits for it");
        }
        try (LogTail tail = LogTail.printLast(log, lines, out)) {
            if (!follow) {
                tail.flushPartialLine();
                return ExitCodes.OK;
            }
            tail.follow(() -> true, FOLLOW_INTERVAL);
        }
        return ExitCodes.OK;
    }
}
