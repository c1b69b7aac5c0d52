package dev.wok.cli;

import dev.wok.cli.daemon.DaemonConnection;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.client.DaemonErrorException;
import dev.wok.protocol.client.DaemonUnavailableException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.AutoComplete;
import picocli.CommandLine;

/** What wok and wokd's client share: error reporting and option types. */
final class Cli {
    private Cli() {}

    /**
     * A top-level command line with its subcommands: only the one the first argument names, when it names
     * one, since picocli reflects over every subcommand it is given and each costs start-up; all of them
     * for help, completion, no subcommand or an unknown one (so that picocli lists or suggests them).
     */
    static CommandLine build(Object top, String name, Map<String, Class<?>> subcommands, String[] args) {
        CommandLine commandLine = new CommandLine(top);
        Class<?> named = args.length == 0 ? null : subcommands.get(args[0]);
        if (named != null && named != CommandLine.HelpCommand.class && named != AutoComplete.GenerateCompletion.class) {
            commandLine.addSubcommand(args[0], named);
        } else {
            for (Map.Entry<String, Class<?>> subcommand : subcommands.entrySet()) {
                commandLine.addSubcommand(subcommand.getKey(), subcommand.getValue());
            }
        }
        return configure(commandLine, name);
    }

    static CommandLine configure(CommandLine commandLine, String name) {
        return commandLine
                .setExecutionExceptionHandler((e, cmd, parsed) -> report(cmd, name, e))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setUsageHelpAutoWidth(true);
    }

    private static int report(CommandLine cmd, String name, Exception e) {
        int code;
        String message;
        if (e instanceof CliException cli) {
            code = cli.exitCode();
            message = cli.getMessage();
        } else if (e instanceof DaemonUnavailableException unavailable) {
            CliException mapped = DaemonConnection.unavailable(unavailable, contextOf(cmd).paths());
            code = mapped.exitCode();
            message = mapped.getMessage();
        } else if (e instanceof DaemonErrorException daemon) {
            code = exitCodeFor(daemon);
            message = daemon.getMessage();
        } else {
            code = ExitCodes.FAILURE;
            message = "unexpected error: " + e;
        }
        PrintWriter err = cmd.getErr();
        err.println(CliException.errorLine(name, message));
        err.flush();
        return code;
    }

    /** The exit code for an error the daemon answered with. */
    static int exitCodeFor(DaemonErrorException e) {
        ErrorCode code = e.errorCode().orElse(ErrorCode.INTERNAL_ERROR);
        return switch (code) {
            case INVALID_PARAMS, BAD_CONFIG -> ExitCodes.USAGE;
            case NO_UPSTREAM, NOT_CONNECTED -> ExitCodes.NOT_CONNECTED;
            case TIMEOUT -> ExitCodes.TIMEOUT;
            case OUTBOX_FULL -> ExitCodes.OUTBOX_FULL;
            case STORE_UNAVAILABLE -> ExitCodes.STORE_UNAVAILABLE;
            default -> ExitCodes.FAILURE;
        };
    }

    private static CliContext contextOf(CommandLine cmd) {
        CommandLine top = cmd;
        while (top.getParent() != null) {
            top = top.getParent();
        }
        return ((ContextHolder) top.getCommand()).context();
    }

    /** Reads durations like {@code 500ms}, {@code 10s}, {@code 2m}; a bare number is seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration; write it like 500ms, 10s or 2m");
            }
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofSeconds(amount);
            };
        }
    }
}
