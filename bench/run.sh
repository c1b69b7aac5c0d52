#!/bin/sh
# Builds wok and runs its benchmarks; results go to stdout as Markdown tables for docs/BENCHMARKS.md.
#   bench/run.sh [ipc|encode|startup|upstream|sync|burst|all] [seconds-per-load-run]
# (for burst: the seconds to watch memory after the burst, default 120)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./mvnw -q -B package -DskipTests
cp="$root/bench/target/wok-bench.jar:$root/bench/target/lib/*"
java=${WOK_JAVA:-java}
what=${1:-all}
seconds=${2:-5}
if [ "$what" = ipc ] || [ "$what" = all ]; then
    "$java" -XX:+UseSerialGC -Dwok.repo.root="$root" -cp "$cp" dev.wok.bench.IpcBench "$seconds"
fi
if [ "$what" = encode ] || [ "$what" = all ]; then
    "$java" -XX:+UseSerialGC -cp "$cp" dev.wok.bench.EncodeBench "$seconds"
fi
if [ "$what" = upstream ] || [ "$what" = all ]; then
    "$java" -XX:+UseSerialGC -Dwok.repo.root="$root" -cp "$cp" dev.wok.bench.UpstreamBench "$seconds"
fi
if [ "$what" = sync ] || [ "$what" = all ]; then
    "$java" -XX:+UseSerialGC -Dwok.repo.root="$root" -cp "$cp" dev.wok.bench.SyncBench "$seconds"
fi
if [ "$what" = burst ] || [ "$what" = all ]; then
    watch=120
    [ "$what" = burst ] && watch=${2:-120}
    "$java" -XX:+UseSerialGC -Dwok.repo.root="$root" -cp "$cp" dev.wok.bench.BurstBench "$watch"
fi
if [ "$what" = startup ] || [ "$what" = all ]; then
    "$java" -Dwok.repo.root="$root" -cp "$cp" dev.wok.bench.StartupBench 20
fi
