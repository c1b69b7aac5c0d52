package dev.wok.relay;

import dev.wok.protocol.WokVersion;
import dev.wok.relay.server.RelayServer;
import dev.wok.relay.store.RelayStore;
import dev.wok.relay.store.Sequencer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
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

    public static void main(String[] args) {
        System.exit(new CommandLine(new RelayMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address = parseBind(bind);
        Optional<String> token = tokenFile == null ? Optional.empty() : Optional.of(readToken(tokenFile));
        RelayStore store;
        try {
            store = RelayStore.open(data);
        } catch (IOException | SQLException e) {
            System.err.println("wok-relay: cannot open the store in " + data + ": " + e.getMessage());
            return 1;
        }
        Sequencer sequencer = new Sequencer(store);
        RelayServer server;
        try {
            server = RelayServer.bind(address, sequencer, token);
        } catch (Exception e) {
            System.err.println("wok-relay: cannot listen on " + bind + ": " + e.getMessage());
            sequencer.close();
            store.close();
            return 1;
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

    static String readToken(Path file) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
            throw new CommandLine.ParameterException(new CommandLine(new RelayMain()),
                    "token file " + file + " is readable by others; fix it with: chmod 600 " + file);
        }
        String token = Files.readString(file).trim();
        if (token.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(new RelayMain()), "token file " + file + " is empty");
        }
        return token;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"wok-relay " + WokVersion.version()};
        }
    }
}
