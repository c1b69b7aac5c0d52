package dev.wok.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.cli.doctor.Check;
import dev.wok.cli.doctor.Doctor;
import dev.wok.cli.status.Glyphs;
import dev.wok.protocol.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code wok doctor}: every check between a user and a synced wok, each with what to do when it fails. */
@Command(name = "doctor", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        header = "Check wok's files, config, daemon, upstream and service, and say what to fix.",
        description = {"Check, in order: the socket and state directories; config.toml and the token; the running wokd"
                + " (there, answering, same version) and its own view of the upstream; the way to the upstream step by"
                + " step (name lookup, TCP, TLS, the WebSocket upgrade, the token); and the service unit, if one is"
                + " installed. Each check prints ✓ or ✗, and each ✗ says what to do.",
                "",
                "It changes nothing: it does not start wokd, and it sends the upstream no data (it upgrades, then"
                        + " closes). Exits 0 when no check failed, 1 otherwise."})
final class DoctorCommand implements Callable<Integer> {
    private static final String GREEN = "\u001b[32m";
    private static final String RED = "\u001b[31m";
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";

    @ParentCommand
    ContextHolder parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print {\"ok\":…, \"checks\":[{\"group\",\"name\",\"outcome\",\"detail\",\"fix\"},…]}.")
    boolean json;

    @Option(names = "--timeout", defaultValue = "5s", converter = Cli.DurationConverter.class, paramLabel = "DURATION",
            description = "How long each step over the network or the socket may take (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be more than 0");
        }
        CliContext context = parent.context();
        List<Check> checks = Doctor.run(context.env(), context.paths(), timeout);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(out, checks);
        } else {
            printForPeople(out, checks, context);
        }
        out.flush();
        return checks.stream().anyMatch(Check::failed) ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    private static void printJson(PrintWriter out, List<Check> checks) {
        ObjectNode result = Json.object();
        result.put("ok", checks.stream().noneMatch(Check::failed));
        ArrayNode list = result.putArray("checks");
        for (Check check : checks) {
            ObjectNode item = list.addObject();
            item.put("group", check.group());
            item.put("name", check.name());
            item.put("outcome", check.outcome().name().toLowerCase(Locale.ROOT));
            item.put("detail", check.detail());
            if (check.fix().isPresent()) {
                item.put("fix", check.fix().get());
            } else {
                item.putNull("fix");
            }
        }
        JsonOut.print(out, result);
    }

    private static void printForPeople(PrintWriter out, List<Check> checks, CliContext context) {
        boolean symbols = context.glyphs() == Glyphs.UNICODE
                || context.glyphs() == Glyphs.NONE && CliContext.stdoutCanShow("✓✗–");
        boolean colour = context.colour();
        String group = null;
        for (Check check : checks) {
            if (!check.group().equals(group)) {
                group = check.group();
                out.println(group);
            }
            String mark = switch (check.outcome()) {
                case PASS -> paint(colour, GREEN, symbols ? "✓" : "ok  ");
                case FAIL -> paint(colour, RED, symbols ? "✗" : "FAIL");
                case SKIP -> paint(colour, DIM, symbols ? "–" : "skip");
            };
            out.println("  " + mark + " " + check.name() + ": " + check.detail());
            check.fix().ifPresent(fix -> out.println("      fix: " + fix));
        }
        List<Check> failed = checks.stream().filter(Check::failed).toList();
        long passed = checks.stream().filter(c -> c.outcome() == Check.Outcome.PASS).count();
        out.println();
        if (failed.isEmpty()) {
            out.println("all good: " + passed + " checks passed" + skippedNote(checks));
        } else {
            out.println(failed.size() + " of " + checks.size() + " checks failed: "
                    + failed.stream().map(Check::name).collect(Collectors.joining(", ")) + skippedNote(checks));
        }
    }

    private static String skippedNote(List<Check> checks) {
        long skipped = checks.stream().filter(c -> c.outcome() == Check.Outcome.SKIP).count();
        return skipped == 0 ? "" : " (" + skipped + " did not apply)";
    }

    private static String paint(boolean colour, String ansi, String text) {
        return colour ? ansi + text + RESET : text;
    }
}
