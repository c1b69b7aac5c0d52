package dev.wok.daemon.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wok.protocol.config.HeartbeatPolicy;
import dev.wok.protocol.upstream.UpstreamMessage;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The last handler of an upstream connection, alone on an embedded channel whose clock the test moves. */
class UpstreamSessionTest {
    private static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(10);
    private static final HeartbeatPolicy HEARTBEAT = new HeartbeatPolicy(Duration.ofSeconds(25), Duration.ofSeconds(35));

    final List<String> reported = new ArrayList<>();
    final List<Dialer.Failure> failures = new ArrayList<>();
    final List<Duration> roundTrips = new ArrayList<>();
    boolean abandoned;

    private EmbeddedChannel upgraded() {
        Dialer.Events events = new Dialer.Events() {
            @Override
            public void opened(long generation, UpstreamMessage.Welcome welcome, Dialer.Link link) {
                reported.add("opened " + generation + " at head " + welcome.head());
            }

            @Override
            public void received(long generation, UpstreamMessage message) {
                reported.add("received " + message.getClass().getSimpleName());
            }

            @Override
            public void failed(long generation, Dialer.Failure failure) {
                reported.add("failed " + generation);
                failures.add(failure);
            }

            @Override
            public void heartbeat(long generation, Duration roundTrip) {
                roundTrips.add(roundTrip);
            }
        };
        UpstreamSession session = new UpstreamSession(7, events,
                () -> new UpstreamMessage.Hello("me", 3, 9, "epoch-1", "test"), WELCOME_TIMEOUT, HEARTBEAT, () -> abandoned);
        EmbeddedChannel channel = new EmbeddedChannel(session);
        channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        return channel;
    }

    private static String welcome() {
        return "{\"type\":\"welcome\",\"epoch\":\"epoch-1\",\"applied\":3,\"head\":9}";
    }

    @Test
    void sends_hello_once_upgraded_and_opens_on_welcome() {
        EmbeddedChannel channel = upgraded();
        TextWebSocketFrame hello = channel.readOutbound();
        assertThat(hello.text()).contains("\"type\":\"hello\"").contains("\"client\":\"me\"").contains("\"acked\":3");
        hello.release();
        channel.writeInbound(new TextWebSocketFrame(welcome()));
        assertThat(reported).containsExactly("opened 7 at head 9");
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"ack\",\"upTo\":3}"));
        assertThat(reported).containsExactly("opened 7 at head 9", "received Ack");
    }

    @Test
    void no_welcome_within_the_timeout_fails_the_attempt_and_closes_the_channel() {
        EmbeddedChannel channel = upgraded();
        channel.advanceTimeBy(WELCOME_TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(reported).isEmpty();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(reported).containsExactly("failed 7");
        assertThat(failures.get(0).message()).contains("no welcome within 10000 ms");
        assertThat(failures.get(0).fatal()).isFalse();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void close_codes_map_to_retry_restart_or_fatal() {
        assertThat(closedWith(1000, "bye")).satisfies(f -> {
            assertThat(f.fatal()).isFalse();
            assertThat(f.goingAway()).isFalse();
            assertThat(f.message()).isEqualTo("closed by the relay (1000 bye)");
        });
        assertThat(closedWith(1001, "relay restarting").goingAway()).isTrue();
        assertThat(closedWith(4001, "unauthorized").fatal()).isTrue();
        assertThat(closedWith(4002, "unsupported version").fatal()).isTrue();
        assertThat(closedWith(4008, "gap").fatal()).isFalse();
    }

    private Dialer.Failure closedWith(int code, String reason) {
        failures.clear();
        reported.clear();
        EmbeddedChannel channel = upgraded();
        channel.writeInbound(new TextWebSocketFrame(welcome()));
        channel.writeInbound(new CloseWebSocketFrame(code, reason));
        assertThat(channel.isOpen()).isFalse();
        assertThat(failures).hasSize(1);
        return failures.get(0);
    }

    @Test
    void a_refused_upgrade_is_fatal_for_401_and_403_and_retryable_otherwise() {
        for (int status : new int[] {401, 403, 502}) {
            failures.clear();
            EmbeddedChannel channel = upgraded();
            var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER);
            channel.pipeline().fireExceptionCaught(new WebSocketClientHandshakeException("refused", response));
            Dialer.Failure failure = failures.get(0);
            assertThat(failure.fatal()).as("HTTP %d", status).isEqualTo(status != 502);
            assertThat(failure.message()).contains("HTTP " + status);
        }
        assertThat(failures.get(0).message()).contains("upgrade refused");
    }

    @Test
    void a_relay_error_naming_credentials_or_version_is_fatal() {
        EmbeddedChannel channel = upgraded();
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"error\",\"code\":\"unsupported_version\",\"message\":\"protocol 9\"}"));
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.fatal()).isTrue();
            assertThat(f.message()).isEqualTo("relay error unsupported_version: protocol 9");
        });
    }

    @Test
    void pings_after_a_quiet_spell_and_reports_the_round_trip_of_the_pong() {
        EmbeddedChannel channel = upgraded();
        ((TextWebSocketFrame) channel.readOutbound()).release();
        channel.writeInbound(new TextWebSocketFrame(welcome()));
        channel.advanceTimeBy(HEARTBEAT.interval().toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        PingWebSocketFrame ping = channel.readOutbound();
        assertThat(ping).as("a ping after %s with nothing written", HEARTBEAT.interval()).isNotNull();
        channel.writeInbound(new PongWebSocketFrame(ping.content()));
        assertThat(roundTrips).singleElement().satisfies(rtt -> assertThat(rtt.isNegative()).isFalse());
    }

    @Test
    void nothing_read_for_the_heartbeat_timeout_means_the_connection_is_dead() {
        EmbeddedChannel channel = upgraded();
        channel.writeInbound(new TextWebSocketFrame(welcome()));
        channel.advanceTimeBy(HEARTBEAT.timeout().toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(failures).singleElement().satisfies(f -> assertThat(f.message()).contains("heartbeat timeout"));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void an_attempt_closed_before_its_upgrade_finished_sends_no_hello() {
        abandoned = true;
        EmbeddedChannel channel = upgraded();
        assertThat(channel.<Object>readOutbound()).as("nothing written").isNull();
        assertThat(channel.isOpen()).isFalse();
    }
}
