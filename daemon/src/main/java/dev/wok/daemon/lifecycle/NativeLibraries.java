package dev.wok.daemon.lifecycle;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Copies the native libraries that sqlite-jdbc and Netty's epoll transport carry in their jars into a
 * directory, once, so that wokd can load them from there ({@code -Dorg.sqlite.lib.path} and
 * {@code -Djava.library.path}, set by the launcher) instead of extracting them again at every start.
 *
 * <p>Why: both libraries unpack a fresh copy into the temporary directory whenever a JVM first uses
 * them, and sqlite-jdbc also runs {@code uname -o} to tell Android from Linux; together about 70 ms of
 * every {@code wokd start}. And a wokd that is killed (or crashes) leaves sqlite-jdbc's 1.1 MB copy in
 * /tmp for good. Run by {@code scripts/wok-cache} beside the start-up caches; it writes into a new
 * directory and renames it into place, so a launcher sees all of it or none. Either library loads as
 * before (extracted) when its copy here is missing or will not load.
 */
public final class NativeLibraries {
    private NativeLibraries() {
    }

    /** A library to copy: where it is in its jar, and the file name its loader looks for on disk. */
    record Library(String resource, String fileName) {
    }

    /** The libraries the daemon loads on this platform (Linux only: elsewhere they are extracted as usual). */
    static List<Library> forThisPlatform() {
        List<Library> libraries = new ArrayList<>();
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return libraries;
        }
        String sqlite = LibraryLoaderUtil.getNativeLibName();
        libraries.add(new Library(LibraryLoaderUtil.getNativeLibResourcePath() + "/" + sqlite, sqlite));
        String epoll = System.mapLibraryName("netty_transport_native_epoll_" + PlatformDependent.normalizedArch());
        libraries.add(new Library("META-INF/native/" + epoll, epoll));
        return libraries;
    }

    /** Writes the libraries into {@code target} (replacing what was there); returns those written. */
    static List<Path> install(List<Library> libraries, Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path fresh = Files.createTempDirectory(parent, target.getFileName() + ".new.");
        List<Path> written = new ArrayList<>();
        try {
            ClassLoader loader = NativeLibraries.class.getClassLoader();
            for (Library library : libraries) {
                String resource = library.resource().startsWith("/") ? library.resource().substring(1) : library.resource();
                try (InputStream in = loader.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IOException("no " + resource + " on the class path");
                    }
                    Files.copy(in, fresh.resolve(library.fileName()));
                }
                written.add(target.resolve(library.fileName()));
            }
            if (Files.exists(target)) {
                Path old = Files.createTempDirectory(parent, target.getFileName() + ".old.");
                Files.move(target, old.resolve("native"), StandardCopyOption.ATOMIC_MOVE);
                Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            } else {
                Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
            }
            return written;
        } finally {
            if (Files.exists(fresh)) {
                deleteTree(fresh);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** {@code NativeLibraries DIR}: exits 0 having written the libraries (or nothing to do), 1 on failure. */
    public static void main(String[] args) {
        PrintStream out = System.out;
        if (args.length != 1) {
            System.err.println("usage: NativeLibraries DIR");
            System.exit(2);
        }
        List<Library> libraries = forThisPlatform();
        if (libraries.isEmpty()) {
            out.println("native libraries: none to copy on " + System.getProperty("os.name"));
            return;
        }
        try {
            for (Path path : install(libraries, Path.of(args[0]))) {
                out.println("  " + path);
            }
        } catch (IOException e) {
            System.err.println("cannot copy the native libraries into " + args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
