package dev.wok.protocol.paths;

import java.util.Locale;

/** The operating systems wok knows the conventions of. */
public enum Platform {
    LINUX("Linux", 108),
    MACOS("macOS", 104),
    OTHER("this platform", 104);

    private final String displayName;
    private final int sunPathBytes;

    Platform(String displayName, int sunPathBytes) {
        this.displayName = displayName;
        this.sunPathBytes = sunPathBytes;
    }

    public String displayName() {
        return displayName;
    }

    /** Size of {@code sockaddr_un.sun_path}, the terminating NUL included. */
    public int sunPathBytes() {
        return sunPathBytes;
    }

    /** Longest usable socket path in bytes: one byte of sun_path goes to the terminating NUL. */
    public int maxSocketPathBytes() {
        return sunPathBytes - 1;
    }

    public static Platform current() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("linux")) {
            return LINUX;
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return MACOS;
        }
        return OTHER;
    }
}
