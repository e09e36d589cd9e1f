"""Conversion of user inputs (numpy, pandas, polars, pyarrow, lists) to the arrays the compiled
core takes. Nothing here computes a metric: it shapes and checks inputs."""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from . import _fairkit

try:  # pandas is optional: without it outputs are dicts and numpy arrays.
    import pandas as _pd
except ImportError:  # pragma: no cover - exercised only without pandas
    _pd = None


def pandas():
    """The pandas module, or None when it is not installed."""
    return _pd


def _array(name: str, a: Any) -> np.ndarray:
    if a is None:
        raise ValueError(f"{name} is required")
    if hasattr(a, "to_numpy") and not isinstance(a, np.ndarray):
        try:
            a = a.to_numpy()
        except TypeError:
            a = np.asarray(a)
    return np.asarray(a)


def vector(name: str, a: Any, n: Optional[int] = None) -> np.ndarray:
    """A 1-d float64 array; a one-column 2-d input is flattened."""
    arr = _array(name, a)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    try:
        arr = np.ascontiguousarray(arr, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name} must be numeric: {e}") from None
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} rows where {n} are expected")
    return arr


def labels(name: str, a: Any, n: Optional[int] = None) -> np.ndarray:
    """Binary labels as float64 0/1 (the core refuses any other value); booleans accepted."""
    arr = _array(name, a)
    if arr.dtype == bool:
        arr = arr.astype(np.float64)
    return vector(name, arr, n)


def weights(a: Any, n: int) -> Optional[np.ndarray]:
    """Sample weights or None."""
    if a is None:
        return None
    return vector("sample_weight", a, n)


def matrix(name: str, x: Any) -> np.ndarray:
    """A 2-d float64 feature matrix."""
    arr = _array(name, x)
    if arr.ndim == 1:
        raise ValueError(f"{name} must be two-dimensional (rows x features), got one dimension")
    if arr.ndim != 2:
        raise ValueError(f"{name} must be two-dimensional, got shape {arr.shape}")
    try:
        return np.ascontiguousarray(arr, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name} must be numeric (encode categories first): {e}") from None


def _columns(sf: Any) -> Tuple[List[str], List[np.ndarray]]:
    """Names and value arrays of the sensitive features, named as Fairlearn names them."""
    if _pd is not None and isinstance(sf, _pd.DataFrame):
        return [str(c) for c in sf.columns], [sf[c].to_numpy() for c in sf.columns]
    if _pd is not None and isinstance(sf, _pd.Series):
        name = sf.name if sf.name is not None else "sensitive_feature_0"
        return [str(name)], [sf.to_numpy()]
    if isinstance(sf, dict):
        return [str(k) for k in sf], [np.asarray(_array(str(k), v)) for k, v in sf.items()]
    if hasattr(sf, "columns") and hasattr(sf, "to_numpy") and not isinstance(sf, np.ndarray):
        # polars / other data frames
        cols = list(sf.columns)
        return [str(c) for c in cols], [np.asarray(sf[c].to_numpy()) for c in cols]
    arr = _array("sensitive_features", sf)
    if arr.ndim == 1:
        return ["sensitive_feature_0"], [arr]
    if arr.ndim == 2:
        return [f"sensitive_feature_{j}" for j in range(arr.shape[1])], [
            arr[:, j] for j in range(arr.shape[1])
        ]
    raise ValueError(f"sensitive_features must be one- or two-dimensional, got shape {arr.shape}")


class Sensitive:
    """Sensitive features coded for the core, with the values that name the groups."""

    def __init__(self, sensitive_features: Any, n: int):
        if sensitive_features is None:
            raise ValueError("sensitive_features is required")
        names, cols = _columns(sensitive_features)
        self.names = names
        self.levels: List[np.ndarray] = []
        codes = []
        for name, col in zip(names, cols):
            col = np.asarray(col)
            if col.ndim != 1:
                raise ValueError(f"sensitive feature {name} must be one-dimensional")
            if col.shape[0] != n:
                raise ValueError(
                    f"sensitive feature {name} has {col.shape[0]} rows where {n} are expected"
                )
            if _pd is not None:
                isna = _pd.isna(col)
            else:
                isna = col != col if col.dtype.kind == "f" else np.zeros(n, dtype=bool)
            if np.any(isna):
                row = int(np.argmax(isna))
                raise ValueError(f"sensitive feature {name}: row {row} is missing")
            if _pd is not None:
                c, uniques = _pd.factorize(col, sort=True)
                uniques = np.asarray(uniques)
            else:
                uniques, c = np.unique(col, return_inverse=True)
            self.levels.append(uniques)
            codes.append(np.ascontiguousarray(c, dtype=np.int64))
        self.groups = _fairkit.SensitiveGroups(
            names, [[str(v) for v in u] for u in self.levels], codes
        )
        self.order = np.asarray(self.groups.order, dtype=np.int64)

    def keys(self) -> list:
        """The group keys in Fairlearn's order (a value, or a tuple for several features)."""
        if len(self.levels) == 1:
            return [v.item() if hasattr(v, "item") else v for v in self.levels[0]]
        import itertools

        return [
            tuple(v.item() if hasattr(v, "item") else v for v in combo)
            for combo in itertools.product(*self.levels)
        ]

    def index(self):
        """The pandas index of a by-group result."""
        if len(self.levels) == 1:
            return _pd.Index(self.levels[0], name=self.names[0])
        return _pd.MultiIndex.from_product(self.levels, names=self.names)

    def reorder(self, by_code: Sequence[float]) -> np.ndarray:
        """Values by fairkit's group code, put in Fairlearn's order."""
        return np.asarray(by_code, dtype=np.float64)[self.order]


def seed(random_state: Any) -> int:
    """An explicit 64-bit seed from Fairlearn's `random_state` (None draws one from numpy's
    global generator, so repeated calls differ as Fairlearn's do)."""
    if random_state is None:
        return int(np.random.randint(0, 2**63 - 1, dtype=np.int64))
    if isinstance(random_state, (int, np.integer)):
        if random_state < 0:
            raise ValueError(f"random_state must be >= 0, got {random_state}")
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**63 - 1, dtype=np.int64))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63 - 1))
    raise ValueError(f"random_state must be None, an int or a numpy generator, got {random_state!r}")
