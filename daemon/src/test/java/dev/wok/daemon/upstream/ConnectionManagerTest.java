package dev.wok.daemon.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wok.protocol.config.HeartbeatPolicy;
import dev.wok.protocol.config.RetryPolicy;
import dev.wok.protocol.config.UpstreamConfig;
import dev.wok.daemon.testing.FakeDialer;
import dev.wok.daemon.testing.ManualScheduler;
import dev.wok.protocol.api.ConnectionState;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The connector's policy on a manual clock with a fake dialer: deterministic, no sleeps. */
class ConnectionManagerTest {
    private static final RetryPolicy RETRY =
            new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 10, Duration.ofSeconds(10));

    final ManualScheduler clock = new ManualScheduler();
    final FakeDialer transport = new FakeDialer();

    private static UpstreamConfig config(String url) {
        return new UpstreamConfig(Optional.of(URI.create(url)), Optional.empty(), Optional.empty(), RETRY, HeartbeatPolicy.DEFAULTS);
    }

    private ConnectionManager manager(long seed) {
        return new ConnectionManager(config("ws://user:pw@127.0.0.1:7890/sync"), transport, clock, new SplittableRandom(seed));
    }

    private ConnectionManager started(long seed) {
        ConnectionManager manager = manager(seed);
        manager.start();
        clock.drain();
        return manager;
    }

    private void failTwiceThenOpen(ConnectionManager manager) {
        for (int i = 0; i < 2; i++) {
            transport.last().fail("refused");
            clock.drain();
            clock.advance(untilRetry(manager));
        }
        transport.last().open();
    }

    private Duration untilRetry(ConnectionManager manager) {
        return Duration.between(clock.now(), manager.snapshot().nextRetryAt().orElseThrow());
    }

    @Test
    void without_an_upstream_the_state_is_disabled_and_nothing_connects() {
        ConnectionManager manager = new ConnectionManager(UpstreamConfig.DISABLED, transport, clock, new SplittableRandom(1));
        manager.start();
        manager.connect();
        clock.advance(Duration.ofMinutes(5));
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.DISABLED);
        assertThat(transport.attempts).isEmpty();
    }

    @Test
    void start_connects_and_a_finished_handshake_is_connected() {
        ConnectionManager manager = started(1);
        assertThat(manager.snapshot().describe()).isEqualTo("connecting (attempt 1/10)");
        assertThat(manager.snapshot().url()).contains("ws://***@127.0.0.1:7890/sync");
        transport.last().open();
        clock.drain();
        ConnectionSnapshot snapshot = manager.snapshot();
        assertThat(snapshot.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(snapshot.connectedSince()).contains(clock.now());
        assertThat(snapshot.attempt()).isZero();
    }

    @Test
    void failures_back_off_with_jitter_inside_the_documented_bounds() {
        for (long seed = 0; seed < 200; seed++) {
            FakeDialer fresh = new FakeDialer();
            ManualScheduler time = new ManualScheduler();
            ConnectionManager manager = new ConnectionManager(new UpstreamConfig(Optional.of(URI.create("ws://h/sync")),
                    Optional.empty(), Optional.empty(), RETRY, HeartbeatPolicy.DEFAULTS), fresh, time, new SplittableRandom(seed));
            manager.start();
            time.drain();
            for (int failure = 1; failure <= 12; failure++) {
                fresh.last().fail("refused");
                time.drain();
                long delay = Duration.between(time.now(), manager.snapshot().nextRetryAt().orElseThrow()).toMillis();
                long base = 1000;
                long upper = failure >= 10 ? 30_000 : Math.min(30_000, base + (long) (base * Math.pow(2, failure - 1)));
                long lower = failure >= 10 ? 30_000 : base;
                assertThat(delay).as("seed %d failure %d", seed, failure).isBetween(lower, upper);
                time.advance(Duration.ofMillis(delay));
                assertThat(fresh.attempts).hasSize(failure + 1);
            }
        }
    }

    @Test
    void an_upstream_error_text_is_kept_without_terminal_controls() {
        ConnectionManager manager = started(7);
        transport.last().reject("relay error unauthorized: \u001b]0;PWNED-title\u0007\u001b[2J");
        clock.drain();
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.FAILED);
        assertThat(manager.snapshot().lastError()).contains("relay error unauthorized: \\x1b]0;PWNED-title\\x07\\x1b[2J");
    }

    @Test
    void attempts_are_counted_then_suspended_at_max_and_still_retried_at_the_cap() {
        ConnectionManager manager = started(7);
        for (int failure = 1; failure < 10; failure++) {
            transport.last().fail("connection refused");
            clock.drain();
            assertThat(manager.snapshot().describe()).isEqualTo("connecting (attempt " + (failure + 1) + "/10)");
            assertThat(manager.snapshot().lastError()).contains("connection refused");
            clock.advance(untilRetry(manager));
        }
        transport.last().fail("connection refused");
        clock.drain();
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.SUSPENDED);
        assertThat(untilRetry(manager)).isEqualTo(Duration.ofSeconds(30));
        int before = transport.attempts.size();
        clock.advance(Duration.ofSeconds(30));
        assertThat(transport.attempts).hasSize(before + 1);
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.SUSPENDED);
        transport.last().open();
        clock.drain();
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void a_drop_after_five_stable_seconds_retries_within_a_second_and_resets_the_count() {
        ConnectionManager manager = started(3);
        failTwiceThenOpen(manager);
        clock.advance(Duration.ofSeconds(5));
        transport.last().fail("relay went away (1001)");
        clock.drain();
        assertThat(manager.snapshot().describe()).isEqualTo("reconnecting (attempt 1/10)");
        assertThat(untilRetry(manager)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void while_a_server_restarts_retries_stay_under_a_second_and_do_not_count_as_failures() {
        ConnectionManager manager = started(23);
        transport.last().open();
        clock.drain();
        transport.last().goAway("closed by the relay (1001 relay restarting)");
        clock.drain();
        for (int i = 0; i < 20; i++) {
            assertThat(untilRetry(manager)).isLessThan(Duration.ofSeconds(1));
            clock.advance(untilRetry(manager));
            transport.last().fail("connection refused");
            clock.drain();
            assertThat(manager.snapshot().describe()).isEqualTo("reconnecting (attempt 1/10)");
        }
        clock.advance(Duration.ofSeconds(30));
        transport.last().fail("connection refused");
        clock.drain();
        assertThat(manager.snapshot().describe()).as("after the window, normal backoff resumes").isEqualTo("reconnecting (attempt 2/10)");
        assertThat(untilRetry(manager)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void a_wake_from_sleep_skips_the_rest_of_the_wait() {
        ConnectionManager manager = started(25);
        for (int i = 0; i < 10; i++) {
            transport.last().fail("network down");
            clock.drain();
            if (i < 9) {
                clock.advance(untilRetry(manager));
            }
        }
        assertThat(untilRetry(manager)).isEqualTo(Duration.ofSeconds(30));
        int before = transport.attempts.size();
        clock.advance(Duration.ofSeconds(3));
        assertThat(transport.attempts).as("no jump, no early retry").hasSize(before);

        clock.sleepSystem(Duration.ofMinutes(20));
        clock.advance(Duration.ofSeconds(1));
        assertThat(transport.attempts).as("retried right after the wake").hasSize(before + 1);
    }

    @Test
    void a_drop_before_five_seconds_keeps_backing_off() {
        ConnectionManager manager = started(3);
        failTwiceThenOpen(manager);
        clock.advance(Duration.ofSeconds(4));
        transport.last().fail("dropped");
        clock.drain();
        assertThat(manager.snapshot().describe()).isEqualTo("reconnecting (attempt 4/10)");
        assertThat(untilRetry(manager)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void a_dialer_that_never_reports_is_closed_before_the_backoff_and_its_late_success_ignored() {
        ConnectionManager manager = started(5);
        FakeDialer.FakeAttempt hanging = transport.last();
        clock.advance(Duration.ofSeconds(49));
        assertThat(hanging.closed).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(hanging.closed).as("the timed-out attempt is closed").isTrue();
        assertThat(manager.snapshot().lastError()).hasValueSatisfying(e -> assertThat(e).contains("50000 ms"));
        assertThat(manager.snapshot().nextRetryAt()).isPresent();

        hanging.open();
        clock.drain();
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.CONNECTING);
        assertThat(transport.attempts).hasSize(1);
    }

    @Test
    void callbacks_from_an_older_generation_change_nothing() {
        ConnectionManager manager = started(9);
        FakeDialer.FakeAttempt first = transport.last();
        first.fail("refused");
        clock.drain();
        clock.advance(untilRetry(manager));
        FakeDialer.FakeAttempt second = transport.last();
        second.open();
        clock.drain();
        first.fail("late failure from the first attempt");
        first.open();
        clock.drain();
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(manager.snapshot().lastError()).isEmpty();
        assertThat(second.closed).isFalse();
    }

    @Test
    void rejected_credentials_fail_without_a_retry_storm_until_a_manual_connect() {
        ConnectionManager manager = started(11);
        transport.last().reject("401 Unauthorized: check WOK_UPSTREAM_TOKEN or upstream.token_file");
        clock.drain();
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.FAILED);
        assertThat(manager.snapshot().lastError()).hasValueSatisfying(e -> assertThat(e).contains("401"));
        clock.advance(Duration.ofHours(1));
        assertThat(transport.attempts).hasSize(1);
        assertThat(clock.pendingTimers()).isZero();

        manager.connect();
        clock.drain();
        assertThat(transport.attempts).hasSize(2);
        assertThat(manager.snapshot().describe()).isEqualTo("connecting (attempt 1/10)");
    }

    @Test
    void a_manual_connect_skips_the_backoff_wait() {
        ConnectionManager manager = started(13);
        transport.last().fail("refused");
        clock.drain();
        clock.advance(untilRetry(manager));
        transport.last().fail("refused");
        clock.drain();
        assertThat(untilRetry(manager)).isPositive();
        manager.connect();
        clock.drain();
        assertThat(transport.attempts).hasSize(3);
        assertThat(manager.snapshot().describe()).isEqualTo("connecting (attempt 1/10)");
        manager.connect();
        clock.drain();
        assertThat(transport.attempts).as("no second attempt while one is in flight").hasSize(3);
    }

    @Test
    void disconnect_pauses_and_connect_resumes() {
        ConnectionManager manager = started(15);
        transport.last().open();
        clock.drain();
        FakeDialer.FakeAttempt live = transport.last();
        manager.disconnect();
        clock.drain();
        assertThat(live.closed).isTrue();
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.DISCONNECTED);
        clock.advance(Duration.ofMinutes(10));
        assertThat(transport.attempts).hasSize(1);
        manager.connect();
        clock.drain();
        assertThat(transport.attempts).hasSize(2);
    }

    @Test
    void shutdown_mid_connect_closes_the_attempt_cancels_timers_and_ignores_late_callbacks() {
        ConnectionManager manager = started(17);
        FakeDialer.FakeAttempt inFlight = transport.last();
        manager.shutdown();
        clock.drain();
        assertThat(inFlight.closed).isTrue();
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(clock.pendingTimers()).isZero();
        inFlight.open();
        clock.advance(Duration.ofMinutes(5));
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(transport.attempts).hasSize(1);
    }

    @Test
    void every_watcher_sees_the_current_state_then_every_change_in_order_but_not_each_heartbeat() {
        ConnectionManager manager = manager(19);
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        boolean[] ended = {false};
        manager.watch(s -> first.add(s.describe()));
        manager.watch(new ConnectionManager.Watcher() {
            @Override
            public void changed(ConnectionSnapshot s) {
                second.add(s.describe());
            }

            @Override
            public void ended() {
                ended[0] = true;
            }
        });
        manager.start();
        clock.drain();
        transport.last().fail("refused");
        clock.drain();
        clock.advance(untilRetry(manager));
        transport.last().open();
        clock.drain();
        for (int i = 0; i < 3; i++) {
            transport.last().heartbeat(Duration.ofMillis(2));
            clock.drain();
        }
        assertThat(manager.snapshot().lastRoundTrip()).as("heartbeats reach the snapshot").contains(Duration.ofMillis(2));
        manager.shutdown();
        clock.drain();
        assertThat(first).containsExactly("disconnected", "connecting (attempt 1/10)", "connecting (attempt 2/10)",
                "connected", "closing", "closed");
        assertThat(second).isEqualTo(first);
        assertThat(ended[0]).as("told the connector ended").isTrue();
    }

    @Test
    void a_reload_with_a_new_upstream_closes_the_old_connection_and_connects_to_the_new_one_with_watchers_kept() {
        ConnectionManager manager = started(31);
        transport.last().open();
        clock.drain();
        FakeDialer.FakeAttempt old = transport.last();
        List<ConnectionSnapshot> seen = new ArrayList<>();
        boolean[] ended = {false};
        manager.watch(new ConnectionManager.Watcher() {
            @Override
            public void changed(ConnectionSnapshot s) {
                seen.add(s);
            }

            @Override
            public void ended() {
                ended[0] = true;
            }
        });
        clock.drain();

        manager.reconfigure(config("ws://other.example:7891/sync"));
        clock.drain();
        assertThat(old.closed).isTrue();
        assertThat(transport.last().config.url()).contains(URI.create("ws://other.example:7891/sync"));
        assertThat(manager.snapshot().url()).contains("ws://other.example:7891/sync");
        transport.last().open();
        clock.drain();

        assertThat(seen).extracting(ConnectionSnapshot::describe)
                .containsExactly("connected", "connecting (attempt 1/10)", "connected");
        assertThat(seen).noneMatch(s -> s.state() == ConnectionState.CLOSED || s.state() == ConnectionState.CLOSING);
        assertThat(ended[0]).as("a reload does not end watch streams").isFalse();
        assertThat(transport.open()).isEqualTo(1);
    }

    @Test
    void two_quick_reloads_leave_exactly_one_attempt_for_the_last_config() {
        ConnectionManager manager = started(33);
        manager.reconfigure(config("ws://a.example/sync"));
        manager.reconfigure(config("ws://b.example/sync"));
        clock.drain();
        assertThat(transport.open()).as("attempts still open").isEqualTo(1);
        assertThat(transport.last().config.url()).contains(URI.create("ws://b.example/sync"));
        clock.advance(Duration.ofMinutes(5));
        assertThat(transport.attempts).allSatisfy(a -> {
            if (!a.closed) {
                assertThat(a.config.url()).contains(URI.create("ws://b.example/sync"));
            }
        });
        assertThat(transport.open()).isEqualTo(1);
    }

    @Test
    void a_reload_without_an_upstream_disables_sync_and_one_with_the_same_config_retries_after_a_failure() {
        ConnectionManager manager = started(35);
        transport.last().reject("401");
        clock.drain();
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.FAILED);
        manager.reconfigure(config("ws://user:pw@127.0.0.1:7890/sync"));
        clock.drain();
        assertThat(transport.attempts).as("same config: one more try after the failure").hasSize(2);

        manager.reconfigure(UpstreamConfig.DISABLED);
        clock.drain();
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.DISABLED);
        assertThat(manager.snapshot().url()).isEmpty();
        assertThat(transport.open()).isZero();
        clock.advance(Duration.ofMinutes(5));
        assertThat(transport.attempts).hasSize(2);
    }

    @Test
    void a_paused_connection_stays_paused_across_a_reload() {
        ConnectionManager manager = started(37);
        manager.disconnect();
        clock.drain();
        manager.reconfigure(config("ws://c.example/sync"));
        clock.drain();
        assertThat(manager.snapshot().state()).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(manager.snapshot().url()).contains("ws://c.example/sync");
        assertThat(transport.open()).isZero();
    }

    @Test
    void disconnecting_forgets_the_last_connection_and_error() {
        ConnectionManager manager = started(39);
        transport.last().fail("refused");
        clock.drain();
        clock.advance(untilRetry(manager));
        transport.last().open();
        clock.drain();
        transport.last().heartbeat(Duration.ofMillis(3));
        clock.drain();
        manager.disconnect();
        clock.drain();
        ConnectionSnapshot s = manager.snapshot();
        assertThat(s.state()).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(s.connectedSince()).isEmpty();
        assertThat(s.lastHeartbeatAt()).isEmpty();
        assertThat(s.lastRoundTrip()).isEmpty();
        assertThat(s.lastError()).isEmpty();
    }

    @Test
    void connect_answers_with_the_outcome_once_known_or_when_its_wait_is_over() {
        ConnectionManager manager = started(41);
        transport.last().fail("refused");
        clock.drain();
        var opened = manager.connect(Duration.ofSeconds(5)).toCompletableFuture();
        clock.drain();
        assertThat(opened).isNotDone();
        transport.last().open();
        clock.drain();
        assertThat(opened.join().state()).isEqualTo(ConnectionState.CONNECTED);

        manager.disconnect();
        var refused = manager.connect(Duration.ofSeconds(5)).toCompletableFuture();
        clock.drain();
        transport.last().reject("HTTP 401");
        clock.drain();
        assertThat(refused.join().state()).isEqualTo(ConnectionState.FAILED);
        assertThat(refused.join().lastError()).contains("HTTP 401");

        var failedOnce = manager.connect(Duration.ofSeconds(5)).toCompletableFuture();
        clock.drain();
        transport.last().fail("connection refused");
        clock.drain();
        assertThat(failedOnce.join().nextRetryAt()).as("answered once the attempt failed").isPresent();
        assertThat(failedOnce.join().lastError()).contains("connection refused");

        var silent = manager.connect(Duration.ofSeconds(5)).toCompletableFuture();
        clock.drain();
        clock.advance(Duration.ofSeconds(4));
        assertThat(silent).isNotDone();
        clock.advance(Duration.ofSeconds(1));
        assertThat(silent.join().state()).as("after the wait, whatever the state is").isEqualTo(ConnectionState.CONNECTING);
    }

    @Test
    void actor_code_refuses_to_run_off_the_actor_thread() throws Exception {
        ConnectionManager manager = manager(43);
        manager.start();
        Throwable[] thrown = new Throwable[1];
        Thread intruder = new Thread(() -> {
            try {
                clock.drain();
            } catch (Throwable t) {
                thrown[0] = t;
            }
        });
        intruder.start();
        intruder.join();
        assertThat(thrown[0]).isInstanceOf(IllegalStateException.class).hasMessageContaining("actor thread");
        assertThat(transport.attempts).isEmpty();
    }

    @Test
    void the_snapshot_is_readable_from_any_thread_without_touching_the_actor() throws Exception {
        ConnectionManager manager = started(21);
        ConnectionSnapshot[] seen = new ConnectionSnapshot[1];
        Thread reader = new Thread(() -> seen[0] = manager.snapshot());
        reader.start();
        reader.join();
        assertThat(seen[0].state()).isEqualTo(ConnectionState.CONNECTING);
        assertThat(seen[0].connectedSince()).isEmpty();
    }
}
