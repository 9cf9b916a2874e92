#!/usr/bin/env bash
# benches/metrics_bench.sh BIN_DIR REPS (run in the VM by `benches/run
# --only metrics`): a table of 1,000 services with 10 destinations each
# (NAT, loaded with `rvsadm -R`), then the time of a read of it with
# counters and its encoding (examples/metrics_scrape --kernel), and of
# `rvsadm metrics` as a whole process.
set -euo pipefail
bin=$1 reps=$2
rules=$(mktemp)
awk 'BEGIN {
    for (i = 0; i < 1000; i++) {
        vip = sprintf("10.0.%d.%d:80", int(i / 250), i % 250 + 1)
        printf "-A -t %s -s rr\n", vip
        for (j = 0; j < 10; j++) {
            k = i * 10 + j
            printf "-a -t %s -r 172.16.%d.%d:80 -m -w 1\n", vip, int(k / 250), k % 250 + 1
        }
    }
}' > "$rules"
"$bin/rvsadm" -C
"$bin/rvsadm" -R < "$rules"
"$bin/metrics_scrape" --kernel --reps "$reps"
times=()
for _ in $(seq "$reps"); do
    start=$(date +%s%N)
    "$bin/rvsadm" metrics > /dev/null
    times+=($(( ($(date +%s%N) - start) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "rvsadm metrics (process) of 10000 destinations, $reps reps: min ${sorted[0]} ms, median ${sorted[$((reps / 2))]} ms, max ${sorted[$((reps - 1))]} ms"
"$bin/rvsadm" -C
rm -f "$rules"
