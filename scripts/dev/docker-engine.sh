#!/bin/sh
# A Docker engine of its own for the container tests (e2e's SystemdServiceContainerTest), on a machine
# that has none running: Debian's dockerd, started by hand without bridge networking or iptables (neither
# is available in a sandbox like CI's), with vfs storage and all of its state under one directory.
#   sh scripts/dev/docker-engine.sh start    start one unless an engine already answers; prints the
#                                             environment to use (eval it), see 'env'
#   sh scripts/dev/docker-engine.sh env      prints DOCKER_HOST and the Testcontainers settings for the
#                                             engine that answers (exit 1 when none does)
#   sh scripts/dev/docker-engine.sh status   exit 0 when an engine answers (this one or another)
#   sh scripts/dev/docker-engine.sh stop     stops the engine this script started, by the pid in its pidfile
# State: ${WOK_DOCKER_ROOT:-/var/tmp/wok-docker} (images, containers, dockerd.log, dockerd.pid, docker.sock).
# When dockerd or debootstrap is missing and this runs as root, installs Debian's docker.io and debootstrap.
# Typical use:  eval "$(sh scripts/dev/docker-engine.sh start)"
#   ./mvnw -B -ntp verify -pl e2e -am -Dtest=SystemdServiceContainerTest -Dsurefire.failIfNoSpecifiedTests=false
set -eu

root=${WOK_DOCKER_ROOT:-/var/tmp/wok-docker}
sock=$root/docker.sock
pidfile=$root/dockerd.pid
log=$root/dockerd.log
# dockerd keeps containerd's sockets under the exec root, and a unix socket path must stay short.
exec_root=/run/wok-docker-$(printf %s "$root" | cksum | cut -d' ' -f1)

say() { echo "docker-engine: $*" >&2; }

answers() { # $1: a DOCKER_HOST
    DOCKER_HOST=$1 timeout 20 docker info >/dev/null 2>&1
}

# Prints the DOCKER_HOST of an engine that answers: $DOCKER_HOST, the system's socket, or ours.
reachable() {
    command -v docker >/dev/null 2>&1 || return 1
    if [ -n "${DOCKER_HOST:-}" ] && answers "$DOCKER_HOST"; then echo "$DOCKER_HOST"; return 0; fi
    if [ -S /var/run/docker.sock ] && answers unix:///var/run/docker.sock; then echo unix:///var/run/docker.sock; return 0; fi
    if [ -S "$sock" ] && answers "unix://$sock"; then echo "unix://$sock"; return 0; fi
    return 1
}

print_env() { # $1: a DOCKER_HOST
    echo "export DOCKER_HOST=$1"
    # No image can be pulled (no registry is reachable), so Testcontainers' reaper container (ryuk) cannot
    # start; and with no bridge network there is no gateway to find: containers are reached on localhost.
    echo "export TESTCONTAINERS_RYUK_DISABLED=true"
    echo "export TESTCONTAINERS_HOST_OVERRIDE=localhost"
}

running() { # whether process $1 exists and is not a zombie waiting to be reaped
    [ -r "/proc/$1/stat" ] || return 1
    state=$(sed 's/^.*) \([A-Za-z]\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

our_pid() { # prints the pid of the dockerd this script started, if it still runs
    [ -f "$pidfile" ] || return 1
    pid=$(cat "$pidfile" 2>/dev/null) || return 1
    [ -n "$pid" ] && running "$pid" || return 1
    # A stale pidfile whose number was reused by another process is not ours.
    case $(cat "/proc/$pid/comm" 2>/dev/null) in dockerd) echo "$pid" ;; *) return 1 ;; esac
}

install_tools() {
    missing=
    command -v dockerd >/dev/null 2>&1 || missing="$missing docker.io"
    command -v docker >/dev/null 2>&1 || case $missing in *docker.io*) ;; *) missing="$missing docker.io" ;; esac
    command -v debootstrap >/dev/null 2>&1 || missing="$missing debootstrap"
    [ -n "$missing" ] || return 0
    if [ "$(id -u)" != 0 ]; then
        say "missing:$missing, and not root to install them (apt-get install$missing)"
        return 1
    fi
    command -v apt-get >/dev/null 2>&1 || { say "missing:$missing, and no apt-get to install them"; return 1; }
    say "installing$missing"
    apt-get update -qq >&2 || true
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
}

start() {
    if host=$(reachable); then
        say "an engine answers at $host; using it"
        print_env "$host"
        return 0
    fi
    if pid=$(our_pid); then
        say "dockerd (pid $pid) runs but does not answer at unix://$sock; see $log, or stop it first"
        return 1
    fi
    install_tools
    [ "$(id -u)" = 0 ] || { say "dockerd needs root here (no rootless setup)"; return 1; }
    mkdir -p "$root/data" "$exec_root"
    rm -f "$sock" "$pidfile"
    say "starting dockerd (state in $root, log $log)"
    # setsid: the engine is not in the caller's process group, so a Ctrl-C or the end of the calling
    # shell does not take it down; 'stop' ends it by its pid.
    setsid dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
        --data-root "$root/data" --exec-root "$exec_root" --pidfile "$pidfile" \
        -H "unix://$sock" >"$log" 2>&1 </dev/null &
    launched=$!
    i=0
    while ! answers "unix://$sock"; do
        i=$((i + 1))
        if ! running "$launched"; then
            say "dockerd exited before it answered; the end of $log:"
            tail -n 20 "$log" >&2
            return 1
        fi
        if [ "$i" -ge 60 ]; then
            say "dockerd did not answer within a minute; stopping it (pid $launched). The end of $log:"
            tail -n 20 "$log" >&2
            kill "$launched" 2>/dev/null || true
            return 1
        fi
        sleep 1
    done
    say "dockerd (pid $(cat "$pidfile")) answers at unix://$sock"
    print_env "unix://$sock"
}

stop() {
    if ! pid=$(our_pid); then
        say "no dockerd of this script runs (pidfile $pidfile)"
        rm -f "$pidfile"
        return 0
    fi
    kill -TERM "$pid"
    i=0
    while running "$pid"; do
        i=$((i + 1))
        if [ "$i" -ge 60 ]; then
            say "dockerd (pid $pid) still runs 30 s after SIGTERM; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.5
    done
    say "stopped dockerd (pid $pid)"
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    env) host=$(reachable) || { say "no engine answers"; exit 1; }; print_env "$host" ;;
    status) host=$(reachable) || { say "no engine answers"; exit 1; }; say "an engine answers at $host" ;;
    *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
