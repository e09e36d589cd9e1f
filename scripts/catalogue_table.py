"""The closing table of issue 15: fairkit's compare results next to AIF360 0.6.1's.

Usage (from the repository root; plain Python 3, no packages):

    python3 scripts/catalogue_table.py RESULTS_JSON AIF360_JSON

RESULTS_JSON is the results.json of a `fairkit compare` run on the prepared reference files
(the files AIF360 was run on), with every method family and the files' own split:

    P=../shared/reference/prepared
    fairkit compare --data $P/compas_train.csv --test $P/compas_test.csv --label label \
        --sensitive sensitive --no-standardize --fixed-split --methods LIST --out DIR
 AIF360_JSON is tests/data/aif360/<ds>.json (written by
scripts/aif360_reference.py). Prints one Markdown row per fairkit method: test accuracy and the
method's target disparity (mean over seeds of the expected metrics), AIF360's on the same files
(its 5-seed min-max where its result moves with the seed), and fit seconds on both sides
(fairkit: median wall `fit_seconds` of the compare rows; AIF360: median CPU and wall seconds of
its fit, from the JSON). Methods AIF360 does not have print "-" on its side.
"""
import json
import statistics
import sys

# fairkit method -> (target disparity key in fairkit rows, AIF360 lookup or None)
# AIF360 lookup: (path to the metrics dict, path to the timing dict, spread summary or None)
TARGET = {
    "eq-odds": "equalized_odds_difference",
    "threshold-eo": "equalized_odds_difference",
    "expgrad-eo": "equalized_odds_difference",
    "gridsearch-eo": "equalized_odds_difference",
    "calibrated-eq-odds": "equalized_odds_difference",
    "adversarial": "equalized_odds_difference",
    "gerryfair": "equalized_odds_difference",
}
AIF = {
    "eq-odds": (["eq_odds", "test_expected"], ["eq_odds", "timing"]),
    "calibrated-eq-odds": (
        ["calibrated_eq_odds", "variants", "weighted", "test_expected"],
        ["calibrated_eq_odds", "variants", "weighted", "timing"],
    ),
    "reject-option": (
        ["reject_option", "variants", "statistical_parity_difference", "test"],
        ["reject_option", "variants", "statistical_parity_difference", "timing"],
    ),
    "massaging": (["massaging", "relabelled_fit", "test"], ["massaging", "timing"]),
    "prejudice-remover": (
        ["prejudice_remover", "variants", "eta_1", "test"],
        ["prejudice_remover", "variants", "eta_1", "timing"],
    ),
    # GerryFair: the expected (soft) predictions of its mixture, as fairkit reports them.
    "gerryfair": (["gerryfair", "test_expected_soft"], ["gerryfair", "timing"]),
    "lfr": (["lfr", "summary"], ["lfr", "timing"]),
    "adversarial": (["adversarial", "summary"], ["adversarial", "timing"]),
}


def dig(obj, path):
    for key in path:
        obj = obj[key]
    return obj


def aif_side(aif, method, target):
    if method not in AIF:
        return "-", "-"
    metrics_path, timing_path = AIF[method]
    metrics = dig(aif, metrics_path)
    timing = dig(aif, timing_path)
    if "test_accuracy" in metrics:  # a 5-seed summary: min-max
        acc = metrics["test_accuracy"]
        disp = metrics.get("test_" + target) or metrics["test_demographic_parity_difference"]
        text = f"{acc['min']:.3f}-{acc['max']:.3f} / {disp['min']:.3f}-{disp['max']:.3f}"
    else:
        text = f"{metrics['accuracy']:.3f} / {abs(metrics[target]):.3f}"
    cpu = timing["cpu_seconds_median"]
    wall = timing["fit_seconds_median"]
    return text, f"{cpu:.3g} CPU ({wall:.3g} wall)"


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    results = json.load(open(argv[1]))
    aif = json.load(open(argv[2]))
    rows = {}
    for row in results["results"]:
        rows.setdefault(row["method"], []).append(row)
    print("| method | fairkit acc / disparity (target) | AIF360 acc / disparity | fairkit fit s | AIF360 fit s |")
    print("|---|---|---|---|---|")
    for method, group in rows.items():
        target = TARGET.get(method, "demographic_parity_difference")
        acc = statistics.mean(r["expected"]["accuracy"] for r in group)
        disp = statistics.mean(r["expected"][target] for r in group)
        fit = statistics.median(r["fit_seconds"] for r in group)
        aif_text, aif_time = aif_side(aif, method, target)
        short = "DP" if target.startswith("demographic") else "EO"
        print(f"| {method} | {acc:.3f} / {disp:.3f} ({short}) | {aif_text} | {fit:.3g} | {aif_time} |")


if __name__ == "__main__":
    main(sys.argv)
