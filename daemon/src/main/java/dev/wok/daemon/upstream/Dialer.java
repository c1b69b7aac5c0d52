package dev.wok.daemon.upstream;

import dev.wok.protocol.Printable;
import dev.wok.protocol.upstream.UpstreamMessage;
import java.time.Duration;

/**
 * Dials the upstream once per call and reports what happens; it never redials by itself. All
 * reconnection policy lives in {@link ConnectionManager}. One dialer serves one configuration: a
 * reconfigure makes a new one, so whatever a dialer derives from its config (TLS context, address) is
 * made once.
 */
public interface Dialer {
    /**
     * Starts one attempt (DNS, TCP, TLS, WebSocket upgrade, hello/welcome) and reports to {@code events},
     * tagged with {@code generation}, from any thread. Must return at once: nothing here may block the
     * caller, which is the connector's actor thread. Credentials are read afresh for each attempt.
     */
    Attempt dial(long generation, Events events);

    /** A connection attempt or live connection. */
    interface Attempt {
        /**
         * Closes it: with a WebSocket close frame once the upgrade is done, at once before that. After
         * close, the attempt reports nothing more. Safe to call more than once.
         */
        void close();
    }

    /** Sends on a live connection; used on the connector's thread only. */
    interface Link {
        /** Queues a message; nothing goes out until {@link #flush}. */
        void send(UpstreamMessage message);

        void flush();
    }

    /** What a dialer reports. Every call carries the generation of the attempt it is about. */
    interface Events {
        /** Connected: the upstream welcomed us; {@code link} sends on this connection until it fails. */
        void opened(long generation, UpstreamMessage.Welcome welcome, Link link);

        /** A message after the welcome: acks, events, synced. */
        default void received(long generation, UpstreamMessage message) {}

        /** The attempt failed or the live connection dropped; reported at most once per attempt. */
        void failed(long generation, Failure failure);

        /** A pong answered a heartbeat ping after {@code roundTrip}. */
        default void heartbeat(long generation, Duration roundTrip) {}
    }

    /**
     * Why an attempt or connection ended. Fatal ones stop retrying until a manual connect or a reload;
     * {@code goingAway} means the server said it is restarting (close 1001), so it will be back soon.
     */
    record Failure(boolean fatal, boolean goingAway, String message) {
        /** The message often holds the upstream's own words (a close reason, an HTTP reason): made printable here, before any log or status shows it. */
        public Failure {
            message = Printable.escape(message);
        }

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
