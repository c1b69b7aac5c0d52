package dev.wok.cli.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The service units of scripts/systemd and scripts/launchd (packaged into this jar), filled in with the
 * installed wokd and the environment that moves wok's files. The templates work as they are for the
 * default install (~/.local/bin/wokd, default paths); each marker replaced here must be in them, or
 * this fails loudly rather than write a unit that runs the wrong thing.
 */
public final class ServiceUnits {
    public static final String SYSTEMD_SERVICE = "wokd.service";
    public static final String SYSTEMD_SOCKET = "wokd.socket";
    public static final String LAUNCHD_LABEL = "dev.wok.wokd";
    public static final String LAUNCHD_PLIST = LAUNCHD_LABEL + ".plist";

    private static final String EXEC_START = "ExecStart=%h/.local/bin/wokd run";
    private static final String LISTEN_STREAM = "ListenStream=%t/wok/wokd.sock";

    private ServiceUnits() {}

    /**
     * @param environment variables the daemon needs to find the same files as the installing user
     *                    (WOK_HOME, WOK_SOCKET, WOK_CONFIG when set)
     */
    public static String systemdService(Path wokd, Map<String, String> environment) {
        StringBuilder exec = new StringBuilder("ExecStart=").append(systemdWord(wokd.toString())).append(" run");
        environment.forEach((name, value) -> exec.append("\nEnvironment=").append(systemdWord(name + "=" + value)));
        return replace(template("systemd/" + SYSTEMD_SERVICE), EXEC_START, exec.toString());
    }

    /** @param socket the socket's path when it is not the default one ($XDG_RUNTIME_DIR/wok/wokd.sock) */
    public static String systemdSocket(Optional<Path> socket) {
        String text = template("systemd/" + SYSTEMD_SOCKET);
        return socket.map(path -> replace(text, LISTEN_STREAM, "ListenStream=" + systemdSpecifiers(path.toString())))
                .orElse(text);
    }

    public static String launchdPlist(Path wokd, Path stateDir, String searchPath, Map<String, String> environment) {
        String text = template("launchd/" + LAUNCHD_PLIST);
        text = replace(text, "@WOKD@", xml(wokd.toString()));
        text = replace(text, "@STATE_DIR@", xml(stateDir.toString()));
        StringBuilder variables = new StringBuilder(xml(searchPath)).append("</string>");
        environment.forEach((name, value) -> variables.append("\n    <key>").append(xml(name)).append("</key>\n    <string>")
                .append(xml(value)).append("</string>"));
        String path = "@PATH@</string>";
        return replace(text, path, variables.toString());
    }

    /** One word of an Exec=/Environment= line: specifiers and variables escaped, quoted when it has spaces. */
    static String systemdWord(String word) {
        String escaped = systemdSpecifiers(word).replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "$$");
        return escaped.chars().anyMatch(Character::isWhitespace) ? "\"" + escaped + "\"" : escaped;
    }

    private static String systemdSpecifiers(String text) {
        return text.replace("%", "%%");
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String replace(String text, String marker, String replacement) {
        int at = text.indexOf(marker);
        if (at < 0) {
            throw new IllegalStateException("the packaged unit template has no '" + marker + "'; scripts/systemd or"
                    + " scripts/launchd changed without ServiceUnits");
        }
        return text.replace(marker, replacement);
    }

    static String template(String name) {
        try (InputStream in = ServiceUnits.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the unit template " + name + " is missing from the wok-cli jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
