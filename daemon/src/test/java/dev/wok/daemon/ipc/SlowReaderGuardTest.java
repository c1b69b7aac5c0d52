package dev.wok.daemon.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Clients that stop reading: each one's backlog is bounded, and so are all of theirs together, while a
 * client that reads costs the shared budget nothing. The writes are left unflushed, which is how an
 * embedded channel's backlog looks like a socket's that the peer does not drain.
 */
class SlowReaderGuardTest {
    private static final int KIB = 1024;

    @Test
    void the_client_whose_backlog_takes_the_total_over_the_budget_is_dropped_and_the_others_are_not() {
        UnreadAnswers unread = new UnreadAnswers(1024 * KIB);
        EmbeddedChannel first = client(unread);
        EmbeddedChannel second = client(unread);

        first.write(Unpooled.wrappedBuffer(new byte[600 * KIB]));
        assertThat(first.isWritable()).isFalse();
        assertThat(unread.held()).as("its backlog, and Netty's small overhead per write").isBetween(600L * KIB, 601L * KIB);

        second.write(Unpooled.wrappedBuffer(new byte[600 * KIB]));

        assertThat(second.isOpen()).as("the client that took the total over the budget").isFalse();
        assertThat(first.isOpen()).as("the client that was within it").isTrue();
        assertThat(unread.held()).as("a dropped client gives its share back").isBetween(600L * KIB, 601L * KIB);
        first.flush();
        assertThat(first.isWritable()).isTrue();
        assertThat(unread.held()).as("a client that reads again gives its share back").isZero();
        first.finishAndReleaseAll();
    }

    @Test
    void clients_below_their_high_water_mark_count_nothing() {
        UnreadAnswers unread = new UnreadAnswers(1024 * KIB);
        EmbeddedChannel client = client(unread);

        client.write(Unpooled.wrappedBuffer(new byte[32 * KIB]));

        assertThat(client.isWritable()).isTrue();
        assertThat(unread.held()).isZero();
        client.finishAndReleaseAll();
    }

    @Test
    void one_client_over_its_own_limit_is_dropped_whatever_the_total() {
        UnreadAnswers unread = new UnreadAnswers(64 * 1024 * KIB);
        EmbeddedChannel client = new EmbeddedChannel(new SlowReaderGuard(Duration.ofSeconds(60), 256 * KIB, unread));

        client.write(Unpooled.wrappedBuffer(new byte[300 * KIB]));

        assertThat(client.isOpen()).isFalse();
        assertThat(unread.held()).isZero();
    }

    private static EmbeddedChannel client(UnreadAnswers unread) {
        return new EmbeddedChannel(new SlowReaderGuard(Duration.ofSeconds(60), 8 * 1024 * KIB, unread));
    }
}
