#!/usr/bin/env bash
# Checks that `cargo run --release` and `cargo test --release --workspace` build every shared
# dependency with the same features, so that the second command reuses the first one's build.
#
# cargo builds a package again when its feature set differs, and then everything above it. The
# test build adds the dev-dependencies (criterion, proptest), which may turn on features of
# packages the binary uses too; the root Cargo.toml asks for those features itself (see
# "Feature unification" there). This script lists each package with its features for both
# builds and fails, naming the package, when one is built with two feature sets.
#
# Usage: scripts/check_feature_unification.sh   (from anywhere in the repository; needs no
# network once the dependencies are in cargo's cache)
set -euo pipefail
cd "$(dirname "$0")/.."

features() {
    cargo tree "$@" -f '{p} {f}' --prefix none \
        | sed -e 's/ (\*)$//' -e 's/ (proc-macro)//' \
        | grep -v '^$' \
        | sort -u
}

run=$(features -p fairkit -e normal,build)
test=$(features --workspace -e normal,build,dev)

# Each package (name@version) with the feature sets it is built with, joined by ';' (a package
# can be built twice, for the host and for the target).
sets() {
    awk '{print $1 "@" $2, "[" $3 "]"}' \
        | sort -u \
        | awk '{if ($1 in a) a[$1] = a[$1] ";" $2; else a[$1] = $2} END {for (k in a) print k, a[k]}' \
        | sort
}

# A package listed on both sides with different feature sets.
drift=$(join -j 1 <(echo "$run" | sets) <(echo "$test" | sets) \
    | awk '$2 != $3 {print "  " $1 ": run " $2 ", test " $3}')

if [ -n "$drift" ]; then
    echo "these packages are built with other features by the test build, so 'cargo test" >&2
    echo "--release --workspace' would build them (and everything above them) a second time:" >&2
    echo "$drift" >&2
    echo "ask for the test build's features in the root Cargo.toml (Feature unification)." >&2
    exit 1
fi
echo "feature unification: every dependency of 'cargo run --release' is built once"
