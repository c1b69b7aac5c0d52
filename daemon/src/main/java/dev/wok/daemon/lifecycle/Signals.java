package dev.wok.daemon.lifecycle;

import org.slf4j.LoggerFactory;

/**
 * SIGHUP handling. SIGTERM and SIGINT need nothing here: the JVM runs the shutdown hook for them.
 * Handling SIGHUP also keeps a daemon started from a terminal alive when that terminal closes.
 */
final class Signals {
    private Signals() {}

    @SuppressWarnings("removal")
    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LoggerFactory.getLogger(Signals.class).warn("cannot handle SIGHUP here: {}", e.toString());
        }
    }
}
