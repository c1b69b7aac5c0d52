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

    @Option(names = "--json", description = "Print {\"stopped\":…,\"pid\":…,\"how\":\"asked|terminated|killed\",\"took_ms\":…}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        DaemonStopper.Stopped stopped = DaemonStopper.stop(parent.context().paths(), timeout);
        if (json) {
            JsonOut.print(spec.commandLine().getOut(), toJson(stopped));
        } else {
            report(stopped, spec.commandLine().getOut());
        }
        return ExitCodes.OK;
    }

    static com.fasterxml.jackson.databind.node.ObjectNode toJson(DaemonStopper.Stopped stopped) {
        var result = dev.wok.protocol.Json.object();
        result.put("stopped", stopped.pid().isPresent());
        if (stopped.pid().isPresent()) {
            result.put("pid", stopped.pid().get());
            result.put("how", stopped.how().name().toLowerCase(java.util.Locale.ROOT));
        } else {
            result.putNull("pid");
        }
        result.put("took_ms", stopped.took().toMillis());
        return result;
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
