package dev.wok.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that refuses a client in mid-send: the client must read why, then the end of the stream,
 * never a reset that destroys the answer.
 */
@Timeout(30)
class LingeringCloseTest {
    private static final byte[] WHY = "refused: too big\n".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** On the first bytes it reads, answers why and asks for the connection to be closed, as RelaySession does. */
    private int serve(boolean lingering) throws InterruptedException {
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (lingering) {
                            ch.pipeline().addLast(new LingeringClose());
                        }
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            boolean refused;

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg);
                                if (!refused) {
                                    refused = true;
                                    ctx.writeAndFlush(Unpooled.wrappedBuffer(WHY)).addListener(ChannelFutureListener.CLOSE);
                                }
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Test
    void a_client_still_sending_can_finish_its_message_and_reads_the_answer_then_the_end_of_the_stream() throws Exception {
        int port = serve(true);
        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(sendMuchThenRead(port)).as("attempt %d", attempt)
                    .isEqualTo("sent 16 MiB, read: " + new String(WHY, StandardCharsets.US_ASCII));
        }
    }

    /**
     * Writes 16 MiB (the server stops taking it after the first bytes), ends its side, then reads all the
     * server said. A client library that gives up on a failed send (the JDK's WebSocket does) never gets
     * to read the answer, so a failed send is a failure here too.
     */
    private static String sendMuchThenRead(int port) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            String sent = "sent 16 MiB";
            try {
                for (int i = 0; i < 256; i++) {
                    out.write(chunk);
                }
                socket.shutdownOutput();
            } catch (java.io.IOException sendFailed) {
                sent = "send failed: " + sendFailed.getMessage();
            }
            ByteArrayOutputStream said = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(said);
            } catch (java.net.SocketException reset) {
                return sent + ", reset after " + said.size() + " bytes: " + reset.getMessage();
            }
            return sent + ", read: " + said.toString(StandardCharsets.US_ASCII);
        }
    }
}
