package dev.wok.protocol.paths;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where wok keeps its socket, config and state (README, "Files"). {@code WOK_HOME} puts everything in one
 * directory; {@code WOK_SOCKET} moves the socket alone; {@code WOK_CONFIG} names the config file.
 */
public record WokPaths(Path socket, Path configFile, Path stateDir, Platform platform) {
    public static final String WOK_HOME = "WOK_HOME";
    public static final String WOK_SOCKET = "WOK_SOCKET";
    public static final String WOK_CONFIG = "WOK_CONFIG";

    public Path socketDir() {
        return socket.toAbsolutePath().getParent();
    }

    /** Held exclusively by the running daemon for its whole life. */
    public Path lockFile() {
        return stateDir.resolve("wokd.lock");
    }

    /** Serialises clients that start the daemon, so that racing starts make one daemon. */
    public Path startLockFile() {
        return stateDir.resolve("start.lock");
    }

    public Path logFile() {
        return stateDir.resolve("wokd.log");
    }

    /** wokd's last health report, for monitors and for reading a stopped daemon's last state. */
    public Path healthFile() {
        return stateDir.resolve("health.json");
    }

    /** Where {@code wok push} leaves ops when wokd cannot run; wokd takes them in at its next start. */
    public Path spoolDir() {
        return stateDir.resolve("spool");
    }

    public static WokPaths fromEnvironment() {
        return resolve(System.getenv(), Platform.current());
    }

    public static WokPaths resolve(Map<String, String> env, Platform platform) {
        String home = nonBlank(env.get(WOK_HOME));
        Path userHome = Path.of(nonBlankOr(env.get("HOME"), System.getProperty("user.home")));
        Path socket;
        Path config;
        Path state;
        if (home != null) {
            Path base = Path.of(home).toAbsolutePath().normalize();
            socket = base.resolve("wokd.sock");
            config = base.resolve("config.toml");
            state = base;
        } else if (platform == Platform.MACOS) {
            Path support = userHome.resolve("Library/Application Support/wok");
            String tmp = nonBlankOr(env.get("TMPDIR"), System.getProperty("java.io.tmpdir"));
            socket = Path.of(tmp).resolve("wok/wokd.sock");
            config = support.resolve("config.toml");
            state = support;
        } else {
            String runtime = nonBlank(env.get("XDG_RUNTIME_DIR"));
            socket = runtime != null
                    ? Path.of(runtime, "wok", "wokd.sock")
                    : Path.of("/tmp", "wok-" + CurrentUser.uid(), "wokd.sock");
            config = Path.of(nonBlankOr(env.get("XDG_CONFIG_HOME"), userHome.resolve(".config").toString()))
                    .resolve("wok/config.toml");
            state = Path.of(nonBlankOr(env.get("XDG_STATE_HOME"), userHome.resolve(".local/state").toString()))
                    .resolve("wok");
        }
        String socketOverride = nonBlank(env.get(WOK_SOCKET));
        if (socketOverride != null) {
            socket = Path.of(socketOverride);
        }
        String configOverride = nonBlank(env.get(WOK_CONFIG));
        if (configOverride != null) {
            config = Path.of(configOverride);
        }
        return new WokPaths(socket.toAbsolutePath().normalize(), config.toAbsolutePath().normalize(),
                state.toAbsolutePath().normalize(), platform);
    }

    /**
     * Fails with a message naming the limit and the fix when the socket path cannot fit in
     * {@code sockaddr_un}; binding or connecting would otherwise fail with an obscure error.
     */
    public void checkSocketPathLength() throws SocketPathTooLongException {
        int bytes = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > platform.maxSocketPathBytes()) {
            throw new SocketPathTooLongException(String.format(
                    "socket path is %d bytes, over the %d-byte limit for Unix sockets on %s (sun_path is %d bytes"
                            + " with its terminating NUL): %s%nset WOK_SOCKET (or WOK_HOME) to a shorter path,"
                            + " e.g. /tmp/wok-%d/wokd.sock",
                    bytes, platform.maxSocketPathBytes(), platform.displayName(), platform.sunPathBytes(), socket,
                    CurrentUser.uid()));
        }
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String nonBlankOr(String value, String fallback) {
        String v = nonBlank(value);
        return v != null ? v : fallback;
    }
}
