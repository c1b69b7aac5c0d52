#!/bin/sh
# soak.sh: wok under a steady, modest load for a long time, to show that nothing grows.
#   bench/soak.sh [DURATION_SECONDS] [OUT_DIR]     (default 3600 s, a new directory under /tmp)
#   SOAK_RELAY_RESTART=600  restart the relay every N seconds (default 600)
#   SOAK_PUSH_INTERVAL=1    seconds between each pusher's ops (default 1; two pushers)
# A relay and two daemons (A and B, both synced with it) on temporary WOK_HOMEs and a loopback port;
# two clients push ops to A and B, a third runs 'wok log --follow' on B, a fourth 'wok status --watch' on A.
# Every 10 s it samples each process's RSS, heap used after a GC (jcmd), open fds and threads, and the
# latency of 'wok ping' on A, into samples.csv; at the end it draws soak.svg and prints a verdict: the
# slope of RSS and fds over the second half, per hour. A 24 h run: bench/soak.sh 86400.
set -eu
duration=${1:-3600}
out=${2:-$(mktemp -d "${TMPDIR:-/tmp}/wok-soak.XXXXXX")}
restart_every=${SOAK_RELAY_RESTART:-600}
push_interval=${SOAK_PUSH_INTERVAL:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
scripts=$root/scripts
mkdir -p "$out"
[ -f "$root/daemon/target/wok-daemon.jar" ] || (cd "$root" && ./mvnw -q -B package -DskipTests)
wok_name=soak
wok_here=$scripts
. "$scripts/wok-launcher.sh"
wok_find_java
jcmd=$(dirname "$wok_java")/jcmd

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
relay_data=$out/relay-data
home_a=$out/home-a
home_b=$out/home-b
mkdir -p "$home_a" "$home_b"
chmod 700 "$home_a" "$home_b"
for home in "$home_a" "$home_b"; do
    # autostart off: a client still running when the soak ends must not start a daemon again after
    # cleanup stopped it (one did: a wokd left running on home-a after a one-hour run).
    printf '[upstream]\nurl = "ws://127.0.0.1:%s/sync"\n[daemon]\nautostart = false\n' "$port" > "$home/config.toml"
done

pids=
relay_pid=
cleanup() {
    for pid in $pids $relay_pid; do kill "$pid" 2>/dev/null || true; done
    WOK_HOME=$home_a "$scripts/wokd" stop >/dev/null 2>&1 || true
    WOK_HOME=$home_b "$scripts/wokd" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

start_relay() {
    "$scripts/wok-relay" --bind "127.0.0.1:$port" --data "$relay_data" >>"$out/relay.out" 2>&1 &
    relay_pid=$!
}
start_relay
WOK_HOME=$home_a "$scripts/wokd" start >/dev/null
WOK_HOME=$home_b "$scripts/wokd" start >/dev/null
WOK_HOME=$home_a "$scripts/wok" status --wait connected --timeout 30s >/dev/null
WOK_HOME=$home_b "$scripts/wok" status --wait connected --timeout 30s >/dev/null
pid_a=$(cat "$home_a/wokd.lock")
pid_b=$(cat "$home_b/wokd.lock")

pusher() { # $1 home, $2 name
    n=0
    while :; do
        n=$((n + 1))
        WOK_HOME=$1 "$scripts/wok" push "{\"from\":\"$2\",\"n\":$n,\"pad\":\"soak-soak-soak-soak-soak-soak-soak-soak\"}" >/dev/null 2>&1 || true
        sleep "$push_interval"
    done
}
pusher "$home_a" a & pids="$pids $!"
pusher "$home_b" b & pids="$pids $!"
WOK_HOME=$home_b "$scripts/wok" log --follow >/dev/null 2>&1 & pids="$pids $!"
WOK_HOME=$home_a "$scripts/wok" status --watch >/dev/null 2>&1 & pids="$pids $!"

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
threads() { awk '/^Threads/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
heap_kib() { # used heap after a full GC, in KiB
    "$jcmd" "$1" GC.run >/dev/null 2>&1 || true
    "$jcmd" "$1" GC.heap_info 2>/dev/null | awk '/ total .*, used / {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i+1); gsub(/[^0-9]/, "", v); sum += v}} END {print sum + 0}'
}
ping_ms() {
    WOK_HOME=$home_a "$scripts/wok" ping 2>/dev/null | sed -n 's/.* in \([0-9.]*\) ms.*/\1/p'
}

echo "t_s,a_rss_kib,a_heap_kib,a_fds,a_threads,b_rss_kib,b_fds,relay_rss_kib,relay_fds,ping_ms" > "$out/samples.csv"
started=$(date +%s)
last_restart=$started
echo "soak: $duration s, samples in $out/samples.csv (relay on 127.0.0.1:$port, restarted every $restart_every s)"
while :; do
    now=$(date +%s)
    t=$((now - started))
    [ "$t" -le "$duration" ] || break
    if [ $((now - last_restart)) -ge "$restart_every" ]; then
        kill "$relay_pid" 2>/dev/null || true
        wait "$relay_pid" 2>/dev/null || true
        start_relay
        last_restart=$now
    fi
    echo "$t,$(rss_kib "$pid_a"),$(heap_kib "$pid_a"),$(fds "$pid_a"),$(threads "$pid_a"),$(rss_kib "$pid_b"),$(fds "$pid_b"),$(rss_kib "$relay_pid"),$(fds "$relay_pid"),$(ping_ms)" >> "$out/samples.csv"
    sleep 10
done

# The picture: one line per series, each scaled to its own maximum (the legend gives the range).
awk -F, -v out="$out/soak.svg" '
NR == 1 { for (i = 1; i <= NF; i++) name[i] = $i; cols = NF; next }
{ n++; for (i = 1; i <= cols; i++) v[n, i] = $i + 0; if ($1 + 0 > tmax) tmax = $1 + 0
  for (i = 2; i <= cols; i++) { if (v[n, i] > max[i]) max[i] = v[n, i]; if (n == 1 || v[n, i] < min[i]) min[i] = v[n, i] } }
END {
  w = 900; h = 400; split("#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #bcbd22", colour, " ")
  printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n", w + 260, h + 40 > out
  printf "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n", w + 260, h + 40 > out
  printf "<text x=\"10\" y=\"%d\">0 s</text><text x=\"%d\" y=\"%d\">%d s</text>\n", h + 30, w - 40, h + 30, tmax > out
  for (i = 2; i <= cols; i++) {
    pts = ""
    for (k = 1; k <= n; k++) pts = pts sprintf("%.1f,%.1f ", 10 + (tmax ? v[k, 1] / tmax : 0) * (w - 20), h - (max[i] ? v[k, i] / max[i] : 0) * (h - 20))
    printf "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>\n", colour[i - 1], pts > out
    printf "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s: %g to %g</text>\n", w + 10, 20 + (i - 2) * 18, colour[i - 1], name[i], min[i], max[i] > out
  }
  print "</svg>" > out
}' "$out/samples.csv"

# Verdict: least-squares slope over the second half, per hour.
awk -F, '
NR > 1 { n++; t[n] = $1; a[n] = $2; af[n] = $4; r[n] = $8 }
END {
  if (n < 4) { print "soak: too few samples for a verdict"; exit }
  for (s = 1; s <= 3; s++) {
    sx = sy = sxx = sxy = m = 0
    for (k = int(n / 2) + 1; k <= n; k++) { x = t[k]; y = (s == 1 ? a[k] : s == 2 ? af[k] : r[k]); m++; sx += x; sy += y; sxx += x * x; sxy += x * y }
    slope = (m * sxy - sx * sy) / (m * sxx - sx * sx) * 3600
    label = (s == 1 ? "wokd A RSS (KiB/h)" : s == 2 ? "wokd A fds (/h)" : "relay RSS (KiB/h)")
    printf "soak: %s over the second half: %+.1f\n", label, slope
  }
}' "$out/samples.csv"
echo "soak: plot $out/soak.svg; samples $out/samples.csv"
