package dev.wok.protocol.paths;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The numeric uid of this process, without loading JAAS or native helpers on Linux. */
public final class CurrentUser {
    private static volatile Integer uid;

    private CurrentUser() {}

    public static int uid() {
        Integer known = uid;
        if (known == null) {
            known = lookUp();
            uid = known;
        }
        return known;
    }

    private static int lookUp() {
        Path procSelf = Path.of("/proc/self");
        try {
            if (Files.isDirectory(procSelf)) {
                return (Integer) Files.getAttribute(procSelf, "unix:uid");
            }
            // No procfs (macOS): a fresh temp file is owned by our effective uid.
            Path probe = Files.createTempFile("wok-uid", ".probe");
            try {
                return (Integer) Files.getAttribute(probe, "unix:uid");
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read this process's uid", e);
        }
    }
}
