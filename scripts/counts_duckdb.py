"""Runs the SQL of `fairkit assess --emit-sql` in DuckDB on simulated rows and checks that
`fairkit assess --counts` on DuckDB's output reports what `fairkit assess --data` reports on the
rows (docs/counts.md), without and with weights and with bootstrap intervals. Not run by CI.

Usage (the interpreter and the binary come from the caller; never fixed paths):

    $PYTHON scripts/counts_duckdb.py FAIRKIT [--rows 200000] [--seed 7]

`$PYTHON` is any Python 3 with DuckDB installed (`python3 -m venv $VENV; $VENV/bin/pip install
duckdb`). FAIRKIT is the binary (`cargo build --release --bin fairkit`, then
target/release/fairkit). Prints one line per check and exits 1 if a value differs by more than
1e-12 (relative above 1).
"""

import argparse
import json
import os
import sys
import tempfile

import duckdb

from report_compare import compare, run


def exact_ge2(counts_csv, group):
    """GE(2) of the benefits 1 + pred - label and its between-group version, in exact
    rational arithmetic from the counts file (docs/counts.md#what-is-exact)."""
    from fractions import Fraction
    import csv

    benefit = {("0", "0"): 1, ("0", "1"): 2, ("1", "0"): 0, ("1", "1"): 1}
    cells, groups = [], {}
    with open(counts_csv, newline="") as f:
        for row in csv.DictReader(f):
            c, b = int(row["count"]), benefit[(row["label"], row["pred"])]
            cells.append((b, c))
            n_g, s_g = groups.get(row[group], (0, 0))
            groups[row[group]] = (n_g + c, s_g + b * c)
    n = sum(c for _, c in cells)
    mu = Fraction(sum(b * c for b, c in cells), n)
    ge = sum(c * ((b / mu) ** 2 - 1) for b, c in cells) / (2 * n)
    between = sum(n_g * ((Fraction(s_g, n_g) / mu) ** 2 - 1) for n_g, s_g in groups.values()) / (2 * n)
    return float(ge), float(between)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("fairkit")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        sim = os.path.join(tmp, "sim.csv")
        run(args.fairkit, "simulate", "--rows", str(args.rows), "--seed", str(args.seed), "--out", sim)
        rows = os.path.join(tmp, "rows.csv")
        con = duckdb.connect()
        # A prediction and a weight per row (awkward column names on purpose), written as the
        # raw rows fairkit reads.
        con.execute(
            "CREATE TABLE preds AS "
            + 'SELECT "group" AS "grp ""x""", approved AS "label", '
            + 'CASE WHEN income / 1e5 - debt_ratio > 0.2 THEN 1 ELSE 0 END AS "pred", '
            + '0.3 + (row_number() OVER () * 0.6180339887) % 1 AS "w" '
            + f"FROM read_csv('{sim}', header = true)"
        )
        con.execute(f"COPY preds TO '{rows}' (HEADER)")
        flags = ["--label", "label", "--pred", "pred", "--sensitive", 'grp "x"']
        for extra in ([], ["--weights", "w"], ["--bootstrap", "200", "--seed", "3"]):
            weights = ["--weights", "w"] if "--weights" in extra else []
            sql = run(args.fairkit, "assess", "--emit-sql", "--table", "preds", *flags, *weights)
            counts = os.path.join(tmp, "counts.csv")
            con.execute(f"COPY ({sql.strip().rstrip(';')}) TO '{counts}' (HEADER)")
            listed = con.execute(f"SELECT count(*) FROM read_csv('{counts}')").fetchone()[0]
            common = ["assess", "--format", "json", *flags, *extra]
            a = json.loads(run(args.fairkit, *common, "--data", rows))
            b = json.loads(run(args.fairkit, *common, "--counts", counts))
            worst, where = compare(a, b, "report", (0.0, ""))
            ok = worst <= 1e-12 and a["input"]["rows"] == b["input"]["rows"]
            # The inequality indices against exact arithmetic: the rows' sums of n terms round
            # by up to about n * 1e-16, the counts' sums of a few terms much less.
            ge, between = exact_ge2(counts, 'grp "x"')
            errors = {}
            for name, path in (("rows", a), ("counts", b)):
                ineq = path["inequality"]
                errors[name] = max(
                    abs(ineq["generalized_entropy_index"] - ge),
                    abs(ineq["between_group_generalized_entropy_index"] - between),
                    abs(ineq["between_group_coefficient_of_variation"] ** 2 / 2 - between),
                )
            theil = abs(a["inequality"]["theil_index"] - b["inequality"]["theil_index"])
            ok = ok and errors["counts"] <= 1e-12 and theil <= 1e-12
            failed |= not ok
            print(
                f"  inequality: GE(2) error from exact {errors['counts']:.3g} (counts), "
                f"{errors['rows']:.3g} (rows); Theil difference {theil:.3g}"
            )
            print(
                f"{'ok' if ok else 'FAIL'}: {' '.join(extra) or 'unweighted'}: {args.rows} rows, "
                f"{listed} listed counts, largest difference {worst:.3g} ({where or 'none'})"
            )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
