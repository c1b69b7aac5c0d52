package dev.wok.daemon.lifecycle;

import org.slf4j.LoggerFactory;

/**
 * SIGHUP handling. SIGTERM and SIGINT need nothing here: the JVM runs the shutdown hook for them.
 * Handling SIGHUP also keeps a daemon started from a terminal alive when that terminal closes.
 */
final class Signals {
    private Signals() {}

    /**
     * Runs {@code action} on each SIGHUP (on a JDK signal thread: it must hand off, not block). Returns
     * false when SIGHUP cannot be handled: the JVM installs no handler for a signal its parent ignored
     * ({@code nohup}, some service wrappers), and says nothing about it, so the caller must.
     */
    @SuppressWarnings("removal")
    static boolean onHangup(Runnable action) {
        try {
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
            return previous != sun.misc.SignalHandler.SIG_IGN;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LoggerFactory.getLogger(Signals.class).warn("cannot handle SIGHUP here: {}", e.toString());
            return false;
        }
    }
}
