"""`fairkit.compare`: the comparison of `fairkit compare`, as a DataFrame."""

from __future__ import annotations

import json
from typing import Optional

from . import _fairkit
from ._input import pandas


def compare(config: Optional[str] = None, *, table: bool = False):
    """Runs a comparison (baselines and mitigations over seeded train/test splits) and returns
    one row per (method, seed): the dataset, method, estimator, seed, sweep knob, the fit
    seconds, and the headline metrics of hard predictions (`predicted.*`) and in expectation
    (`expected.*`); per-group rates and score metrics are left out. `config` is an experiment file's TOML text (the format of
    `fairkit compare --config`); None runs the default comparison (the README's quick start).
    With `table=True`, returns `(rows, text)` where `text` is the table `fairkit compare` prints.
    Without pandas the rows are a list of dicts."""
    rows_json, text = _fairkit.compare_json(config)
    rows = json.loads(rows_json)
    for r in rows:
        # The per-group rates and score curves stay in results.json; the headline of hard
        # predictions (flattened into the row there) goes under `predicted`.
        r.pop("by_group", None)
        r.pop("scores", None)
        r["predicted"] = {k: r.pop(k) for k in list(r.get("expected", {})) if k in r}
    pd = pandas()
    out = pd.json_normalize(rows) if pd is not None else rows
    return (out, text) if table else out
