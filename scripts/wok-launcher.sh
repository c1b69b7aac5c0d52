# Shared by the wok, wokd, wok-relay and local-sync launchers and by install.sh (sourced, not run).
# Finds the jars relative to the launcher (an install or a source tree) and picks the java to exec.
# Everything here runs on every 'wok' command, so it starts no process of its own on the common path.

wok_die() {
    echo "$wok_name: $*" >&2
    exit 1
}

# Sets wok_cp to the class path of a module (cli, daemon, ...).
wok_classpath() {
    module=$1
    if [ -d "$wok_here/../$module" ] && [ -f "$wok_here/../$module/wok-$module.jar" ]; then
        wok_cp="$wok_here/../$module/*"                       # installed: lib/wok/<module>/*.jar
    elif [ -f "$wok_here/../$module/target/wok-$module.jar" ]; then
        wok_cp="$wok_here/../$module/target/wok-$module.jar:$wok_here/../$module/target/lib/*"  # source tree
    else
        wok_die "cannot find the $module jars next to $wok_here; build them first: ./mvnw -q package -DskipTests"
    fi
}

# Sets wok_major and wok_version to the major and full version of the JDK at home $1, read from its
# 'release' file (no JVM start).
wok_release_major() {
    wok_major=
    wok_version=
    [ -f "$1/release" ] || return 1
    while IFS= read -r wok_line; do
        case $wok_line in
            JAVA_VERSION=*)
                wok_version=${wok_line#JAVA_VERSION=\"}
                wok_version=${wok_version%\"}
                wok_major=${wok_version%%[!0-9]*}
                [ -n "$wok_major" ] && return 0
                return 1 ;;
        esac
    done < "$1/release"
    return 1
}

# Sets wok_java_major and wok_java_version from the release file of the JDK at home $1, when it has one.
wok_take_release() {
    if wok_release_major "$1"; then
        wok_java_major=$wok_major
        wok_java_version=$wok_version
    fi
}

# Considers the JDK at home $1: keeps it in wok_java/wok_java_major if it is 17+ and newer than the best so far.
wok_consider() {
    [ -x "$1/bin/java" ] || return 0
    wok_release_major "$1" || return 0
    if [ "$wok_major" -ge 17 ] && [ "$wok_major" -gt "${wok_java_major:-0}" ]; then
        wok_java=$1/bin/java
        wok_java_major=$wok_major
        wok_java_version=$wok_version
    fi
}

# Sets wok_java and wok_java_major: $WOK_JAVA if set, else the JDK the installer chose, else the newest
# JDK 17+ among $JAVA_HOME, /usr/lib/jvm/*, macOS's JavaVirtualMachines and the java on PATH.
wok_find_java() {
    wok_java=
    wok_java_major=
    wok_java_version=
    if [ -n "${WOK_JAVA:-}" ]; then
        [ -x "$WOK_JAVA" ] || wok_die "WOK_JAVA=$WOK_JAVA is not an executable java"
        wok_java=$WOK_JAVA
        wok_take_release "$(dirname "$(dirname "$wok_java")")"
        wok_flags_for_java
        return 0
    fi
    if [ -f "$wok_here/../java.path" ]; then
        read -r wok_java < "$wok_here/../java.path"
        if [ -x "$wok_java" ]; then
            wok_take_release "${wok_java%/bin/java}"
            wok_flags_for_java
            return 0
        fi
        wok_java=
    fi
    [ -n "${JAVA_HOME:-}" ] && wok_consider "$JAVA_HOME"
    for wok_jdk in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -d "$wok_jdk" ] && wok_consider "$wok_jdk"
    done
    if [ -z "$wok_java" ]; then
        # Only now the java on PATH: finding its JDK means following symlinks, which costs processes.
        wok_path_java=$(command -v java) || wok_die "no JDK 17 or newer found: install one, or set WOK_JAVA or JAVA_HOME"
        while [ -L "$wok_path_java" ]; do
            wok_link=$(readlink "$wok_path_java")
            case $wok_link in /*) wok_path_java=$wok_link ;; *) wok_path_java=$(dirname "$wok_path_java")/$wok_link ;; esac
        done
        wok_consider "$(dirname "$(dirname "$wok_path_java")")"
        if [ -z "$wok_java" ]; then
            # A java without a release file: ask it, once.
            wok_major=$("$wok_path_java" -version 2>&1 | sed -n '1s/.*version "\([0-9][0-9]*\).*/\1/p')
            [ "${wok_major:-0}" -ge 17 ] || wok_die "java on PATH ($wok_path_java) is older than 17; install a JDK 17+ or set WOK_JAVA"
            wok_java=$wok_path_java
            wok_java_major=$wok_major
        fi
    fi
    wok_flags_for_java
}

# Flags that depend on the chosen JDK: JDK 22+ warns at every start when code loads native libraries
# (Netty, SQLite) unless it is allowed explicitly.
wok_flags_for_java() {
    wok_native_access=
    if [ "${wok_java_major:-0}" -ge 22 ]; then
        wok_native_access=--enable-native-access=ALL-UNNAMED
    fi
    # From JDK 25 Netty leaves sun.misc.Unsafe alone unless told otherwise, and with native access
    # allowed it frees direct memory through downcalls made with java.lang.foreign instead: building
    # those costs every wokd start about 60 ms. Allowing Unsafe's memory access (JDK 23+ asks for that
    # explicitly, or warns) keeps Netty on its usual path. Only on the JDKs this was measured on: a
    # later one may drop the option, and then runs with Netty's own choice.
    case ${wok_java_major:-0} in
        23|24|25) wok_daemon_flags="$wok_daemon_flags --sun-misc-unsafe-memory-access=allow -Dio.netty.noUnsafe=false" ;;
    esac
    # glibc keeps what the JIT's and SQLite's mallocs freed, and a long-lived wokd's RSS crept up by it
    # (+14 MiB in 40 minutes of the soak, all of it given back by 'jcmd PID System.trim_native_heap').
    # The JVM trims it every 10 s with this flag (a product flag from 17.0.9, 21.0.1 and 22 on): the
    # JIT's start-up and warm-up leave 10-28 MiB there, which a trim once a minute left in RSS for up
    # to that minute; a trim with nothing to give back takes ~0.2 ms.
    if [ -r /proc/version ] && wok_java_has_native_trim; then
        wok_daemon_flags="$wok_daemon_flags -XX:TrimNativeHeapInterval=10000"
    fi
}

# Whether the chosen JDK (wok_java_major, wok_java_version from its release file) knows TrimNativeHeapInterval.
wok_java_has_native_trim() {
    case $wok_java_version in
        *.*.*) wok_update=${wok_java_version#*.*.}; wok_update=${wok_update%%[!0-9]*} ;;
        *) wok_update=0 ;;  # "21": the first release, 21.0.0
    esac
    case ${wok_java_major:-0} in
        17) [ "${wok_update:-0}" -ge 9 ] ;;
        21) [ "${wok_update:-0}" -ge 1 ] ;;
        18|19|20) return 1 ;;
        *) [ "${wok_java_major:-0}" -ge 22 ] ;;
    esac
}

# Start-up flags for short-lived client commands: no JIT tiers past C1, small serial GC.
wok_client_flags="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData"
# Naming the NIO selector provider skips a search of every jar for one (about 4 ms of a 'wok status').
if [ -r /proc/version ]; then
    wok_client_flags="$wok_client_flags -Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider"
fi
# Heaps: wokd's holds little (requests are bounded, the store is read a page at a time), and after a
# burst the serial collector gives memory back instead of keeping the heap at its peak: in one full
# collection (-ShrinkHeapInSteps; by default it shrinks 0%, 10%, 40%, then 100% over four), which wokd
# itself asks for once it is quiet again (IdleHeapRelease). The relay keeps every client's session and
# fan-out, so it gets more.
wok_wokd_heap="-Xmx128m -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10 -XX:-ShrinkHeapInSteps"
wok_relay_heap="-Xmx256m"
# Whether a person is at the terminal (colours and symbols; wokd also logs to the console): the shell's
# test is free, while asking the JVM (System.console()) costs a command ~8 ms on JDK 22+.
if [ -t 0 ] && [ -t 1 ]; then
    wok_client_flags="$wok_client_flags -Dwok.terminal=true"
    wok_terminal=-Dwok.terminal=true
else
    wok_client_flags="$wok_client_flags -Dwok.terminal=false"
    wok_terminal=-Dwok.terminal=false
fi
# The daemon lives long and stays small. Netty's JFR events (buffer allocations) would load the JFR
# module at a daemon's first answer, about 80 ms on a cold start; Netty skips them when told to. The
# JVM's own messages (why it ended, a thread dump on SIGQUIT) go to stderr, which 'wokd start' points
# at wokd.log, instead of to a stdout nobody reads after the ready line.
wok_daemon_flags="-XX:+UseSerialGC -Xms16m -XX:-UsePerfData -Xss512k -XX:+ExitOnOutOfMemoryError -XX:+DisplayVMOutputToStderr -Dio.netty.jfr.enabled=false $wok_terminal"

# The JVM's start-up cache of a module (cli: wok and wokd's client commands; daemon: wokd run), made by
# wok-cache: an AOT cache on JDK 24+, an AppCDS archive on 17-23. It holds the classes a training run
# loaded, already parsed and linked, so commands start in a fraction of the time.
# A module's class path can have more than one cache, each trained for its own commands: $2 names it
# (default: the module's name; "status" is 'wok status' alone, which starts faster with a smaller cache).
# Sets wok_cache_dir, wok_cache_file (named after the exact java version, which must match), wok_cache_log
# (where the JVM writes why it could not use the cache) and wok_cache_jar (the cache is older than it:
# stale).
wok_cache_paths() {
    wok_cache_name=${2:-$1}
    if [ -d "$wok_here/../$1" ] && [ -f "$wok_here/../$1/wok-$1.jar" ]; then
        wok_cache_dir=$wok_here/../$1/cache
        wok_cache_jar=$wok_here/../$1/wok-$1.jar
    else
        wok_cache_dir=$wok_here/../$1/target/startup-cache
        wok_cache_jar=$wok_here/../$1/target/wok-$1.jar
    fi
    if [ "${wok_java_major:-0}" -ge 24 ]; then
        wok_cache_file=$wok_cache_dir/$wok_cache_name-java-$wok_java_version.aot
        wok_cache_tag=aot
    else
        wok_cache_file=$wok_cache_dir/$wok_cache_name-java-$wok_java_version.jsa
        wok_cache_tag=cds
    fi
    wok_cache_log=$wok_cache_file.log
}

# Sets wok_cache_flags to use module $1's cache (named $2, see above) when it is there, newer than the jars and was not rejected
# by the JVM last time. Otherwise runs without one, says why once, and has wok-cache make it in the
# background. WOK_NO_CACHE=1 turns all of this off; a java whose version is unknown runs without.
wok_use_cache() {
    wok_cache_flags=
    [ -z "${WOK_NO_CACHE:-}" ] && [ -n "${wok_java_version:-}" ] || return 0
    wok_cache_paths "$1" "${2:-}"
    if [ "$1" = daemon ]; then wok_user_opts=${WOKD_JAVA_OPTS:-}; else wok_user_opts=${WOK_JAVA_OPTS:-}; fi
    if [ ! -f "$wok_cache_file" ]; then
        wok_cache_remake "no start-up cache for java $wok_java_version yet"
    elif [ "$wok_cache_jar" -nt "$wok_cache_file" ]; then
        wok_cache_remake "the start-up cache is older than the jars"
    elif [ -s "$wok_cache_log" ] && ! [ "$wok_cache_file" -nt "$wok_cache_log" ]; then
        wok_cache_remake "java $wok_java_version could not use the start-up cache (its reason: $wok_cache_log)"
    elif [ "$wok_cache_tag" = aot ] && wok_reshapes_heap "$wok_user_opts ${JDK_JAVA_OPTIONS:-} ${JAVA_TOOL_OPTIONS:-}"; then
        # JDK 24+ may then be unable to place the AOT cache's archived objects (-Xmn as large as the
        # initial heap leaves them no room), and that is no warning but "Error occurred during
        # initialization of VM": the command would not start at all. It runs without the cache instead.
        :
    else
        if [ "$wok_cache_tag" = aot ]; then
            wok_cache_flags="-XX:AOTCache=$wok_cache_file"
        else
            wok_cache_flags="-XX:SharedArchiveFile=$wok_cache_file"
        fi
        # Whatever the JVM finds wrong with the cache goes to the log (not to the command's output), and
        # the next start sees it there. The JVM will not start at all if it cannot open that log, so
        # where it cannot be written (an install another user owns) the JVM says nothing instead.
        # Options the user adds can make the JVM refuse a cache trained without them (JDK 25 refuses one
        # for a module added at run time, as -XX:StartFlightRecording does); a cache made again would be
        # refused again, so while they are set the complaint is not kept and nothing is remade for it.
        if [ -z "$wok_user_opts" ] && { [ -w "$wok_cache_log" ] || { [ ! -e "$wok_cache_log" ] && [ -w "$wok_cache_dir" ]; }; }; then
            wok_cache_flags="$wok_cache_flags -Xlog:$wok_cache_tag*=warning:file=$wok_cache_log::filecount=0"
        fi
        wok_cache_flags="$wok_cache_flags -Xlog:$wok_cache_tag*=off:stdout"
    fi
}

# True when one of JVM options $1 (split as the launchers split them) reshapes the heap or changes its
# collector or its object layout. The serial collector is the one the caches are made with.
wok_reshapes_heap() {
    for wok_option in $1; do
        case $wok_option in
            -XX:+UseSerialGC) ;;
            -Xmn*|-Xms*|-XX:NewSize=*|-XX:MaxNewSize=*|-XX:NewRatio=*|-XX:InitialHeapSize=*|-XX:MinHeapSize=*) return 0 ;;
            -XX:+Use*GC|-XX:[+-]UseCompressedOops|-XX:[+-]UseCompressedClassPointers|-XX:ObjectAlignmentInBytes=*) return 0 ;;
        esac
    done
    return 1
}

# Starts wok-cache in the background unless one is at work already (a lock directory), after saying why
# on stderr. Where the cache directory cannot be written (an install owned by another user), does nothing.
wok_cache_remake() {
    mkdir -p "$wok_cache_dir" 2>/dev/null && [ -w "$wok_cache_dir" ] || return 0
    # A training that failed for these jars is not tried again on every command: only once they change
    # (or by running wok-cache by hand). Its reason is in making.log.
    if [ -f "$wok_cache_dir/making.failed" ] && ! [ "$wok_cache_jar" -nt "$wok_cache_dir/making.failed" ]; then
        return 0
    fi
    if ! mkdir "$wok_cache_dir/making" 2>/dev/null; then
        # A lock left by a training run that was killed: ignore it after ten minutes.
        [ -n "$(find "$wok_cache_dir/making" -maxdepth 0 -mmin +10 2>/dev/null)" ] || return 0
        rm -rf "$wok_cache_dir/making"
        mkdir "$wok_cache_dir/making" 2>/dev/null || return 0
    fi
    echo "$wok_name: $1; making it in the background (see $wok_cache_dir/making.log)" >&2
    # In a subshell, so that it is not a child of the java this launcher becomes (which would never reap it).
    (WOK_CACHE_LOCK=$wok_cache_dir/making WOK_CACHE_FAILED=$wok_cache_dir/making.failed \
        nohup sh "$wok_here/wok-cache" >"$wok_cache_dir/making.log" 2>&1 </dev/null &)
}

# Sets wok_native_flags so that wokd loads sqlite-jdbc's and Netty's native libraries from the copies
# wok-cache made beside the daemon's cache (dev.wok.daemon.lifecycle.NativeLibraries) instead of
# extracting them into /tmp at every start, when they are there and not older than the jars. Either
# library is extracted as before when its copy cannot be loaded.
wok_use_natives() {
    wok_native_flags=
    [ -z "${WOK_NO_CACHE:-}" ] || return 0
    wok_cache_paths daemon
    wok_native_dir=$wok_cache_dir/native
    [ -f "$wok_native_dir/libsqlitejdbc.so" ] && ! [ "$wok_cache_jar" -nt "$wok_native_dir" ] || return 0
    wok_native_flags="-Djava.library.path=$wok_native_dir -Dorg.sqlite.lib.path=$wok_native_dir -Dorg.sqlite.lib.name=libsqlitejdbc.so"
}
