package dev.wok.daemon.upstream;

/**
 * One connection attempt at a time, and nothing more: it connects once, reports what happens, and
 * never reconnects by itself. Reconnection policy lives in {@link ConnectionManager} alone.
 */
public interface Transport {
    /**
     * Starts connecting (TCP, TLS, WebSocket upgrade, hello/welcome) and reports to {@code events},
     * tagged with {@code generation}, from any thread. Credentials are read afresh for each call.
     */
    Attempt open(long generation, Events events);

    /** A connection attempt or live connection. */
    interface Attempt {
        /** Closes it (gracefully if open, at once if still connecting). Safe to call more than once. */
        void close();
    }

    /** What a transport reports. Every call carries the generation of the attempt it is about. */
    interface Events {
        /** Connected and the resume handshake finished. */
        void opened(long generation);

        /** The attempt failed or the live connection dropped. */
        void failed(long generation, Failure failure);

        /** A pong answered a heartbeat ping after {@code roundTrip}. */
        default void heartbeat(long generation, java.time.Duration roundTrip) {}
    }

    /**
     * Why an attempt or connection ended. Fatal ones stop retrying until a manual connect or a reload;
     * {@code goingAway} means the server said it is restarting (close 1001), so it will be back soon.
     */
    record Failure(boolean fatal, boolean goingAway, String message) {
        public Failure(boolean fatal, String message) {
            this(fatal, false, message);
        }

        public static Failure retryable(String message) {
            return new Failure(false, false, message);
        }

        public static Failure fatal(String message) {
            return new Failure(true, false, message);
        }

        public static Failure goingAway(String message) {
            return new Failure(false, true, message);
        }
    }
}
