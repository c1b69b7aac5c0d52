# Shared by the wok, wokd and wok-relay launchers (sourced, not run).
# Finds the jars relative to the launcher (an install or a source tree) and picks the java to exec.

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

# Sets wok_java: $WOK_JAVA, else the JDK the installer chose, else $JAVA_HOME, else java on PATH.
wok_find_java() {
    if [ -n "${WOK_JAVA:-}" ]; then
        wok_java=$WOK_JAVA
    elif [ -f "$wok_here/../java.path" ]; then
        wok_java=$(cat "$wok_here/../java.path")
    elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        wok_java=$JAVA_HOME/bin/java
    else
        wok_java=$(command -v java) || wok_die "no java found: install a JDK 17 or newer, or set WOK_JAVA"
    fi
    [ -x "$wok_java" ] || wok_die "java at $wok_java is not executable; set WOK_JAVA to a JDK 17+ java"
}

# Start-up flags for short-lived client commands: no JIT tiers past C1, small serial GC.
wok_client_flags="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto"
# The daemon lives long and stays small.
wok_daemon_flags="-XX:+UseSerialGC -Xms16m -Xmx256m -XX:-UsePerfData -Xss512k -XX:+ExitOnOutOfMemoryError"
