"""Writes tests/data/parquet/pyarrow.parquet and the same rows as tests/data/parquet/pyarrow.csv,
both with pyarrow, for the tests that check fairkit reads a Parquet file another library wrote
as it reads the CSV (tests/parquet.rs, crates/columnar/tests/tests.rs).

Usage: $PYTHON scripts/parquet_pyarrow_file.py OUT_DIR   (any Python 3 with pyarrow; the files
are committed, so this runs only to regenerate them)

The columns cover the types fairkit reads: int8 label, int32 prediction, a dictionary-encoded
string group, a large string, float64 weights, a float32 score, a boolean and a uint16. Row
values come from a fixed linear congruential sequence (no random state).
"""

import os
import sys

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    n = 240
    x = 12345
    seq = []
    for _ in range(n * 4):
        x = (1103515245 * x + 12345) % 2**31
        seq.append(x >> 16)  # the high bits: an LCG's low bits cycle
    groups = ["north", "south", "east"]
    group = [groups[seq[4 * i] % 3] for i in range(n)]
    label = [seq[4 * i + 1] % 2 for i in range(n)]
    pred = [(label[i] if seq[4 * i + 2] % 5 else 1 - label[i]) for i in range(n)]
    weight = [0.5 + (seq[4 * i + 3] % 1000) / 997.0 for i in range(n)]
    score = [(seq[4 * i + 2] % 1000) / 1000.0 for i in range(n)]
    table = pa.table(
        {
            "group": pa.array(group).dictionary_encode(),
            "region": pa.array([g.upper() for g in group], type=pa.large_string()),
            "label": pa.array(label, type=pa.int8()),
            "pred": pa.array(pred, type=pa.int32()),
            "w": pa.array(weight, type=pa.float64()),
            "score": pa.array(score, type=pa.float32()),
            "flag": pa.array([v % 3 == 0 for v in seq[:n]], type=pa.bool_()),
            "code": pa.array([v % 60000 for v in seq[n : 2 * n]], type=pa.uint16()),
        }
    )
    pq.write_table(table, os.path.join(out, "pyarrow.parquet"), compression="zstd")
    plain = table.set_column(0, "group", pa.array(group))
    pcsv.write_csv(plain, os.path.join(out, "pyarrow.csv"))


if __name__ == "__main__":
    main()
