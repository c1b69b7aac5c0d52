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
@Command(name = "stop", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Stop wokd and wait until it is gone.",
            description = "Stop wokd gracefully and wait until it is gone. Succeeds when it was not running. A wokd that"
                    + " does not answer (stopped, stuck) is sent SIGTERM, then SIGKILL, and this says so.")
final class StopCommand implements Callable<Integer> {
    @ParentCommand
    ContextHolder parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--timeout", defaultValue = "10s", converter = Cli.DurationConverter.class, paramLabel = "DURATION",
            description = "How long to wait for the process to exit after asking (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        report(DaemonStopper.stop(parent.context().paths(), timeout), spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    static void report(DaemonStopper.Stopped stopped, PrintWriter out) {
        if (stopped.pid().isEmpty()) {
            out.println("wokd is not running");
        } else {
            long pid = stopped.pid().get();
            long ms = stopped.took().toMillis();
            switch (stopped.how()) {
                case ASKED -> out.printf("wokd stopped (pid %d) in %d ms%n", pid, ms);
                case TERMINATED -> out.printf("wokd (pid %d) did not answer; stopped it with SIGTERM in %d ms%n", pid, ms);
                case KILLED -> out.printf("wokd (pid %d) did not answer or stop on SIGTERM; killed it (SIGKILL) in %d ms%n", pid, ms);
            }
        }
        out.flush();
    }
}
