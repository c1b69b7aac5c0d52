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

# Sets wok_major to the major version of the JDK at home $1, read from its 'release' file (no JVM start).
wok_release_major() {
    wok_major=
    [ -f "$1/release" ] || return 1
    while IFS= read -r wok_line; do
        case $wok_line in
            JAVA_VERSION=*)
                wok_major=${wok_line#JAVA_VERSION=\"}
                wok_major=${wok_major%%[!0-9]*}
                [ -n "$wok_major" ] && return 0
                return 1 ;;
        esac
    done < "$1/release"
    return 1
}

# Considers the JDK at home $1: keeps it in wok_java/wok_java_major if it is 17+ and newer than the best so far.
wok_consider() {
    [ -x "$1/bin/java" ] || return 0
    wok_release_major "$1" || return 0
    if [ "$wok_major" -ge 17 ] && [ "$wok_major" -gt "${wok_java_major:-0}" ]; then
        wok_java=$1/bin/java
        wok_java_major=$wok_major
    fi
}

# Sets wok_java and wok_java_major: $WOK_JAVA if set, else the JDK the installer chose, else the newest
# JDK 17+ among $JAVA_HOME, /usr/lib/jvm/*, macOS's JavaVirtualMachines and the java on PATH.
wok_find_java() {
    wok_java=
    wok_java_major=
    if [ -n "${WOK_JAVA:-}" ]; then
        [ -x "$WOK_JAVA" ] || wok_die "WOK_JAVA=$WOK_JAVA is not an executable java"
        wok_java=$WOK_JAVA
        wok_release_major "$(dirname "$(dirname "$wok_java")")" && wok_java_major=$wok_major
        wok_flags_for_java
        return 0
    fi
    if [ -f "$wok_here/../java.path" ]; then
        read -r wok_java < "$wok_here/../java.path"
        if [ -x "$wok_java" ]; then
            wok_release_major "${wok_java%/bin/java}" && wok_java_major=$wok_major
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
}

# Start-up flags for short-lived client commands: no JIT tiers past C1, small serial GC.
wok_client_flags="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto"
# The daemon lives long and stays small.
wok_daemon_flags="-XX:+UseSerialGC -Xms16m -Xmx256m -XX:-UsePerfData -Xss512k -XX:+ExitOnOutOfMemoryError"
