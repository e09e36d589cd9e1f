#!/usr/bin/env bash
# Regenerates the golden files of the format-stability tests (tests/golden.rs):
#
#   tests/data/golden/train.csv, rows.csv    the data (the built-in scenario, small)
#   tests/data/golden/models/NAME.json       a saved model per method family (`--save-model`)
#   tests/data/golden/predictions/NAME.csv   `fairkit predict` of rows.csv with that model
#   tests/data/golden/experiment.toml        a small deterministic comparison (kept as is)
#   tests/data/golden/results.json           its `results.json` (timings are not compared)
#
# Run it only when a serialized shape changed on purpose: bump MODEL_VERSION in
# crates/harness/src/model.rs first when a saved model's shape changes, note the change in
# CHANGELOG.md, then regenerate and commit the goldens together with the change.
#
# Usage: scripts/golden.sh      (from the repository root)
#   FAIRKIT   the fairkit binary to run (default: build and use target/release/fairkit)
set -euo pipefail
if [ -z "${FAIRKIT:-}" ]; then
  cargo build --release --bin fairkit
  FAIRKIT=target/release/fairkit
fi
dir=tests/data/golden
mkdir -p "$dir/models" "$dir/predictions"
"$FAIRKIT" simulate --rows 240 --seed 11 --out "$dir/train.csv"
# The rows to predict: other draws of the same scenario, labels dropped.
"$FAIRKIT" simulate --rows 30 --seed 12 \
  | cut -d, -f1-6 > "$dir/rows.csv"
# One model per method family: the learners (logistic, tree, boosting), the reductions
# (exponentiated gradient, grid search), post-processing (threshold, reject option, equalized
# odds, calibrated equalized odds), pre-processing (reweighing, disparate-impact remover,
# correlation remover, massaging; LFR with its own labels) and in-processing (prejudice
# remover, GerryFair, adversarial debiasing: estimator `own`, they fit their own learner, so no
# --estimator is passed and the file is named after the method).
models="baseline:logistic baseline:tree baseline:boosting expgrad-dp:logistic
  gridsearch-eo:logistic threshold-eo:logistic reweighing:logistic di-remover:logistic
  correlation-remover:tree reject-option:logistic eq-odds:logistic calibrated-eq-odds:logistic
  prejudice-remover:own gerryfair:own adversarial:own massaging:logistic lfr:own"
for entry in $models; do
  method=${entry%%:*}
  estimator=${entry##*:}
  if [ "$estimator" = own ]; then
    name=$method
    set --
  else
    name=$method-$estimator
    set -- --estimator "$estimator"
  fi
  "$FAIRKIT" mitigate --method "$method" "$@" \
    --data "$dir/train.csv" --label approved --sensitive group --seed 3 \
    --save-model "$dir/models/$name.json" > /dev/null
  "$FAIRKIT" predict --model "$dir/models/$name.json" --data "$dir/rows.csv" --seed 5 \
    --out "$dir/predictions/$name.csv"
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$FAIRKIT" compare --config "$dir/experiment.toml" --out "$out/run" --quiet > /dev/null
cp "$out/run/results.json" "$dir/results.json"
echo "wrote the goldens under $dir"
