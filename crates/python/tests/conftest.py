"""Shared helpers: the reference data lives in `../shared` beside the repository root; tests that
need it skip with a notice when it is absent, unless FAIRKIT_REQUIRE_SHARED=1."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def shared(relative: str) -> Path:
    """A path under ../shared, or a skip (a failure when FAIRKIT_REQUIRE_SHARED=1)."""
    path = REPO.parent / "shared" / relative
    if not path.exists():
        message = f"{path} is absent (the shared reference data)"
        if os.environ.get("FAIRKIT_REQUIRE_SHARED") == "1":
            pytest.fail(message + " and FAIRKIT_REQUIRE_SHARED=1")
        print(f"skipping: {message}")
        pytest.skip(message)
    return path


def prepared(name: str):
    """The prepared train and test frames of a reference dataset: X, y, A for each."""
    import pandas as pd

    out = []
    for part in ("train", "test"):
        df = pd.read_csv(shared(f"reference/prepared/{name}_{part}.csv"))
        out.append((df.drop(columns=["label", "sensitive"]), df["label"], df["sensitive"]))
    return out
