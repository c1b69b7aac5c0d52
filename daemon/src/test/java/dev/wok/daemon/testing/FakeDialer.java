package dev.wok.daemon.testing;

import dev.wok.protocol.config.UpstreamConfig;
import dev.wok.daemon.upstream.Dialer;
import dev.wok.protocol.upstream.UpstreamMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Makes a dialer per configuration, as the daemon does, and records every attempt any of them opens
 * with the configuration it was made for; the test decides what each attempt reports, and when.
 */
public final class FakeDialer implements Function<UpstreamConfig, Dialer> {
    public final List<FakeAttempt> attempts = new ArrayList<>();
    public final List<UpstreamConfig> configs = new ArrayList<>();

    @Override
    public Dialer apply(UpstreamConfig config) {
        configs.add(config);
        return (generation, events) -> {
            FakeAttempt attempt = new FakeAttempt(config, generation, events);
            attempts.add(attempt);
            return attempt;
        };
    }

    public FakeAttempt last() {
        return attempts.get(attempts.size() - 1);
    }

    /** Attempts not closed yet: at most one may be open at any time. */
    public long open() {
        return attempts.stream().filter(a -> !a.closed).count();
    }

    public static final class FakeAttempt implements Dialer.Attempt {
        public final UpstreamConfig config;
        public final long generation;
        public final Dialer.Events events;
        public boolean closed;

        FakeAttempt(UpstreamConfig config, long generation, Dialer.Events events) {
            this.config = config;
            this.generation = generation;
            this.events = events;
        }

        /** Messages the link flushed: what the upstream receives. */
        public final List<UpstreamMessage> sent = new ArrayList<>();

        /** Welcomed by an upstream that has stored nothing of ours. */
        public void open() {
            open(new UpstreamMessage.Welcome("epoch-1", 0, 0));
        }

        /** Messages queued on the link but not flushed: a real socket would not have sent them yet. */
        public final List<UpstreamMessage> unflushed = new ArrayList<>();

        public void open(UpstreamMessage.Welcome welcome) {
            events.opened(generation, welcome, new Dialer.Link() {
                @Override
                public void send(UpstreamMessage message) {
                    unflushed.add(message);
                }

                @Override
                public void flush() {
                    sent.addAll(unflushed);
                    unflushed.clear();
                }
            });
        }

        public void receive(UpstreamMessage message) {
            events.received(generation, message);
        }

        public void heartbeat(java.time.Duration rtt) {
            events.heartbeat(generation, rtt);
        }

        public void fail(String message) {
            events.failed(generation, Dialer.Failure.retryable(message));
        }

        public void goAway(String message) {
            events.failed(generation, Dialer.Failure.goingAway(message));
        }

        public void reject(String message) {
            events.failed(generation, Dialer.Failure.fatal(message));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
