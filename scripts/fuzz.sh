#!/usr/bin/env bash
# Runs fairkit's cargo-fuzz targets one after another, each for a fixed time, and prints one
# summary line per target (executions, seconds, coverage, corpus, findings). See fuzz/README.md.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]    # default: 600 s for each of the five targets
#   scripts/fuzz.sh --replay [TARGET...]     # run every committed seed once (a quick check)
#
# Variables: FUZZ_NICE (niceness, default 19), FUZZ_ASAN=1 (AddressSanitizer on; default off),
# CARGO_FUZZ (the cargo-fuzz command, default `cargo fuzz`).
#
# Exit status: 0 when no target found anything, 1 when one crashed, hung or ran out of memory
# (the input is in fuzz/artifacts/TARGET/), 2 on a usage or build error.
set -uo pipefail

ALL_TARGETS=(csv_encoder events saved_model experiment_toml gate_toml)
seconds=600
replay=0
if [[ ${1:-} == --replay ]]; then
    replay=1
    shift
elif [[ ${1:-} =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
elif [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
    if [[ ! " ${ALL_TARGETS[*]} " == *" $t "* ]]; then
        echo "fuzz.sh: unknown target '$t' (one of: ${ALL_TARGETS[*]})" >&2
        exit 2
    fi
done

cd "$(dirname "$0")/../fuzz" || exit 2
read -r -a cargo_fuzz <<<"${CARGO_FUZZ:-cargo fuzz}"
if ! "${cargo_fuzz[@]}" --version >/dev/null 2>&1; then
    echo "fuzz.sh: cargo-fuzz is missing; install it with: cargo install cargo-fuzz" >&2
    exit 2
fi
# cargo-fuzz passes nightly-only rustc flags; RUSTC_BOOTSTRAP lets a stable toolchain take them.
export RUSTC_BOOTSTRAP=1
sanitizer=(-s none)
[[ ${FUZZ_ASAN:-0} == 1 ]] && sanitizer=()
nice_cmd=(nice -n "${FUZZ_NICE:-19}")

# Builds every target (release, debug assertions on, so integer overflow panics).
"${nice_cmd[@]}" "${cargo_fuzz[@]}" build -a "${sanitizer[@]}" || exit 2

mkdir -p logs
status=0
printf '%-16s %10s %8s %6s %7s %7s  %s\n' target execs seconds cov ft corpus findings
for t in "${targets[@]}"; do
    max_len=8192
    [[ $t == saved_model ]] && max_len=16384
    mkdir -p "corpus/$t" "artifacts/$t"
    before=$(ls "artifacts/$t" | wc -l)
    log="logs/$t.log"
    if [[ $replay == 1 ]]; then
        # Every seed once, in this process: a crash fails at once.
        "${nice_cmd[@]}" "${cargo_fuzz[@]}" run -a "${sanitizer[@]}" "$t" "seeds/$t" -- \
            -runs=0 -max_len=$max_len -timeout=10 -print_final_stats=1 >"$log" 2>&1
        rc=$?
    else
        # -jobs=1: one worker whose output goes to fuzz-0.log (copied to logs/TARGET.log).
        rm -f fuzz-0.log
        timeout $((seconds + 600)) "${nice_cmd[@]}" "${cargo_fuzz[@]}" run -a "${sanitizer[@]}" \
            "$t" "corpus/$t" "seeds/$t" -- \
            -max_total_time="$seconds" -max_len=$max_len -timeout=10 -rss_limit_mb=2048 \
            -jobs=1 -print_final_stats=1 >"logs/$t.out" 2>&1
        rc=$?
        [[ -f fuzz-0.log ]] && mv fuzz-0.log "$log"
    fi
    after=$(ls "artifacts/$t" | wc -l)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED)' "$log" | tail -1)
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    if [[ -z $secs ]]; then
        # Stopped by a finding: about executions / average rate.
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
        [[ -n $execs && ${rate:-0} -gt 0 ]] && secs="~$((execs / rate))"
    fi
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
    corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$done_line")
    if [[ $rc -ne 0 || $after -gt $before ]]; then
        findings="FOUND (exit $rc): $(ls -t "artifacts/$t" | head -1) -- see fuzz/$log"
        status=1
    else
        findings=none
    fi
    printf '%-16s %10s %8s %6s %7s %7s  %s\n' "$t" "${execs:--}" "${secs:--}" "${cov:--}" \
        "${ft:--}" "${corp:--}" "$findings"
done
exit $status
