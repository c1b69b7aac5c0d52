package dev.wok.daemon.lifecycle;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * systemd's socket activation (sd_listen_fds(3)): when systemd started us for {@code wokd.socket}, the
 * listening socket is already open as fd 3 and LISTEN_PID names our pid. The protocol is read here and
 * nowhere else.
 */
final class SocketActivation {
    /** The first fd systemd passes (SD_LISTEN_FDS_START). */
    static final int FIRST_FD = 3;
    static final String FD_NAME = "wokd";
    static final List<String> VARIABLES = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES");

    private SocketActivation() {}

    /**
     * The inherited listening socket's fd, when the environment passes one to this process: LISTEN_PID
     * must be our pid (a variable inherited from a parent that was activated is not for us). With several
     * fds, the one named {@value #FD_NAME} (FileDescriptorName= in the socket unit), else the first.
     *
     * @throws StartupException when the variables are there but make no sense (a broken unit)
     */
    static OptionalInt inheritedFd(Map<String, String> env, long ownPid) throws StartupException {
        String pid = env.get("LISTEN_PID");
        String fds = env.get("LISTEN_FDS");
        if (pid == null || fds == null) {
            return OptionalInt.empty();
        }
        long listenPid;
        int count;
        try {
            listenPid = Long.parseLong(pid.trim());
            count = Integer.parseInt(fds.trim());
        } catch (NumberFormatException e) {
            throw bad("LISTEN_PID=" + pid + " LISTEN_FDS=" + fds + " are not numbers");
        }
        if (listenPid != ownPid || count == 0) {
            return OptionalInt.empty();
        }
        if (count < 0) {
            throw bad("LISTEN_FDS=" + fds + " is negative");
        }
        String names = env.get("LISTEN_FDNAMES");
        if (names != null && !names.isEmpty()) {
            String[] each = names.split(":", -1);
            for (int i = 0; i < Math.min(each.length, count); i++) {
                if (each[i].equals(FD_NAME)) {
                    return OptionalInt.of(FIRST_FD + i);
                }
            }
        }
        return OptionalInt.of(FIRST_FD);
    }

    /** The environment without the activation variables, for anything that is passed on. */
    static Map<String, String> withoutActivation(Map<String, String> env) {
        Map<String, String> copy = new HashMap<>(env);
        VARIABLES.forEach(copy::remove);
        return Map.copyOf(copy);
    }

    private static StartupException bad(String what) {
        return new StartupException(StartupException.Reason.CANNOT_BIND, "socket activation: " + what
                + "; check the ListenStream= and Service= lines of wokd.socket, or start wokd without it");
    }
}
