#!/usr/bin/env bash
# End-to-end time of `fairkit assess` on a large CSV (default 1,000,000 rows).
#
# Writes the built-in biased-credit scenario (`fairkit simulate`) with a deterministic
# prediction column `pred` (the label, flipped on about one row in five) to a scratch folder,
# then runs `fairkit assess` on it under /usr/bin/time -v (wall time and peak RSS), as table
# and as JSON. The CSV is not kept in the repository.
#
# Usage: scripts/assess_1m.sh [ROWS] [RUNS]     (run from the repository root)
set -euo pipefail
rows=${1:-1000000}
runs=${2:-3}
dir=${TMPDIR:-/tmp}/fairkit-assess-$rows
mkdir -p "$dir"
cargo build --release --bin fairkit
bin=target/release/fairkit
csv=$dir/predictions.csv
if [ ! -s "$csv" ]; then
  "$bin" simulate --rows "$rows" --seed 1 --out "$dir/sim.csv"
  # Column 7 is the label `approved`.
  awk -F, 'BEGIN { OFS = "," }
    NR == 1 { print $0, "pred"; next }
    { p = $7; if ((NR * 2654435761) % 97 < 19) p = 1 - p; print $0, p }' \
    "$dir/sim.csv" > "$csv"
  rm "$dir/sim.csv"
fi
ls -l "$csv"
for format in table json; do
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "$format: wall %e s, user %U s, sys %S s, peak RSS %M KiB" \
      "$bin" assess --data "$csv" --label approved --pred pred --sensitive group \
      --format "$format" > /dev/null
  done
done
