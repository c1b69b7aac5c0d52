package dev.wok.daemon.upstream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/** This daemon's identity towards the relay: made once, kept in the state directory. */
public final class ClientId {
    private ClientId() {}

    public static String load(Path stateDir) throws IOException {
        Path file = stateDir.resolve("client-id");
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = UUID.randomUUID().toString();
        Path temp = Files.createTempFile(stateDir, "client-id", ".tmp");
        Files.writeString(temp, id + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return id;
    }
}
