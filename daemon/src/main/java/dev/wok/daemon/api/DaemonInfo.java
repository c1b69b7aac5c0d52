package dev.wok.daemon.api;

import java.nio.file.Path;
import java.time.Instant;

/** Facts about this daemon fixed at start. */
public record DaemonInfo(long pid, String version, Instant startedAt, Path socket, Path logFile, Path configFile,
                         String transport) {}
