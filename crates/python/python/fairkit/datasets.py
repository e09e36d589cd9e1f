"""Built-in simulated data: the `biased-credit` scenario of the command line and the teaching
examples (10,000 loan applicants, group `B` disadvantaged by an income gap, a proxy feature and
historically biased labels; data/README.md)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _fairkit
from ._input import pandas

__all__ = ["Split", "biased_credit", "simulate"]


class Split(NamedTuple):
    """Encoded train and test rows; the sensitive `group` is never a feature."""

    X_train: object
    y_train: np.ndarray
    A_train: object
    X_test: object
    y_test: np.ndarray
    A_test: object


def simulate(scenario="biased-credit", *, rows=10_000, seed=0, test_size=0.3, split_seed=0) -> Split:
    """Simulates a scenario, one-hot encodes and standardizes it (fitted on the training rows)
    and splits it. With pandas, X is a DataFrame with the feature names and A a Series `group`."""
    names, train, test = _fairkit.simulate(scenario, rows, seed, test_size, split_seed)
    pd = pandas()

    def shape(part):
        x, y, a = part
        y = np.asarray(y).astype(np.int64)
        if pd is None:
            return np.asarray(x), y, np.asarray(a)
        return pd.DataFrame(np.asarray(x), columns=names), y, pd.Series(a, name="group")

    return Split(*shape(train), *shape(test))


def biased_credit(*, seed=0, split_seed=0) -> Split:
    """The default scenario, as `fairkit compare` and the examples use it."""
    return simulate("biased-credit", seed=seed, split_seed=split_seed)
