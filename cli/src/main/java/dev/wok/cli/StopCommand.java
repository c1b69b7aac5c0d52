package dev.wok.cli;

import dev.wok.cli.daemon.DaemonStopper;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code wok stop} and {@code wokd stop}: one command under both names. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop wokd gracefully and wait until it is gone. Succeeds when it was not running.")
final class StopCommand implements Callable<Integer> {
    @ParentCommand
    ContextHolder parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--timeout", defaultValue = "10s", converter = Cli.DurationConverter.class, paramLabel = "DURATION",
            description = "How long to wait for the process to exit (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        DaemonStopper.Stopped stopped = DaemonStopper.stop(parent.context().paths(), timeout);
        PrintWriter out = spec.commandLine().getOut();
        if (stopped.pid().isEmpty()) {
            out.println("wokd is not running");
        } else {
            out.printf("wokd stopped (pid %d) in %d ms%n", stopped.pid().get(), stopped.took().toMillis());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
