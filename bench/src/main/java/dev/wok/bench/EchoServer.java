package dev.wok.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LineBasedFrameDecoder;

/**
 * The reference: the least a Netty server can do on the same socket type as wokd. It splits input the
 * same way (lines or length-prefixed frames) and writes each message straight back, without parsing it.
 * {@code EchoServer SOCKET lines|frames}; prints "ready" once bound.
 */
public final class EchoServer {
    public static void main(String[] args) throws Exception {
        String socket = args[0];
        boolean lines = args[1].equals("lines");
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, EpollIoHandler.newFactory());
        new ServerBootstrap().group(boss, workers).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<DomainSocketChannel>() {
                    @Override
                    protected void initChannel(DomainSocketChannel ch) {
                        if (lines) {
                            ch.pipeline().addLast(new LineBasedFrameDecoder(1 << 20, false, true));
                        } else {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(16 << 20, 12, 4, 0, 0));
                        }
                        ch.pipeline().addLast(Echo.INSTANCE);
                    }
                })
                .bind(new DomainSocketAddress(socket)).sync();
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }

    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    private EchoServer() {}

}
