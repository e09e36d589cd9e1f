"""Threshold optimizer: keep the model, choose a threshold per group.

The Python version of `examples/threshold_optimizer.rs` (Hardt, Price and Srebro 2016). When a
model cannot be retrained, its scores can still be thresholded per group, randomizing between
two thresholds where needed, so that every group reaches the same rate.

    python examples/python/threshold_optimizer.py
"""

# %% Data and a fitted model (prefit: the optimizer does not retrain it).
from fairkit.datasets import biased_credit
from fairkit.learners import LogisticRegression
from fairkit.metrics import demographic_parity_difference, equalized_odds_difference
from fairkit.postprocessing import ThresholdOptimizer

X_train, y_train, A_train, X_test, y_test, A_test = biased_credit()
model = LogisticRegression().fit(X_train, y_train)
baseline = model.predict(X_test)

# %% Demographic parity: the rule of each group.
to_dp = ThresholdOptimizer(estimator=model, constraints="demographic_parity", prefit=True)
to_dp.fit(X_train, y_train, sensitive_features=A_train)
for line in to_dp.describe():
    print(" ", line)

# %% Equalized odds: equal true and false positive rates.
to_eo = ThresholdOptimizer(estimator=model, constraints="equalized_odds", prefit=True)
to_eo.fit(X_train, y_train, sensitive_features=A_train)

# %% Before / after on the test rows (labels drawn with a seed).
for name, pred in [
    ("baseline", baseline),
    ("TO-DP", to_dp.predict(X_test, sensitive_features=A_test, random_state=0)),
    ("TO-EO", to_eo.predict(X_test, sensitive_features=A_test, random_state=0)),
]:
    dp = demographic_parity_difference(y_test, pred, sensitive_features=A_test)
    eo = equalized_odds_difference(y_test, pred, sensitive_features=A_test)
    print(f"{name:<9} accuracy {(pred == y_test).mean():.3f}  DP difference {dp:.3f}  EO difference {eo:.3f}")
