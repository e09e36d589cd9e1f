#!/usr/bin/env bash
# Regenerates docs/tradeoff.svg, the trade-off plot of `fairkit compare` with no arguments,
# and docs/tradeoff.png, its rendering at twice the size (shown in the README).
#
# Usage: scripts/docs_tradeoff.sh      (from the repository root)
#   FAIRKIT        the fairkit binary to run (default: build and use target/release/fairkit)
#   RSVG_CONVERT   the SVG renderer (default: rsvg-convert, Debian package librsvg2-bin)
set -euo pipefail
bin=${FAIRKIT:-}
if [ -z "$bin" ]; then
  cargo build --release --bin fairkit
  bin=target/release/fairkit
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" compare --out "$out" --quiet >/dev/null
cp "$out/tradeoff.svg" docs/tradeoff.svg
"${RSVG_CONVERT:-rsvg-convert}" --zoom 2 docs/tradeoff.svg -o docs/tradeoff.png
ls -l docs/tradeoff.svg docs/tradeoff.png
