"""Runs the SQL of `fairkit assess --emit-sql --sql-dialect spark` in Spark (local mode) on a
partitioned Parquet dataset that `fairkit simulate` wrote, and checks that `fairkit assess
--counts` on Spark's output reports what `fairkit assess --data` reports on the rows
(docs/parquet.md, docs/counts.md), without and with weights.

Usage (the interpreter, the binary and the work directory come from the caller):

    $PYTHON scripts/spark_check.py FAIRKIT WORKDIR [--rows 1000000] [--seed 11]

`$PYTHON` is a Python 3 with pyspark 4 (`python3 -m venv $VENV; $VENV/bin/pip install
pyspark==4.3.0`); Spark 4 needs Java 17 on the PATH. FAIRKIT is the binary (`cargo build
--release`, then target/release/fairkit). WORKDIR is created if needed and must hold no earlier
run. The steps:

1. `fairkit simulate --rows N --out WORKDIR/sim --partition-by group`: a hive-partitioned
   Parquet dataset (folders group=A, group=B).
2. Spark reads it, adds a prediction (a fixed rule on income and debt) and a weight per row,
   and writes the rows as its own partitioned Parquet dataset (WORKDIR/rows): the rows fairkit
   assesses.
3. For each check, the SQL fairkit prints runs in Spark over those rows; Spark writes the
   counts as Parquet (WORKDIR/counts-*).
4. `fairkit assess --format json` on the rows (--data) and on the counts (--counts): every
   number of the two reports agrees within 1e-12 (relative above 1; the inequality indices,
   whose rows' sums round by about n * 1e-16, within 1e-9), their keys and texts are equal,
   and both saw the same number of rows; the `input` description differs by nature.

Prints one line per check and a summary; exits 1 if a check fails.
"""

import argparse
import json
import os
import sys
import time

from report_compare import compare, run


def inequality_difference(a, b):
    """The largest relative difference between the inequality indices of the two reports. The
    rows' report sums one term per row, which rounds by up to about n * 1e-16 (1e-10 for a
    million rows); the counts' report sums a few terms (docs/counts.md#what-is-exact), so
    these are held to 1e-9 instead of 1e-12."""
    worst = 0.0
    for k, x in a["inequality"].items():
        y = b["inequality"][k]
        if isinstance(x, (int, float)) and not isinstance(x, bool):
            worst = max(worst, abs(x - y) / max(1.0, abs(x)))
    return worst


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("fairkit")
    parser.add_argument("workdir")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    work = os.path.abspath(args.workdir)
    started = time.monotonic()

    sim = os.path.join(work, "sim")
    run(args.fairkit, "simulate", "--rows", str(args.rows), "--seed", str(args.seed),
        "--out", sim, "--partition-by", "group")
    simulated = time.monotonic()

    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("fairkit-spark-check")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark_started = time.monotonic()
    # A prediction (a fixed rule, as a deployed model's would be) and a weight per row.
    spark.read.parquet(sim).createOrReplaceTempView("sim")
    rows = os.path.join(work, "rows")
    spark.sql(
        "SELECT `group`, approved AS label, "
        "CASE WHEN income / 1e5 - debt_ratio > 0.2 THEN 1 ELSE 0 END AS pred, "
        "CAST(0.3 + pmod(CAST(income * 1000 AS BIGINT), 997) / 997.0 AS DOUBLE) AS w "
        "FROM sim"
    ).write.mode("overwrite").partitionBy("group").parquet(rows)
    spark.read.parquet(rows).createOrReplaceTempView("preds")

    flags = ["--label", "label", "--pred", "pred", "--sensitive", "group"]
    failed = False
    for name, weights in (("unweighted", []), ("weighted", ["--weights", "w"])):
        sql = run(args.fairkit, "assess", "--emit-sql", "--sql-dialect", "spark",
                  "--table", "preds", *flags, *weights)
        counts = os.path.join(work, f"counts-{name}")
        spark.sql(sql.strip().rstrip(";")).coalesce(1).write.mode("overwrite").parquet(counts)
        listed = spark.read.parquet(counts).count()
        common = ["assess", "--format", "json", *flags, *weights]
        a = json.loads(run(args.fairkit, *common, "--data", rows))
        b = json.loads(run(args.fairkit, *common, "--counts", counts))
        worst, where = compare(a, b, "report", (0.0, ""))
        ineq = inequality_difference(a, b)
        same_rows = a["input"]["rows"] == b["input"]["rows"] == args.rows
        ok = worst <= 1e-12 and ineq <= 1e-9 and same_rows
        failed |= not ok
        print(
            f"{'ok' if ok else 'FAIL'}: {name}: {a['input']['rows']} rows read from Spark's "
            f"Parquet, {listed} counts from Spark's GROUP BY, largest difference {worst:.3g} "
            f"({where or 'none'}); inequality indices {ineq:.3g}"
        )
    spark.stop()
    done = time.monotonic()
    print(
        f"spark check: {args.rows} rows; simulate {simulated - started:.1f} s, Spark start "
        f"{spark_started - simulated:.1f} s, queries and assessments {done - spark_started:.1f} s, "
        f"total {done - started:.1f} s: {'FAILED' if failed else 'passed'}"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
