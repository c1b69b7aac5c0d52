package dev.wok.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wok.protocol.spool.Spool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolIngestTest {
    @TempDir
    Path dir;

    /** What a crash between an op's commit and its file's removal looks like to the code after it. */
    static final class Crash extends RuntimeException {}

    @Test
    void spooled_ops_are_taken_in_order_exactly_once_even_when_a_crash_comes_between_commit_and_removal() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"));
        spool.write("{\"n\":1}");
        spool.write("{\"n\":2}");
        spool.write("{\"n\":3}");
        try (Store store = Store.open(dir, 1000, Clock.systemUTC())) {
            AtomicInteger commits = new AtomicInteger();
            SpoolIngest crashing = new SpoolIngest(spool, store, () -> {
                if (commits.incrementAndGet() == 2) {
                    throw new Crash();
                }
            });
            assertThatThrownBy(crashing::run).isInstanceOf(Crash.class);
            assertThat(spool.files()).as("the second op's file is still there: the crash came before its removal").hasSize(2);
        }
        try (Store store = Store.open(dir, 1000, Clock.systemUTC())) {
            SpoolIngest.Taken taken = new SpoolIngest(spool, store).run();
            assertThat(taken.taken()).isEqualTo(1);
            assertThat(taken.alreadyTaken()).isEqualTo(1);
            assertThat(spool.files()).isEmpty();
            assertThat(store.pending(0, 10).toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .extracting(PendingOp::body).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        }
    }

    @Test
    void a_spooled_file_that_is_not_an_op_is_moved_aside_not_dropped() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"));
        spool.write("[1,2]");
        spool.write("{\"ok\":true}");
        try (Store store = Store.open(dir, 1000, Clock.systemUTC())) {
            SpoolIngest.Taken taken = new SpoolIngest(spool, store).run();
            assertThat(taken.taken()).isEqualTo(1);
            assertThat(taken.rejected()).isEqualTo(1);
        }
        try (var rejected = Files.list(dir.resolve("spool/rejected"))) {
            assertThat(rejected).singleElement().satisfies(p -> assertThat(Files.readString(p)).isEqualTo("[1,2]"));
        }
    }
}
