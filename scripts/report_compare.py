"""What `scripts/counts_duckdb.py` and `scripts/spark_check.py` share: running the fairkit
binary and comparing two `fairkit assess --format json` reports number by number. Imported by
both (Python puts the running script's folder on the import path); not run on its own.
"""

import subprocess
import sys


def run(fairkit, *args):
    """fairkit's standard output; exits naming the command and its standard error if it fails."""
    out = subprocess.run([fairkit, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"fairkit {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def compare(a, b, at, worst):
    """The largest difference between the numbers of two JSON documents, as `(difference,
    where)` starting from `worst` (relative above 1); `input` and `inequality` are left out
    (each script checks the inequality indices its own way). Exits on a difference in shape or
    text."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or isinstance(a, str):
        if a != b:
            sys.exit(f"{at}: {a!r} vs {b!r}")
        return worst
    if isinstance(a, (int, float)):
        if at.endswith("coefficient_of_variation"):
            # sqrt(2 GE(2)): compared as the GE it is the root of, whose rounding the square
            # root magnifies near 0 (the rows' own sum rounds by about 1e-16 per row).
            a, b = a * a, b * b
        d = abs(a - b) / max(1.0, abs(a))
        return max(worst, (d, at)) if worst[0] < d else worst
    if isinstance(a, list):
        if len(a) != len(b):
            sys.exit(f"{at}: lengths {len(a)} vs {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            worst = compare(x, y, f"{at}[{i}]", worst)
        return worst
    keys = [k for k in a if k not in ("input", "inequality")]
    if keys != [k for k in b if k not in ("input", "inequality")]:
        sys.exit(f"{at}: keys {list(a)} vs {list(b)}")
    for k in keys:
        worst = compare(a[k], b[k], f"{at}.{k}", worst)
    return worst
