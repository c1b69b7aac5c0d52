package dev.wok.daemon.api;

import dev.wok.daemon.ipc.MethodRegistry;
import dev.wok.daemon.store.Store;
import dev.wok.daemon.sync.SyncEngine;
import dev.wok.daemon.upstream.ConnectionManager;
import dev.wok.daemon.upstream.ConnectionSnapshot;
import dev.wok.protocol.Methods;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Every method wokd answers, in one place: the daemon's local API. Handlers here translate between the
 * wire and the parts that do the work (the store, the sync engine, the connector, the lifecycle); they
 * hold no state of their own beyond the streams they are serving.
 */
public final class Api {
    private Api() {}

    /** What the API needs from the running daemon. */
    public interface Daemon {
        DaemonInfo info();

        /** Starts a graceful stop on another thread and returns at once. */
        void requestStop();

        /** Reads config.toml again and applies it; fails with a {@code bad_config} ProtocolException. */
        CompletionStage<ConnectionSnapshot> reload();

        int clients();

        ProcessStats stats();
    }

    public static MethodRegistry methods(Daemon daemon, ConnectionManager connection, SyncEngine sync, Store store,
                                         Clock clock) {
        LifecycleMethods lifecycle = new LifecycleMethods(daemon.info(), daemon::requestStop, daemon::reload, clock);
        ConnectionMethods connect = new ConnectionMethods(connection, clock);
        IntSupplier clients = daemon::clients;
        Supplier<ProcessStats> stats = daemon::stats;
        return MethodRegistry.builder()
                .add(Methods.HELLO, lifecycle::hello)
                .add(Methods.PING, lifecycle::ping)
                .add(Methods.RELOAD, lifecycle::reload)
                .add(Methods.SHUTDOWN, lifecycle::shutdown)
                .add(Methods.STATUS, new StatusMethod(daemon.info(), clients, stats, connection::snapshot, store, clock))
                .add(Methods.PUSH, new PushMethod(store))
                .add(Methods.LOG, new LogMethod(store))
                .add(Methods.SYNC_NOW, new SyncNowMethod(sync))
                .add(Methods.CONNECT, connect::connect)
                .add(Methods.DISCONNECT, connect::disconnect)
                .add(Methods.WATCH, connect::watch)
                .build();
    }
}
