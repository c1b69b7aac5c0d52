#!/bin/sh
# Installs wok from this source tree: jars and launchers under PREFIX/lib/wok, commands linked into PREFIX/bin.
#   sh scripts/install.sh [--prefix DIR]     (default prefix: ~/.local)
# Builds the jars first when they are missing. Picks the newest JDK it finds for the launchers.
set -eu

prefix=${HOME}/.local
while [ $# -gt 0 ]; do
    case $1 in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
                  prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown option '$1'; try --help" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$root/cli/target/wok-cli.jar" ] || [ ! -f "$root/daemon/target/wok-daemon.jar" ] \
        || [ ! -f "$root/relay/target/wok-relay.jar" ]; then
    echo "building wok (jars missing)..."
    (cd "$root" && ./mvnw -q -B package -DskipTests)
fi

# The newest java we can find: JAVA_HOME, JDKs under the usual roots, then the one on PATH.
java_major() {
    "$1" -version 2>&1 | sed -n '1s/.*version "\([0-9][0-9]*\).*/\1/p'
}
best_java=""
best_major=0
for candidate in "${JAVA_HOME:-/nonexistent}/bin/java" /usr/lib/jvm/*/bin/java \
                 /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java "$(command -v java || true)"; do
    [ -x "$candidate" ] || continue
    major=$(java_major "$candidate")
    [ -n "$major" ] || continue
    if [ "$major" -gt "$best_major" ]; then
        best_java=$candidate
        best_major=$major
    fi
done
[ "$best_major" -ge 17 ] || { echo "install.sh: wok needs a JDK 17 or newer; none found (set JAVA_HOME)" >&2; exit 1; }

dest=$prefix/lib/wok
rm -rf "$dest.new"
mkdir -p "$dest.new/bin" "$dest.new/cli" "$dest.new/daemon" "$dest.new/relay" "$prefix/bin"
cp "$root/cli/target/wok-cli.jar" "$root"/cli/target/lib/*.jar "$dest.new/cli/"
cp "$root/daemon/target/wok-daemon.jar" "$root"/daemon/target/lib/*.jar "$dest.new/daemon/"
cp "$root/relay/target/wok-relay.jar" "$root"/relay/target/lib/*.jar "$dest.new/relay/"
cp "$root/scripts/wok" "$root/scripts/wokd" "$root/scripts/wok-relay" "$root/scripts/wok-launcher.sh" "$dest.new/bin/"
chmod 755 "$dest.new/bin/wok" "$dest.new/bin/wokd" "$dest.new/bin/wok-relay"
echo "$best_java" > "$dest.new/java.path"
rm -rf "$dest"
mv "$dest.new" "$dest"
for command in wok wokd wok-relay; do
    ln -sfn "$dest/bin/$command" "$prefix/bin/$command"
done

echo "installed wok in $dest (java $best_major: $best_java)"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "add $prefix/bin to your PATH to run wok and wokd" ;;
esac
