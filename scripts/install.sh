#!/bin/sh
# Installs wok from this source tree: jars and launchers under PREFIX/lib/wok, commands linked into
# PREFIX/bin (wok, wokd, wok-relay, wok-local-sync).
#   sh scripts/install.sh [--prefix DIR] [--service]  install (default prefix: ~/.local); --service also runs
#                                                     'wokd install-service --now' (systemd user units or launchd)
#   sh scripts/install.sh --uninstall [--prefix DIR]  remove exactly what an install put there (the service too)
# Builds the jars first when they are missing. Picks the newest JDK 17+ it finds, as the launchers do.
set -eu

prefix=${HOME}/.local
action=install
service=0
while [ $# -gt 0 ]; do
    case $1 in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
                  prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        --uninstall) action=uninstall; shift ;;
        --service) service=1; shift ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown option '$1'; try --help" >&2; exit 2 ;;
    esac
done

dest=$prefix/lib/wok
commands="wok wokd wok-relay wok-local-sync"

if [ "$action" = uninstall ]; then
    removed=0
    # The service first, while its wokd is still there to remove it.
    if [ -x "$dest/bin/wokd" ]; then
        "$dest/bin/wokd" uninstall-service || echo "install.sh: could not remove the service; see above" >&2
    fi
    for link in $prefix/share/bash-completion/completions/wok $prefix/share/bash-completion/completions/wokd; do
        if [ -L "$link" ]; then
            case $(readlink "$link") in
                "$dest"/*) rm -f "$link"; echo "removed $link" ;;
            esac
        fi
    done
    for command in $commands; do
        link=$prefix/bin/$command
        if [ -L "$link" ]; then
            case $(readlink "$link") in
                "$dest"/*) rm -f "$link"; echo "removed $link"; removed=1 ;;
                *) echo "kept $link: it does not point into $dest" ;;
            esac
        fi
    done
    if [ -d "$dest" ]; then
        rm -rf "$dest"
        echo "removed $dest"
        removed=1
    fi
    [ "$removed" = 1 ] || echo "nothing of wok's is installed under $prefix"
    echo "your data is untouched: ~/.local/state/wok (or \$WOK_HOME) and ~/.config/wok"
    exit 0
fi

root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$root/cli/target/wok-cli.jar" ] || [ ! -f "$root/daemon/target/wok-daemon.jar" ] \
        || [ ! -f "$root/relay/target/wok-relay.jar" ]; then
    echo "building wok (jars missing)..."
    (cd "$root" && ./mvnw -q -B package -DskipTests)
fi

# The same choice the launchers make from a source tree: the newest JDK 17+.
wok_name=install.sh
wok_here=$root/scripts
unset WOK_JAVA
. "$root/scripts/wok-launcher.sh"
wok_find_java

rm -rf "$dest.new"
mkdir -p "$dest.new/bin" "$dest.new/cli" "$dest.new/daemon" "$dest.new/relay" "$prefix/bin"
cp "$root/cli/target/wok-cli.jar" "$root"/cli/target/lib/*.jar "$dest.new/cli/"
cp "$root/daemon/target/wok-daemon.jar" "$root"/daemon/target/lib/*.jar "$dest.new/daemon/"
cp "$root/relay/target/wok-relay.jar" "$root"/relay/target/lib/*.jar "$dest.new/relay/"
cp "$root/scripts/wok" "$root/scripts/wokd" "$root/scripts/wok-relay" "$root/scripts/local-sync" \
   "$root/scripts/wok-cache" "$root/scripts/wok-launcher.sh" "$dest.new/bin/"
chmod 755 "$dest.new/bin/wok" "$dest.new/bin/wokd" "$dest.new/bin/wok-relay" "$dest.new/bin/local-sync" \
    "$dest.new/bin/wok-cache"
echo "$wok_java" > "$dest.new/java.path"
rm -rf "$dest"
mv "$dest.new" "$dest"
for command in wok wokd wok-relay; do
    ln -sfn "$dest/bin/$command" "$prefix/bin/$command"
done
ln -sfn "$dest/bin/local-sync" "$prefix/bin/wok-local-sync"

# The JVM start-up caches, made for the installed jars where they now are (the cache names them).
if ! sh "$dest/bin/wok-cache"; then
    echo "install.sh: could not make the start-up caches; commands work without them, only slower" >&2
fi

# Shell completion, generated from the commands themselves (picocli): bash loads it on demand from
# share/bash-completion/completions; zsh can use the same script through bashcompinit.
mkdir -p "$dest/completion" "$prefix/share/bash-completion/completions"
for command in wok wokd; do
    if "$dest/bin/$command" generate-completion > "$dest/completion/$command.bash" 2>/dev/null; then
        ln -sfn "$dest/completion/$command.bash" "$prefix/share/bash-completion/completions/$command"
    else
        echo "install.sh: could not generate the $command completion; commands work without it" >&2
    fi
done

echo "installed wok in $dest (java $wok_java_major: $wok_java)"
if [ "$service" = 1 ]; then
    "$dest/bin/wokd" install-service --now || { echo "install.sh: wok is installed, but not as a service; see above" >&2; exit 1; }
fi
echo "commands in $prefix/bin: $commands"
echo "completion: bash loads $prefix/share/bash-completion/completions/wok by itself; for zsh add to ~/.zshrc:"
echo "  autoload -U +X bashcompinit && bashcompinit && source $dest/completion/wok.bash && source $dest/completion/wokd.bash"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "add $prefix/bin to your PATH to run them" ;;
esac
