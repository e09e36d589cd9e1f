"""Type stubs of the compiled core (src/lib.rs). The public API is the pure-Python package."""

from typing import List, Optional, Sequence, Tuple

import numpy as np
import numpy.typing as npt

__version__: str

class SensitiveGroups:
    def __init__(self, columns: List[str], levels: List[List[str]], codes: Sequence[npt.NDArray[np.int64]]) -> None: ...
    @property
    def order(self) -> List[int]: ...
    @property
    def labels(self) -> List[str]: ...
    def __len__(self) -> int: ...

class Report:
    def overall(self, metric_name: str) -> float: ...
    def by_group(self, metric_name: str) -> List[float]: ...
    def aggregate(self, metric_name: str) -> Tuple[float, float, float, float, float, float]: ...
    def disparity(self, name: str) -> float: ...

def grouped_report(
    y_true: npt.NDArray[np.float64],
    y_pred: npt.NDArray[np.float64],
    groups: SensitiveGroups,
    sample_weight: Optional[npt.NDArray[np.float64]] = None,
    method: str = "between_groups",
    agg: str = "worst_case",
) -> Report: ...

class FittedModel:
    def score(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
    def predict(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]: ...
    @property
    def n_features_in(self) -> int: ...

def fit_learner(
    estimator_spec: str,
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    sample_weight: Optional[npt.NDArray[np.float64]] = None,
) -> FittedModel: ...

class ExpGrad:
    def pmf_predict(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
    def predict(self, x: npt.NDArray[np.float64], seed: int) -> npt.NDArray[np.bool_]: ...
    def predictor_score(self, i: int, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
    weights: List[float]
    n_oracle_calls: int
    n_predictors: int
    best_gap: float
    best_iteration: int
    last_iteration: int
    training_errors: List[float]
    training_gammas: List[List[float]]
    lambda_history: List[List[float]]
    constraint_labels: List[str]

def fit_exponentiated_gradient(
    estimator_spec: str, constraint: str, difference_bound: Optional[float], ratio_bound: Optional[float],
    ratio_bound_slack: float, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], groups: SensitiveGroups,
    sample_weight: Optional[npt.NDArray[np.float64]], eps: float, max_iter: int, nu: Optional[float],
    eta0: float, run_linprog_step: bool,
) -> ExpGrad: ...

class GridFit:
    def predict(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]: ...
    def score(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
    best_index: int
    n_predictors: int
    lambdas: List[List[float]]
    objectives: List[float]
    gammas: List[List[float]]
    losses: List[float]
    constraint_labels: List[str]

def fit_grid_search(
    estimator_spec: str, constraint: str, difference_bound: Optional[float], ratio_bound: Optional[float],
    ratio_bound_slack: float, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], groups: SensitiveGroups,
    sample_weight: Optional[npt.NDArray[np.float64]], constraint_weight: float, grid_size: int,
    grid_limit: float, grid: Optional[List[List[float]]] = None,
) -> GridFit: ...

class Thresholds:
    def probability(self, scores: npt.NDArray[np.float64], groups: SensitiveGroups) -> npt.NDArray[np.float64]: ...
    def predict(self, scores: npt.NDArray[np.float64], groups: SensitiveGroups, seed: int) -> npt.NDArray[np.bool_]: ...
    def describe(self) -> List[str]: ...
    x_best: Optional[float]
    y_best: float

def fit_thresholds(
    scores: npt.NDArray[np.float64], y: npt.NDArray[np.float64], groups: SensitiveGroups,
    sample_weight: Optional[npt.NDArray[np.float64]], constraint: str, objective: str, grid_size: int,
    flip: bool, tol: Optional[float] = None,
) -> Thresholds: ...
