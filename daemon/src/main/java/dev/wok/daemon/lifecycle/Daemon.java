package dev.wok.daemon.lifecycle;

import dev.wok.daemon.api.Api;
import dev.wok.daemon.api.DaemonInfo;
import dev.wok.daemon.api.ProcessStats;
import dev.wok.daemon.ipc.IpcServer;
import dev.wok.daemon.ipc.MethodRegistry;
import dev.wok.daemon.ipc.UnixSocketTransport;
import dev.wok.protocol.config.StoreConfig;
import dev.wok.daemon.store.Store;
import dev.wok.daemon.store.SpoolIngest;
import dev.wok.daemon.store.StoreException;
import dev.wok.daemon.store.StoreSnapshot;
import dev.wok.daemon.health.HealthFile;
import dev.wok.daemon.health.HealthMonitor;
import dev.wok.daemon.health.IdleHeapRelease;
import dev.wok.daemon.health.HealthReport;
import dev.wok.protocol.spool.Spool;
import dev.wok.daemon.sync.SyncEngine;
import dev.wok.daemon.upstream.ConnectionSnapshot;
import dev.wok.daemon.upstream.Upstream;
import dev.wok.protocol.WokVersion;
import dev.wok.protocol.files.IoErrors;
import dev.wok.protocol.files.PrivateDirectory;
import dev.wok.protocol.paths.CurrentUser;
import dev.wok.protocol.paths.SocketPathTooLongException;
import dev.wok.protocol.paths.WokPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running wokd: takes the instance lock, starts the connector, binds the socket last, and on stop
 * undoes it all in reverse. Used by {@code wokd run} and, in-process, by tests.
 */
public final class Daemon implements AutoCloseable, Api.Daemon {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final WokPaths paths;
    private final DaemonInfo info;
    private final InstanceLock lock;
    private final Store store;
    private final Upstream upstream;
    private final ConfigReloader reloader;
    private final ScheduledExecutorService housekeeping;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile ProcessStats stats = ProcessStats.sample();
    /** Set before the first client is accepted, so every method sees it. */
    private volatile IpcServer server;
    private volatile HealthMonitor health;
    private volatile Optional<SystemdNotifier> systemd = Optional.empty();

    private Daemon(WokPaths paths, DaemonInfo info, InstanceLock lock, Store store, Upstream upstream,
                   ConfigReloader reloader, ScheduledExecutorService housekeeping) {
        this.paths = paths;
        this.info = info;
        this.lock = lock;
        this.store = store;
        this.upstream = upstream;
        this.reloader = reloader;
        this.housekeeping = housekeeping;
    }

    public static Daemon start(DaemonSettings settings) throws StartupException {
        WokPaths paths = settings.paths();
        try {
            paths.checkSocketPathLength();
        } catch (SocketPathTooLongException e) {
            throw new StartupException(StartupException.Reason.SOCKET_PATH_TOO_LONG, e.getMessage(), e);
        }
        int uid = CurrentUser.uid();
        prepare(paths.stateDir(), uid, "state");
        prepare(paths.socketDir(), uid, "socket");
        // Before the lock: a broken activation environment is refused without touching anything.
        OptionalInt inheritedFd = SocketActivation.inheritedFd(settings.env(), ProcessHandle.current().pid());
        Map<String, String> env = SocketActivation.withoutActivation(settings.env());
        InstanceLock lock = InstanceLock.acquire(paths.lockFile());
        Deque<AutoCloseable> undo = new ArrayDeque<>();
        undo.push(lock);
        try {
            Store store = openStore(paths.stateDir(), settings.config().store());
            undo.push(store);
            new SpoolIngest(new Spool(paths.spoolDir()), store).run(); // before anyone can push
            SyncEngine[] sync = new SyncEngine[1];
            Upstream upstream = Upstream.start(settings.config().upstream(), actor -> {
                sync[0] = new SyncEngine(store, actor);
                return new Upstream.Wiring(sync[0], () -> sync[0].hello(WokVersion.version()), sync[0]::attach);
            }, java.util.Optional.empty());
            undo.push(upstream);
            ConfigReloader reloader = new ConfigReloader(paths.configFile(), env, upstream.manager());
            undo.push(reloader);
            ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "wokd-housekeeping");
                thread.setDaemon(true);
                return thread;
            });
            undo.push(housekeeping::shutdownNow);
            UnixSocketTransport transport = UnixSocketTransport.best();
            DaemonInfo info = new DaemonInfo(ProcessHandle.current().pid(), WokVersion.version(),
                    Clock.systemUTC().instant(), paths.socket(), paths.logFile(), paths.configFile(), transport.label());
            Daemon daemon = new Daemon(paths, info, lock, store, upstream, reloader, housekeeping);
            housekeeping.scheduleAtFixedRate(() -> daemon.stats = ProcessStats.sample(), 1, 1, TimeUnit.SECONDS);
            IdleHeapRelease heapRelease = IdleHeapRelease.forThisJvm();
            long releaseMillis = IdleHeapRelease.PERIOD.toMillis();
            housekeeping.scheduleAtFixedRate(heapRelease::check, releaseMillis, releaseMillis, TimeUnit.MILLISECONDS);
            MethodRegistry methods = Api.methods(daemon, upstream.manager(), sync[0], store, Clock.systemUTC());
            daemon.server = listen(transport, inheritedFd, settings, methods, uid);
            daemon.server.startAccepting();
            daemon.health = new HealthMonitor(daemon::healthReport, new HealthFile(paths.healthFile()), housekeeping,
                    Clock.systemUTC());
            daemon.health.start(settings.healthPeriod());
            upstream.manager().watch(daemon.health);
            log.info("wokd {} started: pid {}, socket {}, state {}", info.version(), info.pid(), paths.socket(),
                    paths.stateDir());
            daemon.systemd = SystemdNotifier.fromEnvironment(settings.env());
            daemon.systemd.ifPresent(systemd -> systemd.ready(info.pid(), "serving " + paths.socket()));
            return daemon;
        } catch (StartupException | RuntimeException e) {
            while (!undo.isEmpty()) {
                try {
                    undo.pop().close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static void prepare(Path dir, int uid, String role) throws StartupException {
        try {
            PrivateDirectory.prepare(dir, uid, role);
        } catch (PrivateDirectory.UnsafeDirectoryException e) {
            throw new StartupException(StartupException.Reason.UNSAFE_SOCKET_DIRECTORY, e.getMessage(), e);
        } catch (IOException e) {
            throw new StartupException(StartupException.Reason.CANNOT_WRITE_STATE,
                    "cannot prepare " + role + " directory " + dir + ": " + IoErrors.cause(e), e);
        }
    }

    /** A store from a newer wokd stops the start; one that is damaged or unwritable only refuses pushes. */
    private static Store openStore(Path stateDir, StoreConfig config) throws StartupException {
        try {
            return Store.open(stateDir, config.maxPending(), Clock.systemUTC());
        } catch (StoreException e) {
            throw new StartupException(StartupException.Reason.UNUSABLE_STORE, e.getMessage(), e);
        }
    }

    /** Adopts the socket systemd passed when there is one, else binds our own. */
    private static IpcServer listen(UnixSocketTransport transport, OptionalInt inheritedFd, DaemonSettings settings,
                                    MethodRegistry methods, int uid) throws StartupException {
        try {
            if (inheritedFd.isPresent()) {
                return IpcServer.adopt(transport, inheritedFd.getAsInt(), settings.paths().socket(), settings.limits(),
                        methods, uid);
            }
            return IpcServer.bind(transport, settings.paths().socket(), settings.socketMode(), settings.limits(), methods, uid);
        } catch (IOException e) {
            throw new StartupException(StartupException.Reason.CANNOT_BIND, e.getMessage(), e);
        }
    }

    private HealthReport healthReport() {
        ConnectionSnapshot connection = upstream.manager().snapshot();
        StoreSnapshot stored = store.snapshot();
        ProcessStats memory = stats;
        return new HealthReport(Clock.systemUTC().instant(), connection.state().label(), connection.describe(),
                connection.lastError(), stored.pending(), stored.oldestPendingAt(), server.clientCount(),
                memory.heapUsedBytes(), memory.heapMaxBytes(), memory.rssBytes(), info.pid(), info.version(),
                info.startedAt(), paths.socket(), paths.logFile());
    }

    @Override
    public DaemonInfo info() {
        return info;
    }

    public WokPaths paths() {
        return paths;
    }

    @Override
    public int clients() {
        return server.clientCount();
    }

    @Override
    public ProcessStats stats() {
        return stats;
    }

    /** Reads config.toml again and applies it (SIGHUP and {@code reload}). */
    @Override
    public CompletionStage<ConnectionSnapshot> reload() {
        return reloader.reload("reload");
    }

    CompletionStage<ConnectionSnapshot> reloadOnSignal() {
        return reloader.reload("SIGHUP");
    }

    /** Starts a stop on another thread and returns at once (for callers on an event loop). */
    @Override
    public void requestStop() {
        Thread thread = new Thread(this::stop, "wokd-stop");
        thread.start();
    }

    /**
     * Ends the connector (watchers are told), stops accepting, closes clients after what was written to
     * them, removes the socket, releases the lock. Safe to call twice; the second call waits for the first.
     */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStop();
            return;
        }
        try {
            log.info("stopping");
            systemd.ifPresent(SystemdNotifier::stopping);
            upstream.close();
            server.close();
            health.stop();
            store.close();
            reloader.close();
            housekeeping.shutdownNow();
            lock.close();
            log.info("stopped");
        } finally {
            stopped.countDown();
        }
    }

    public void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
