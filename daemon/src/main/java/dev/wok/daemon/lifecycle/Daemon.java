package dev.wok.daemon.lifecycle;

import dev.wok.daemon.config.WokConfig;
import dev.wok.daemon.ipc.IpcServer;
import dev.wok.daemon.ipc.MethodRegistry;
import dev.wok.daemon.ipc.Transport;
import dev.wok.daemon.status.DaemonInfo;
import dev.wok.daemon.status.ProcessStats;
import dev.wok.daemon.status.StatusMethod;
import dev.wok.daemon.upstream.Upstream;
import dev.wok.daemon.upstream.UpstreamMethods;
import dev.wok.protocol.Methods;
import dev.wok.protocol.WokVersion;
import dev.wok.protocol.paths.CurrentUser;
import dev.wok.protocol.paths.SocketPathTooLongException;
import dev.wok.protocol.paths.WokPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running wokd: takes the instance lock, binds the socket, serves, and on stop undoes it all in
 * reverse. Used by {@code wokd run} and, in-process, by tests.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final WokPaths paths;
    private final DaemonInfo info;
    private final InstanceLock lock;
    private final IpcServer server;
    private final Upstream upstream;
    private final ScheduledExecutorService housekeeping;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Daemon(WokPaths paths, DaemonInfo info, InstanceLock lock, IpcServer server, Upstream upstream,
                   ScheduledExecutorService housekeeping) {
        this.upstream = upstream;
        this.paths = paths;
        this.info = info;
        this.lock = lock;
        this.server = server;
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
        PrivateDirectory.prepare(paths.stateDir(), uid, "state");
        PrivateDirectory.prepare(paths.socketDir(), uid, "socket");
        InstanceLock lock = InstanceLock.acquire(paths.lockFile());
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "wokd-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        Upstream upstream = null;
        try {
            removeStaleSocket(paths.socket());
            upstream = startUpstream(settings);
            Upstream connector = upstream;
            AtomicReference<ProcessStats> stats = new AtomicReference<>(ProcessStats.sample());
            housekeeping.scheduleAtFixedRate(() -> stats.set(ProcessStats.sample()), 1, 1, TimeUnit.SECONDS);
            AtomicReference<IpcServer> serverRef = new AtomicReference<>();
            AtomicReference<Daemon> daemonRef = new AtomicReference<>();
            Transport transport = Transport.best();
            DaemonInfo info = new DaemonInfo(ProcessHandle.current().pid(), WokVersion.version(),
                    Clock.systemUTC().instant(), paths.socket(), paths.logFile(), transport.label());
            LifecycleMethods lifecycle = new LifecycleMethods(info, () -> daemonRef.get().requestStop());
            UpstreamMethods upstreamMethods = new UpstreamMethods(connector, Clock.systemUTC());
            MethodRegistry methods = MethodRegistry.builder()
                    .add(Methods.HELLO, lifecycle::hello)
                    .add(Methods.PING, lifecycle::ping)
                    .add(Methods.SHUTDOWN, lifecycle::shutdown)
                    .add(Methods.STATUS, new StatusMethod(info,
                            () -> serverRef.get() == null ? 0 : serverRef.get().clientCount(), stats::get,
                            connector::snapshot, Clock.systemUTC()))
                    .add(Methods.CONNECT, upstreamMethods::connect)
                    .add(Methods.DISCONNECT, upstreamMethods::disconnect)
                    .add(Methods.WATCH, upstreamMethods::watch)
                    .build();
            IpcServer server = bindServer(transport, settings, methods, uid);
            serverRef.set(server);
            Daemon daemon = new Daemon(paths, info, lock, server, connector, housekeeping);
            daemonRef.set(daemon);
            log.info("wokd {} started: pid {}, socket {}, state {}", info.version(), info.pid(), paths.socket(),
                    paths.stateDir());
            return daemon;
        } catch (StartupException | RuntimeException e) {
            if (upstream != null) {
                upstream.close();
            }
            housekeeping.shutdownNow();
            lock.close();
            throw e;
        }
    }

    private static Upstream startUpstream(DaemonSettings settings) throws StartupException {
        try {
            return Upstream.start(settings.config().upstream(), settings.paths().stateDir());
        } catch (IOException e) {
            throw new StartupException(StartupException.Reason.CANNOT_WRITE_STATE,
                    "cannot read or create the client id in " + settings.paths().stateDir() + ": " + e.getMessage(), e);
        }
    }

    /** Applies a reloaded config.toml (SIGHUP). */
    public void reload(WokConfig config) {
        upstream.reload(config.upstream());
    }

    private static IpcServer bindServer(Transport transport, DaemonSettings settings, MethodRegistry methods, int uid)
            throws StartupException {
        Path socket = settings.paths().socket();
        try {
            IpcServer server = IpcServer.bind(transport, socket, settings.limits(), methods, uid);
            Files.setPosixFilePermissions(socket, settings.socketMode());
            return server;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException(StartupException.Reason.CANNOT_BIND, "interrupted while binding " + socket, e);
        } catch (IOException | RuntimeException e) {
            throw new StartupException(StartupException.Reason.CANNOT_BIND,
                    "cannot listen on " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Only the lock holder gets here, so a socket file left at the path belongs to a dead daemon. */
    private static void removeStaleSocket(Path socket) throws StartupException {
        try {
            if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & S_IFMT) != S_IFSOCK) {
                throw new StartupException(StartupException.Reason.CANNOT_BIND, socket
                        + " exists and is not a socket; wokd will not delete it. Move it away or set WOK_SOCKET");
            }
            Files.delete(socket);
            log.info("removed stale socket {} left by a daemon that did not stop cleanly", socket);
        } catch (IOException e) {
            throw new StartupException(StartupException.Reason.CANNOT_BIND,
                    "cannot remove stale socket " + socket + ": " + e.getMessage(), e);
        }
    }

    public DaemonInfo info() {
        return info;
    }

    public WokPaths paths() {
        return paths;
    }

    /** Starts a stop on another thread and returns at once (for callers on an event loop). */
    public void requestStop() {
        Thread thread = new Thread(this::stop, "wokd-stop");
        thread.start();
    }

    /** Stops accepting, closes clients, removes the socket, releases the lock. Safe to call twice. */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStop();
            return;
        }
        try {
            log.info("stopping");
            upstream.close();
            server.close();
            housekeeping.shutdownNow();
            try {
                Files.deleteIfExists(paths.socket());
            } catch (IOException e) {
                log.warn("could not remove socket {}: {}", paths.socket(), e.toString());
            }
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

    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    @Override
    public void close() {
        stop();
    }
}
