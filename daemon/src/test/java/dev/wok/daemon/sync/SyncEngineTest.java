package dev.wok.daemon.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wok.protocol.config.HeartbeatPolicy;
import dev.wok.protocol.config.RetryPolicy;
import dev.wok.protocol.config.UpstreamConfig;
import dev.wok.daemon.store.LogEntry;
import dev.wok.daemon.store.Store;
import dev.wok.daemon.testing.FakeDialer;
import dev.wok.daemon.testing.ManualScheduler;
import dev.wok.daemon.upstream.ConnectionManager;
import dev.wok.protocol.upstream.UpstreamMessage;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync engine on the connector's manual clock, with a fake dialer standing in for the relay and a
 * real store on disk. The store answers from its own threads, so each step drains the actor's queue
 * until what the test waits for is true.
 */
@Timeout(60)
class SyncEngineTest {
    private static final RetryPolicy RETRY =
            new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 10, Duration.ofSeconds(10));

    @TempDir
    Path dir;

    final ManualScheduler clock = new ManualScheduler();
    final FakeDialer dialer = new FakeDialer();
    Store store;
    SyncEngine engine;
    ConnectionManager manager;
    String me;

    @BeforeEach
    void start() throws Exception {
        store = Store.open(dir, 1_000_000, Clock.systemUTC());
        me = store.snapshot().clientId();
        engine = new SyncEngine(store, clock);
        UpstreamConfig config = new UpstreamConfig(Optional.of(URI.create("ws://relay.test/sync")), Optional.empty(),
                Optional.empty(), RETRY, HeartbeatPolicy.DEFAULTS);
        manager = new ConnectionManager(config, dialer, clock, new SplittableRandom(1), engine);
        engine.attach(manager);
        manager.start();
        clock.drain();
    }

    @AfterEach
    void stop() {
        store.close();
    }

    /** Runs the actor until {@code condition} holds (the store answers from its own threads). */
    private void settle(BooleanSupplier condition) {
        await().pollInSameThread().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(20)).until(() -> {
            clock.drain();
            return condition.getAsBoolean();
        });
    }

    private void push(int count) {
        List<CompletableFuture<Store.Pushed>> pushes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            pushes.add(store.push("{\"i\":" + i + "}").toCompletableFuture());
        }
        CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS).join();
    }

    private static List<Long> opSeqs(FakeDialer.FakeAttempt attempt) {
        return attempt.sent.stream().filter(m -> m instanceof UpstreamMessage.Op)
                .map(m -> ((UpstreamMessage.Op) m).seq()).collect(Collectors.toList());
    }

    private static List<Long> range(long from, long to) {
        List<Long> seqs = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            seqs.add(s);
        }
        return seqs;
    }

    private List<LogEntry> log() {
        return store.events(0, 100_000).toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    private UpstreamMessage.Event event(long seq, String client, long cseq) {
        return new UpstreamMessage.Event(seq, client, cseq, "{\"i\":" + cseq + "}");
    }

    @Test
    void ops_go_out_in_order_after_the_welcome_a_window_at_a_time() {
        push(1500);
        FakeDialer.FakeAttempt attempt = dialer.last();
        clock.drain();
        assertThat(attempt.sent).as("nothing before the welcome").isEmpty();

        attempt.open();
        settle(() -> opSeqs(attempt).size() == SyncEngine.WINDOW);
        assertThat(opSeqs(attempt)).isEqualTo(range(1, 1000));

        attempt.receive(new UpstreamMessage.Ack(500));
        settle(() -> opSeqs(attempt).size() == 1500);
        assertThat(opSeqs(attempt)).isEqualTo(range(1, 1500));
        settle(() -> store.snapshot().pending() == 1000);
    }

    @Test
    void ops_pushed_while_connected_go_out_at_once_in_order() {
        FakeDialer.FakeAttempt attempt = dialer.last();
        attempt.open();
        clock.drain();
        push(3);
        settle(() -> opSeqs(attempt).size() == 3);
        push(2);
        settle(() -> opSeqs(attempt).size() == 5);
        assertThat(opSeqs(attempt)).isEqualTo(range(1, 5));
    }

    @Test
    void a_welcome_drops_what_the_upstream_stored_and_resends_the_rest_with_the_same_seqs() {
        push(10);
        FakeDialer.FakeAttempt first = dialer.last();
        first.open();
        settle(() -> opSeqs(first).size() == 10);
        first.fail("connection lost");
        clock.drain();
        clock.advance(Duration.ofSeconds(2));
        FakeDialer.FakeAttempt second = dialer.last();
        assertThat(second).isNotSameAs(first);

        second.open(new UpstreamMessage.Welcome("epoch-1", 6, 6));
        settle(() -> opSeqs(second).size() == 4);
        assertThat(opSeqs(second)).isEqualTo(range(7, 10));
        settle(() -> store.snapshot().pending() == 4);
    }

    @Test
    void events_are_applied_once_in_order_and_a_gap_reconnects_to_pull_again() {
        FakeDialer.FakeAttempt attempt = dialer.last();
        attempt.open();
        clock.drain();
        attempt.receive(event(1, "other", 1));
        attempt.receive(event(2, "other", 2));
        attempt.receive(event(2, "other", 2));
        attempt.receive(event(3, "other", 3));
        settle(() -> store.snapshot().lastSeq() == 3);
        assertThat(log()).extracting(LogEntry::seq).containsExactly(1L, 2L, 3L);

        attempt.receive(event(5, "other", 5));
        clock.drain();
        assertThat(attempt.closed).as("a gap drops the connection").isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(dialer.attempts).hasSize(2);
        assertThat(engine.hello("test").since()).as("the next hello asks again from the last seq applied").isEqualTo(3);
    }

    @Test
    void a_new_epoch_empties_the_log_and_pulls_it_again() {
        FakeDialer.FakeAttempt first = dialer.last();
        first.open(new UpstreamMessage.Welcome("epoch-1", 0, 3));
        clock.drain();
        for (long s = 1; s <= 3; s++) {
            first.receive(event(s, "other", s));
        }
        settle(() -> store.snapshot().lastSeq() == 3);
        first.fail("relay gone");
        clock.drain();
        clock.advance(Duration.ofSeconds(2));

        FakeDialer.FakeAttempt second = dialer.last();
        second.open(new UpstreamMessage.Welcome("epoch-2", 0, 1));
        second.receive(new UpstreamMessage.Event(1, "someone", 1, "{\"fresh\":true}"));
        settle(() -> store.snapshot().epoch().equals(Optional.of("epoch-2")) && store.snapshot().lastSeq() == 1);
        assertThat(log()).extracting(LogEntry::body).containsExactly("{\"fresh\":true}");
    }

    @Test
    void our_own_op_coming_back_moves_it_from_pending_to_the_log() {
        push(1);
        FakeDialer.FakeAttempt attempt = dialer.last();
        attempt.open();
        settle(() -> opSeqs(attempt).size() == 1);
        attempt.receive(event(1, me, 1));
        settle(() -> store.snapshot().pending() == 0 && store.snapshot().lastSeq() == 1);
        assertThat(log()).singleElement().satisfies(e -> assertThat(e.client()).isEqualTo(me));
    }

    @Test
    void sync_now_waits_for_every_ack_and_the_upstreams_head() {
        push(3);
        FakeDialer.FakeAttempt attempt = dialer.last();
        attempt.open();
        settle(() -> opSeqs(attempt).size() == 3);
        List<SyncEngine.Progress> progress = new ArrayList<>();
        CompletableFuture<SyncEngine.Result> synced = engine.syncNow(Duration.ofSeconds(30), progress::add).toCompletableFuture();
        clock.drain();
        UpstreamMessage.Sync ask = (UpstreamMessage.Sync) attempt.sent.stream()
                .filter(m -> m instanceof UpstreamMessage.Sync).findFirst().orElseThrow();

        attempt.receive(new UpstreamMessage.Ack(3));
        attempt.receive(new UpstreamMessage.Synced(ask.id(), 4));
        for (long s = 1; s <= 3; s++) {
            attempt.receive(event(s, me, s));
        }
        clock.drain();
        assertThat(synced).as("one event short of the head").isNotDone();
        attempt.receive(event(4, "other", 1));
        settle(synced::isDone);
        assertThat(synced.join().sent()).isEqualTo(3);
        assertThat(synced.join().received()).isEqualTo(4);
        assertThat(progress).isNotEmpty();
    }

    @Test
    void sync_now_connects_at_once_and_times_out_naming_the_state() {
        dialer.last().fail("connection refused");
        clock.drain();
        int attempts = dialer.attempts.size();
        CompletionStage<SyncEngine.Result> synced = engine.syncNow(Duration.ofSeconds(5), p -> { });
        clock.drain();
        assertThat(dialer.attempts).as("connected at once, without waiting out the backoff").hasSize(attempts + 1);
        clock.advance(Duration.ofSeconds(5));
        assertThatThrownBy(() -> synced.toCompletableFuture().getNow(null)).cause()
                .isInstanceOfSatisfying(SyncEngine.SyncFailed.class, f -> {
                    assertThat(f.kind()).isEqualTo(SyncEngine.SyncFailed.Kind.TIMEOUT);
                    assertThat(f.getMessage()).contains("not synced within 5000 ms").contains("connecting (attempt 1/10)");
                });
    }

    @Test
    void sync_now_fails_at_once_when_the_upstream_refuses_us() {
        CompletionStage<SyncEngine.Result> synced = engine.syncNow(Duration.ofMinutes(5), p -> { });
        clock.drain();
        dialer.last().reject("the relay refused our credentials (HTTP 401)");
        clock.drain();
        assertThatThrownBy(() -> synced.toCompletableFuture().getNow(null)).cause()
                .isInstanceOfSatisfying(SyncEngine.SyncFailed.class, f -> {
                    assertThat(f.kind()).isEqualTo(SyncEngine.SyncFailed.Kind.NOT_CONNECTED);
                    assertThat(f.getMessage()).contains("failed").contains("HTTP 401");
                });
    }

    @Test
    void a_sync_now_asked_before_the_connection_is_sent_as_soon_as_it_is_welcomed() {
        dialer.last().fail("connection refused");
        clock.drain();
        CompletableFuture<SyncEngine.Result> synced = engine.syncNow(Duration.ofSeconds(30), p -> { }).toCompletableFuture();
        clock.drain();
        FakeDialer.FakeAttempt attempt = dialer.last();
        attempt.open(new UpstreamMessage.Welcome("epoch-1", 0, 0));
        settle(() -> attempt.sent.stream().anyMatch(m -> m instanceof UpstreamMessage.Sync));
        UpstreamMessage.Sync ask = (UpstreamMessage.Sync) attempt.sent.stream()
                .filter(m -> m instanceof UpstreamMessage.Sync).findFirst().orElseThrow();
        attempt.receive(new UpstreamMessage.Synced(ask.id(), 0));
        settle(synced::isDone);
        assertThat(synced.join().received()).isZero();
    }
}
