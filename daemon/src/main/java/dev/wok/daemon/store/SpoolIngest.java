package dev.wok.daemon.store;

import dev.wok.protocol.Json;
import dev.wok.protocol.files.IoErrors;
import dev.wok.protocol.spool.Spool;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the spool into the outbox at start, before wokd serves pushes: each op in spool order, exactly
 * once (the store records each file's name with its op, so a file whose removal a crash interrupted is
 * skipped the next time), then removes the file. A file that is not a JSON object is moved aside to
 * {@code rejected/} with a log line, never dropped.
 */
public final class SpoolIngest {
    private static final Logger log = LoggerFactory.getLogger(SpoolIngest.class);

    /** What an ingest did. */
    public record Taken(int taken, int alreadyTaken, int rejected, int left) {}

    private final Spool spool;
    private final Store store;
    private final Runnable afterCommit;

    public SpoolIngest(Spool spool, Store store) {
        this(spool, store, () -> { });
    }

    /** @param afterCommit runs between each op's commit and its file's removal (tests crash here) */
    SpoolIngest(Spool spool, Store store, Runnable afterCommit) {
        this.spool = spool;
        this.store = store;
        this.afterCommit = afterCommit;
    }

    public Taken run() {
        List<Path> files;
        try {
            files = spool.files();
        } catch (IOException e) {
            log.error("cannot read the spool {}: {}; its ops stay there for the next start", spool.dir(), IoErrors.cause(e));
            return new Taken(0, 0, 0, -1);
        }
        int taken = 0;
        int already = 0;
        int rejected = 0;
        List<String> removed = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            String name = file.getFileName().toString();
            String body;
            try {
                body = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!isObject(body)) {
                    reject(file, "not a JSON object");
                    rejected++;
                    continue;
                }
            } catch (IOException e) {
                log.error("cannot read spooled op {}: {}; it stays for the next start", file, IoErrors.cause(e));
                return new Taken(taken, already, rejected, files.size() - i);
            }
            try {
                boolean now = store.ingest(name, body).toCompletableFuture().get(60, TimeUnit.SECONDS);
                if (now) {
                    taken++;
                } else {
                    already++;
                }
            } catch (Exception e) {
                Throwable cause = e instanceof java.util.concurrent.ExecutionException || e instanceof CompletionException
                        ? e.getCause() : e;
                log.error("cannot take spooled op {} into the outbox: {}; it and the ones after it stay in the spool",
                        file, cause.getMessage());
                return new Taken(taken, already, rejected, files.size() - i);
            }
            afterCommit.run();
            try {
                Files.delete(file);
                removed.add(name);
            } catch (IOException e) {
                log.warn("took spooled op {} but cannot remove it ({}); it will be skipped, not taken again", file,
                        IoErrors.cause(e));
            }
        }
        if (!removed.isEmpty()) {
            store.forgetSpooled(removed);
        }
        if (taken + already + rejected > 0) {
            log.info("spool {}: {} ops taken into the outbox, {} already taken before, {} rejected", spool.dir(), taken,
                    already, rejected);
        }
        return new Taken(taken, already, rejected, 0);
    }

    private static boolean isObject(String body) {
        try {
            JsonNode node = Json.mapper().readTree(body);
            return node != null && node.isObject();
        } catch (IOException e) {
            return false;
        }
    }

    private void reject(Path file, String why) throws IOException {
        Path rejected = spool.dir().resolve("rejected");
        Files.createDirectories(rejected);
        Files.move(file, rejected.resolve(file.getFileName()));
        log.error("spooled op {} is {}; moved it to {} instead of pushing it", file.getFileName(), why, rejected);
    }
}
