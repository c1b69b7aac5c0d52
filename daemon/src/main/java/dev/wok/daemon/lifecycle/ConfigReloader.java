package dev.wok.daemon.lifecycle;

import dev.wok.protocol.config.ConfigException;
import dev.wok.protocol.config.ConfigLoader;
import dev.wok.daemon.upstream.ConnectionManager;
import dev.wok.daemon.upstream.ConnectionSnapshot;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.ProtocolException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads config.toml, for SIGHUP and for the {@code reload} method alike, one reload at a time on one
 * thread (reading the file blocks, so never on an event loop). A good file becomes a message to the
 * connection manager; a bad one is refused, logged, and reported to whoever asked, and the running
 * configuration stays.
 */
final class ConfigReloader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final Path configFile;
    private final Map<String, String> env;
    private final ConnectionManager connection;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread t = new Thread(runnable, "wokd-reload");
        t.setDaemon(true);
        return t;
    });

    ConfigReloader(Path configFile, Map<String, String> env, ConnectionManager connection) {
        this.configFile = configFile;
        this.env = Map.copyOf(env);
        this.connection = connection;
    }

    /** @param trigger what asked ("SIGHUP", "wokd reload"), for the log */
    CompletionStage<ConnectionSnapshot> reload(String trigger) {
        CompletableFuture<ConnectionSnapshot> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                var config = ConfigLoader.load(configFile, env);
                connection.reconfigure(config.upstream()).whenComplete((snapshot, e) -> {
                    if (e == null) {
                        log.info("{}: reloaded {}", trigger, configFile);
                        result.complete(snapshot);
                    } else {
                        result.completeExceptionally(e);
                    }
                });
            } catch (ConfigException e) {
                log.error("{}: keeping the running configuration: {}", trigger, e.getMessage());
                result.completeExceptionally(new ProtocolException(ErrorCode.BAD_CONFIG,
                        "kept the running configuration: " + e.getMessage()));
            } catch (RuntimeException e) {
                log.error("{}: reload failed", trigger, e);
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
