package dev.wok.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.cli.CliException;
import dev.wok.cli.ExitCodes;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.WokVersion;
import dev.wok.protocol.client.DaemonErrorException;
import dev.wok.protocol.client.DaemonUnavailableException;
import dev.wok.protocol.client.WokClient;
import dev.wok.protocol.paths.SocketPathTooLongException;
import dev.wok.protocol.paths.WokPaths;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;

/** Opens a connection to the running daemon and turns every way that can fail into a message. */
public final class DaemonConnection {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** How long a daemon may take to answer a quick question before it counts as not answering. */
    public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(3);

    private DaemonConnection() {}

    public static WokClient open(WokPaths paths) throws CliException, DaemonUnavailableException {
        try {
            paths.checkSocketPathLength();
        } catch (SocketPathTooLongException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        try {
            return WokClient.connect(paths.socket(), CONNECT_TIMEOUT);
        } catch (DaemonUnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw new DaemonUnavailableException(DaemonUnavailableException.Reason.NOT_ANSWERING, e.getMessage(), e);
        }
    }

    /** One call on a fresh connection. */
    public static JsonNode call(WokPaths paths, String method, ObjectNode params)
            throws CliException, IOException, DaemonErrorException {
        return call(paths, method, params, CALL_TIMEOUT);
    }

    public static JsonNode call(WokPaths paths, String method, ObjectNode params, Duration timeout)
            throws CliException, IOException, DaemonErrorException {
        try (WokClient client = open(paths)) {
            return client.call(method, params, timeout);
        }
    }

    /** The daemon's {@code hello} answer, or the reason it cannot be had. */
    public static JsonNode hello(WokClient client, String clientName, Duration timeout) throws IOException, DaemonErrorException {
        ObjectNode params = Json.object();
        params.put("client", clientName);
        params.put("version", WokVersion.version());
        return client.call(Methods.HELLO, params, timeout);
    }

    /**
     * Maps an unreachable daemon to the exit code scripts can test, naming the process when one holds
     * the lock but does not answer.
     */
    public static CliException unavailable(DaemonUnavailableException e, WokPaths paths) {
        return switch (e.reason()) {
            case NOT_RUNNING, STALE_SOCKET -> {
                OptionalLong stuck = DaemonProcess.find(paths);
                yield stuck.isPresent() ? notAnswering(stuck.getAsLong(), paths)
                        : new CliException(ExitCodes.NOT_RUNNING, e.getMessage() + "; start it with: wokd start", e);
            }
            case ACCESS_DENIED -> new CliException(ExitCodes.FAILURE, e.getMessage(), e);
            case NOT_ANSWERING, CONNECTION_LOST -> {
                OptionalLong stuck = DaemonProcess.find(paths);
                yield stuck.isPresent() ? notAnswering(stuck.getAsLong(), paths)
                        : new CliException(ExitCodes.NOT_ANSWERING, e.getMessage(), e);
            }
        };
    }

    static CliException notAnswering(long pid, WokPaths paths) {
        return new CliException(ExitCodes.NOT_ANSWERING, "wokd (pid " + pid + ") is running but does not answer on "
                + paths.socket() + "; restart it with: wokd restart");
    }
}
