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

    private static String load() {
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
