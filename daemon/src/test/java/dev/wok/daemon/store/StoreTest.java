package dev.wok.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class StoreTest {
    @TempDir
    Path dir;

    private Store open(long maxPending) throws StoreException {
        return Store.open(dir, maxPending, Clock.systemUTC());
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void pushes_get_dense_seqs_survive_a_restart_and_leave_only_when_acked() throws Exception {
        String clientId;
        try (Store store = open(1000)) {
            clientId = store.snapshot().clientId();
            assertThat(join(store.push("{\"a\":1}"))).isEqualTo(new Store.Pushed(1, clientId + ":1"));
            assertThat(join(store.push("{\"a\":2}")).cseq()).isEqualTo(2);
            assertThat(store.snapshot().pending()).isEqualTo(2);
            assertThat(store.snapshot().oldestPendingAt()).isPresent();
        }
        try (Store store = open(1000)) {
            assertThat(store.snapshot().clientId()).isEqualTo(clientId);
            assertThat(store.snapshot().pending()).isEqualTo(2);
            assertThat(join(store.pending(0, 10))).extracting(PendingOp::body).containsExactly("{\"a\":1}", "{\"a\":2}");
            assertThat(join(store.push("{\"a\":3}")).cseq()).isEqualTo(3);
            join(store.ack(2));
            assertThat(store.snapshot().pending()).isEqualTo(1);
            assertThat(store.snapshot().acked()).isEqualTo(2);
            assertThat(join(store.pending(0, 10))).extracting(PendingOp::cseq).containsExactly(3L);
        }
    }

    @Test
    void concurrent_pushes_share_commits_and_each_gets_its_own_seq() throws Exception {
        try (Store store = open(1_000_000)) {
            ExecutorService clients = Executors.newFixedThreadPool(50);
            List<CompletableFuture<Store.Pushed>> all = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                int client = c;
                all.add(CompletableFuture.supplyAsync(() -> null, clients).thenCompose(x -> {
                    List<CompletableFuture<Store.Pushed>> mine = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        mine.add(store.push("{\"c\":" + client + ",\"i\":" + i + "}").toCompletableFuture());
                    }
                    return CompletableFuture.allOf(mine.toArray(CompletableFuture[]::new)).thenApply(v -> mine.get(99).join());
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            clients.shutdown();
            assertThat(store.snapshot().pending()).isEqualTo(5000);
            assertThat(store.snapshot().nextCseq()).isEqualTo(5001);
            Set<Long> seqs = new HashSet<>();
            join(store.pending(0, 10_000)).forEach(op -> seqs.add(op.cseq()));
            assertThat(seqs).hasSize(5000);
            assertThat(store.commits()).as("5,000 pushes grouped into fewer commits").isLessThan(5000);
        }
    }

    @Test
    void a_push_past_the_quota_is_refused_naming_the_quota_and_the_count() throws Exception {
        try (Store store = open(2)) {
            join(store.push("{}"));
            join(store.push("{}"));
            assertThatThrownBy(() -> join(store.push("{}")))
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOfSatisfying(OutboxFullException.class, e -> {
                        assertThat(e.quota()).isEqualTo(2);
                        assertThat(e.pending()).isEqualTo(2);
                        assertThat(e.getMessage()).contains("max_pending").contains("2 ops wait");
                    });
            join(store.ack(1));
            assertThat(join(store.push("{}")).cseq()).as("room again after an ack; seqs stay dense").isEqualTo(3);
        }
    }

    @Test
    void events_apply_in_order_once_and_this_clients_echo_leaves_the_outbox() throws Exception {
        try (Store store = open(100)) {
            String me = store.snapshot().clientId();
            join(store.push("{\"mine\":1}"));
            join(store.welcome("epoch-a", 0));
            long last = join(store.apply(List.of(new Store.Incoming(1, "other", 1, "{\"x\":1}"),
                    new Store.Incoming(2, me, 1, "{\"mine\":1}"))));
            assertThat(last).isEqualTo(2);
            assertThat(store.snapshot().pending()).as("the echo of our own op").isZero();
            assertThat(join(store.apply(List.of(new Store.Incoming(2, me, 1, "{\"mine\":1}"),
                    new Store.Incoming(3, "other", 2, "{\"x\":2}"))))).isEqualTo(3);
            assertThat(join(store.events(0, 10))).extracting(LogEntry::seq).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void a_new_epoch_empties_the_log_so_it_is_pulled_again() throws Exception {
        try (Store store = open(100)) {
            join(store.welcome("epoch-a", 0));
            join(store.apply(List.of(new Store.Incoming(1, "other", 1, "{}"))));
            assertThat(join(store.welcome("epoch-a", 0))).isFalse();
            assertThat(join(store.welcome("epoch-b", 0))).isTrue();
            assertThat(store.snapshot().lastSeq()).isZero();
            assertThat(store.snapshot().epoch()).contains("epoch-b");
            assertThat(join(store.events(0, 10))).isEmpty();
        }
    }

    @Test
    void a_store_from_a_newer_wokd_is_refused_at_start() throws Exception {
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Store.FILE))) {
            db.createStatement().execute("PRAGMA user_version = 99");
        }
        assertThatThrownBy(() -> open(100)).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.kind()).isEqualTo(StoreException.Kind.NEWER_SCHEMA);
            assertThat(e.getMessage()).contains("schema version 99").contains("newer wokd");
        });
    }

    @Test
    void a_damaged_store_refuses_pushes_with_the_fix_and_reads_fail_the_same_way() throws Exception {
        Files.write(dir.resolve(Store.FILE), "this is not a database, it is a text file of some length".repeat(100).getBytes());
        try (Store store = open(100)) {
            assertThat(store.snapshot().failure()).isPresent();
            assertThatThrownBy(() -> join(store.push("{}"))).cause().isInstanceOfSatisfying(StoreException.class, e -> {
                assertThat(e.kind()).isEqualTo(StoreException.Kind.CORRUPT);
                assertThat(e.getMessage()).contains("damaged").contains("mv " + dir.resolve(Store.FILE));
            });
        }
        assertThat(Files.readString(dir.resolve(Store.FILE))).as("the damaged file is left as it was").startsWith("this is not");
    }
}
