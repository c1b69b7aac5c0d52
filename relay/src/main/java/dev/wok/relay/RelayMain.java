package dev.wok.relay;

import dev.wok.protocol.WokVersion;
import dev.wok.relay.server.RelayServer;
import dev.wok.relay.store.RelayStore;
import dev.wok.relay.store.Sequencer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import dev.wok.protocol.files.IoErrors;
import dev.wok.protocol.files.TokenFile;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wok-relay}: the reference upstream server that wokd syncs with. */
@Command(name = "wok-relay", mixinStandardHelpOptions = true, versionProvider = RelayMain.Version.class,
        description = {"The reference wok upstream: a WebSocket server at /sync with a durable op store.",
                "Prints 'wok-relay listening on ws://HOST:PORT/sync' once it accepts connections."})
public final class RelayMain implements Callable<Integer> {
    @Option(names = "--bind", defaultValue = "127.0.0.1:7890", paramLabel = "HOST:PORT",
            description = "Address to listen on; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Directory of the op store (created if absent).")
    Path data;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Require 'Authorization: Bearer <token>' with the token in FILE (not group/world readable).")
    Path tokenFile;

    @Option(names = "--idle-timeout", defaultValue = "90s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = {"Close a connection that sends nothing, not even a pong to the relay's ping, for this long;",
                    "quiet ones are pinged after half of it (default: ${DEFAULT-VALUE}; 500ms, 10s, 2m)."})
    Duration idleTimeout;

    /** A failure to tell the user in one line: the usage would only hide it. */
    static final class Refusal extends Exception {
        Refusal(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new RelayMain()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("wok-relay: " + (e instanceof Refusal ? e.getMessage() : "unexpected error: " + e));
            cmd.getErr().flush();
            return 1;
        });
    }

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address = parseBind(bind);
        Optional<String> token = Optional.empty();
        if (tokenFile != null) {
            try {
                token = Optional.of(TokenFile.read(tokenFile));
            } catch (TokenFile.TokenFileException e) {
                throw new Refusal(e.getMessage());
            }
        }
        RelayStore store = openStore();
        Sequencer sequencer = new Sequencer(store);
        RelayServer server;
        try {
            server = RelayServer.bind(address, sequencer, token, idleTimeout);
        } catch (Exception e) {
            sequencer.close();
            store.close();
            if (e instanceof java.net.BindException) {
                throw new Refusal("cannot listen on " + bind + ": the address is in use (another wok-relay?);"
                        + " pick another port, or --bind 127.0.0.1:0 for any free one");
            }
            throw new Refusal("cannot listen on " + bind + ": " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            try {
                sequencer.close();
                store.close();
            } catch (Exception e) {
                System.err.println("wok-relay: error while stopping: " + e);
            }
            stopped.countDown();
        }, "relay-shutdown"));
        InetSocketAddress bound = server.address();
        System.out.println("wok-relay listening on ws://" + bound.getHostString() + ":" + bound.getPort() + "/sync"
                + " (store " + data + ", epoch " + sequencer.epoch() + (token.isPresent() ? ", token required" : "") + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }

    static InetSocketAddress parseBind(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(new RelayMain()),
                    "--bind must be HOST:PORT, e.g. 127.0.0.1:7890; got '" + value + "'");
        }
        String host = value.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(new CommandLine(new RelayMain()),
                    "--bind port must be 0 to 65535; got '" + value.substring(colon + 1) + "'");
        }
        return new InetSocketAddress(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
    }

    /** The data directory (made 0700) and its store (0600), with the cause and the fix when they cannot be used. */
    private RelayStore openStore() throws Refusal {
        try {
            if (Files.exists(data) && !Files.isDirectory(data)) {
                throw new Refusal("cannot use " + data + " for the store: it is not a directory; give --data a directory");
            }
            if (!Files.exists(data)) {
                Files.createDirectories(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            return RelayStore.open(data);
        } catch (IOException e) {
            throw new Refusal("cannot open the store in " + data + ": " + IoErrors.cause(e)
                    + "; check the directory's owner and mode, or choose another with --data");
        } catch (SQLException e) {
            throw new Refusal("cannot open the store in " + data + ": " + RelayStore.describe(e, data));
        }
    }

    /** Reads durations like {@code 500ms}, {@code 10s}, {@code 2m}; a bare number is seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final java.util.regex.Pattern FORMAT = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)?");

        @Override
        public Duration convert(String value) {
            java.util.regex.Matcher m = FORMAT.matcher(value.trim().toLowerCase(java.util.Locale.ROOT));
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a positive duration; write it like 500ms, 10s or 2m");
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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"wok-relay " + WokVersion.version()};
        }
    }
}
