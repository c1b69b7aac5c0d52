package dev.wok.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.cli.daemon.DaemonConnection;
import dev.wok.cli.daemon.Delegation;
import dev.wok.protocol.spool.Spool;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.RawJson;
import dev.wok.protocol.client.DaemonErrorException;
import dev.wok.protocol.client.DaemonUnavailableException;
import dev.wok.protocol.client.WokClient;
import dev.wok.protocol.paths.WokPaths;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code wok push}, {@code wok log} and {@code wok sync-now}: the operation log, through wokd. */
final class SyncCommands {
    private SyncCommands() {}

    /** A daemon for a command that cannot do without one: started if need be, else the reason as the error. */
    private static WokClient connect(CliContext context, CommandSpec spec) throws CliException {
        try {
            return context.delegation(spec.commandLine().getErr()).connect();
        } catch (Delegation.Unreachable e) {
            throw e.failure();
        }
    }

    private static Duration callTimeout(Duration wait) {
        return wait.plus(DaemonConnection.ANSWER_TIMEOUT);
    }

    private static String json(JsonNode node) {
        try {
            return Json.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Store ops durably and sync them; print each op's id.",
            description = {"Each op is a JSON object, kept exactly as written. It is stored on disk before its id is"
                    + " printed, and sent upstream in order once connected.",
                    "Ops come from the argument, from --file (one per line), or from standard input (one per line).",
                    "Exit codes: 2 an op is not a JSON object or is over 1 MiB (ops before it were stored),"
                            + " 7 the outbox is full, 8 the store cannot be written, 5 --wait timed out."})
    static final class Push implements Callable<Integer> {
        @ParentCommand
        ContextHolder parent;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "OP", description = "One op, e.g. '{\"text\":\"hello\"}'.")
        String op;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Push each line of FILE as one op ('-' for standard input).")
        String file;

        @Option(names = "--wait", description = "Then wait until the upstream has acknowledged every op pushed (as sync-now does).")
        boolean waitForAck;

        @Option(names = "--timeout", defaultValue = "30s", converter = Cli.DurationConverter.class, paramLabel = "DURATION",
                description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--json", description = "Print one JSON object per op: {\"id\":…,\"seq\":…}.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (op != null && file != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give one op, or --file, not both");
            }
            CliContext context = parent.context();
            WokPaths paths = context.paths();
            PrintWriter out = spec.commandLine().getOut();
            Target target = new Target(context, spec.commandLine().getErr());
            try {
                if (op != null) {
                    push(target, op, "the argument", out);
                } else {
                    try (Reader reader = file == null || file.equals("-")
                            ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
                            : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                        BufferedReader lines = new BufferedReader(reader);
                        String line;
                        int number = 0;
                        String source = file == null || file.equals("-") ? "standard input" : file;
                        while ((line = lines.readLine()) != null) {
                            number++;
                            if (!line.isBlank()) {
                                push(target, line, source + " line " + number, out);
                            }
                        }
                    } catch (java.nio.file.NoSuchFileException e) {
                        throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": no such file");
                    }
                }
                if (target.spooled > 0) {
                    target.err.println("wok: " + target.down.getMessage() + "; " + target.spooled + " op"
                            + (target.spooled == 1 ? " is" : "s are") + " spooled in " + paths.spoolDir()
                            + " (" + new Spool(paths.spoolDir()).count() + " in all) and will be pushed when wokd starts: wokd start");
                    target.err.flush();
                    out.flush();
                    // Safe, but not acknowledged: a script that asked to wait must not take this for done.
                    return waitForAck ? ExitCodes.NOT_RUNNING : ExitCodes.OK;
                } else if (waitForAck) {
                    ObjectNode params = Json.object();
                    params.put("timeout_ms", timeout.toMillis());
                    target.client().call(Methods.SYNC_NOW, params, callTimeout(timeout));
                    if (!json) {
                        out.println("acknowledged by the upstream");
                    }
                }
                out.flush();
                return ExitCodes.OK;
            } catch (DaemonUnavailableException e) {
                throw DaemonConnection.unavailable(e, paths);
            } finally {
                target.close();
            }
        }

        /** Where ops go: the daemon, or the spool when none could be had (asked once, at the first op). */
        private static final class Target {
            final CliContext context;
            final PrintWriter err;
            WokClient client;
            CliException down;
            int spooled;

            Target(CliContext context, PrintWriter err) {
                this.context = context;
                this.err = err;
            }

            WokClient client() throws CliException {
                if (client == null && down == null) {
                    try {
                        client = context.delegation(err).connect();
                    } catch (Delegation.Unreachable e) {
                        down = e.failure();
                    }
                }
                return client;
            }

            void close() {
                if (client != null) {
                    client.close();
                }
            }
        }

        private void push(Target target, String text, String where, PrintWriter out) throws Exception {
            String body = text.strip();
            JsonNode parsed;
            try {
                parsed = Json.mapper().readTree(body);
            } catch (JsonProcessingException e) {
                throw new CliException(ExitCodes.USAGE, "the op in " + where + " is not valid JSON: "
                        + e.getOriginalMessage().lines().findFirst().orElse("") + "; an op is a JSON object like {\"text\":\"hi\"}");
            }
            if (parsed == null || !parsed.isObject()) {
                throw new CliException(ExitCodes.USAGE, "the op in " + where + " is not a JSON object; an op is a JSON"
                        + " object like {\"text\":\"hi\"}");
            }
            WokClient client = target.client();
            if (client == null) {
                Path spooled = new Spool(target.context.paths().spoolDir()).write(body);
                target.spooled++;
                if (json) {
                    ObjectNode result = Json.object();
                    result.put("spooled", spooled.toString());
                    result.put("reason", target.down.getMessage());
                    out.println(json(result));
                } else {
                    out.println("spooled " + spooled.getFileName());
                }
                out.flush();
                return;
            }
            ObjectNode params = Json.object();
            params.putRawValue(RawJson.BODY, RawJson.value(body));
            JsonNode pushed;
            try {
                pushed = client.call(Methods.PUSH, params, DaemonConnection.CALL_TIMEOUT);
            } catch (DaemonErrorException e) {
                throw new CliException(Cli.exitCodeFor(e), "the op in " + where + " was not stored: " + e.getMessage(), e);
            }
            out.println(json ? json(pushed) : pushed.path("id").asText());
            out.flush();
        }
    }

    @Command(name = "log", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Show the operation log, then the ops still pending here.",
            description = "The event log in the upstream's order (every client's ops, this one's included), then this"
                    + " client's ops not yet acknowledged, marked pending. With --follow, then each op as it arrives.")
    static final class Log implements Callable<Integer> {
        @ParentCommand
        ContextHolder parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--since", defaultValue = "0", paramLabel = "SEQ", description = "Only entries after server seq SEQ (default: ${DEFAULT-VALUE}).")
        long since;

        @Option(names = {"-n", "--limit"}, defaultValue = "1000", paramLabel = "N", description = "At most N entries of the log (default: ${DEFAULT-VALUE}).")
        long limit;

        @Option(names = {"-f", "--follow"}, description = "Then print each new entry as it arrives, until interrupted.")
        boolean follow;

        @Option(names = "--json", description = "One JSON object per entry, bodies exactly as pushed.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (since < 0 || limit < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--since must be 0 or more and --limit 1 or more");
            }
            WokPaths paths = parent.context().paths();
            PrintWriter out = spec.commandLine().getOut();
            ObjectNode params = Json.object();
            params.put("since", since);
            params.put("limit", limit);
            params.put("follow", follow);
            try (WokClient client = connect(parent.context(), spec)) {
                client.call(Methods.LOG, params, follow ? Duration.ofDays(3650) : Duration.ofMinutes(10), event -> {
                    out.println(json ? json(event.body()) : line(event.body()));
                    out.flush();
                });
                return ExitCodes.OK;
            } catch (DaemonUnavailableException e) {
                if (follow && e.reason() == DaemonUnavailableException.Reason.CONNECTION_LOST) {
                    spec.commandLine().getErr().println("wok: lost the connection to wokd: it stopped");
                    return ExitCodes.NOT_RUNNING;
                }
                throw DaemonConnection.unavailable(e, paths);
            }
        }

        private static String line(JsonNode entry) {
            String client = entry.path("client").asText();
            String shortClient = client.length() > 8 ? client.substring(0, 8) : client;
            String where = entry.path("pending").asBoolean() ? "pending" : Long.toString(entry.path("seq").asLong());
            return String.format(Locale.ROOT, "%8s  %s:%d  %s", where, shortClient, entry.path("cseq").asLong(),
                    RawJson.text(entry.path(RawJson.BODY)).orElse("{}"));
        }
    }

    @Command(name = "sync-now", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Sync now: send every pending op, pull everything new, then return.",
            description = {"Connects at once if need be (skipping any backoff wait), and returns when every op pushed"
                    + " before it is acknowledged and the upstream's log up to now is pulled.",
                    "Exit codes: 5 not done within --timeout (wokd keeps trying), 6 not connected: no upstream"
                            + " configured or credentials refused, 8 the store cannot be written."})
    static final class SyncNow implements Callable<Integer> {
        @ParentCommand
        ContextHolder parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--timeout", defaultValue = "30s", converter = Cli.DurationConverter.class, paramLabel = "DURATION",
                description = "How long to wait (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--json", description = "Print the result as one JSON object: {\"sent\":…,\"received\":…,\"duration_ms\":…}.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            WokPaths paths = parent.context().paths();
            PrintWriter out = spec.commandLine().getOut();
            boolean live = !json && parent.context().colour();
            ObjectNode params = Json.object();
            params.put("timeout_ms", timeout.toMillis());
            JsonNode result;
            try (WokClient client = connect(parent.context(), spec)) {
                result = client.call(Methods.SYNC_NOW, params, callTimeout(timeout), event -> {
                    if (json) {
                        return;
                    }
                    JsonNode p = event.body();
                    String progress = String.format(Locale.ROOT, "syncing: %d pending, %d acknowledged, %d pulled",
                            p.path("pending").asLong(), p.path("acked").asLong(), p.path("pulled").asLong());
                    if (live) {
                        out.print("\r\u001b[2K" + progress);
                    } else {
                        out.println(progress);
                    }
                    out.flush();
                });
            } catch (DaemonUnavailableException e) {
                throw DaemonConnection.unavailable(e, paths);
            } finally {
                if (live) {
                    out.print("\r\u001b[2K");
                    out.flush();
                }
            }
            if (json) {
                out.println(json(result));
            } else {
                out.printf(Locale.ROOT, "synced: %d ops acknowledged, %d pulled, in %d ms%n", result.path("sent").asLong(),
                        result.path("received").asLong(), result.path("duration_ms").asLong());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
