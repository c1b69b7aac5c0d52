package dev.wok.daemon.upstream;

import java.util.ArrayList;
import java.util.List;

/** Records every attempt the manager opens; the test decides what each one reports, and when. */
final class FakeTransport implements Transport {
    final List<FakeAttempt> attempts = new ArrayList<>();

    @Override
    public Attempt open(long generation, Events events) {
        FakeAttempt attempt = new FakeAttempt(generation, events);
        attempts.add(attempt);
        return attempt;
    }

    FakeAttempt last() {
        return attempts.get(attempts.size() - 1);
    }

    static final class FakeAttempt implements Attempt {
        final long generation;
        final Events events;
        boolean closed;

        FakeAttempt(long generation, Events events) {
            this.generation = generation;
            this.events = events;
        }

        void open() {
            events.opened(generation);
        }

        void fail(String message) {
            events.failed(generation, Failure.retryable(message));
        }

        void goAway(String message) {
            events.failed(generation, Failure.goingAway(message));
        }

        void reject(String message) {
            events.failed(generation, Failure.fatal(message));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
