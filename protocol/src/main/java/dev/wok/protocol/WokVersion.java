package dev.wok.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The build's version and the IPC protocol version that {@code hello} exchanges. */
public final class WokVersion {
    /** Bumped only when an older client could misread a newer daemon's messages. */
    public static final int PROTOCOL = 1;

    private static final String VERSION = load();

    private WokVersion() {}

    public static String version() {
        return VERSION;
    }

    /**
     * Orders two versions ("0.1.0", "0.2.0-SNAPSHOT"): numeric parts from the left, and a release after
     * its own pre-releases. Negative when {@code a} is older.
     */
    public static int compare(String a, String b) {
        String[] pa = a.split("-", 2);
        String[] pb = b.split("-", 2);
        String[] na = pa[0].split("\\.");
        String[] nb = pb[0].split("\\.");
        for (int i = 0; i < Math.max(na.length, nb.length); i++) {
            int c = Long.compare(number(na, i), number(nb, i));
            if (c != 0) {
                return c;
            }
        }
        boolean preA = pa.length > 1;
        boolean preB = pb.length > 1;
        if (preA != preB) {
            return preA ? -1 : 1;
        }
        return preA ? pa[1].compareTo(pb[1]) : 0;
    }

    private static long number(String[] parts, int i) {
        if (i >= parts.length) {
            return 0;
        }
        try {
            return Long.parseLong(parts[i]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The build's version; {@code -Dwok.version} stands in for it (to test upgrades between versions). */
    private static String load() {
        String override = System.getProperty("wok.version");
        if (override != null && !override.isBlank()) {
            return override;
        }
        try (InputStream in = WokVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
