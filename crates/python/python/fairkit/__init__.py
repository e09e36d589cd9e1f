"""fairkit: assess and mitigate unfairness in binary classifiers, with Fairlearn's names and
numbers, computed in Rust.

Switching from Fairlearn is changing the import: `from fairkit.metrics import MetricFrame`,
`from fairkit.reductions import ExponentiatedGradient, DemographicParity`,
`from fairkit.postprocessing import ThresholdOptimizer`. Estimators are fairkit's learners
(`fairkit.learners`). Every fairkit error is a `ValueError` carrying fairkit's message.
"""

from . import _fairkit
from . import datasets, learners, metrics, postprocessing, preprocessing, reductions
from ._compare import compare

__version__ = _fairkit.__version__

__all__ = ["compare", "datasets", "learners", "metrics", "postprocessing", "preprocessing", "reductions", "__version__"]
