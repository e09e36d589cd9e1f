"""Exponentiated gradient: retrain under a demographic-parity constraint.

The Python version of `examples/exponentiated_gradient.rs`. The reductions approach (Agarwal
et al. 2018) refits the learner on reweighted, relabelled rows until it finds a randomized
mixture of models that meets the constraint at the best accuracy.

    python examples/python/exponentiated_gradient.py
"""

# %% Data and the baseline.
from fairkit.datasets import biased_credit
from fairkit.learners import LogisticRegression
from fairkit.metrics import MetricFrame, demographic_parity_difference
from fairkit.reductions import DemographicParity, ExponentiatedGradient

X_train, y_train, A_train, X_test, y_test, A_test = biased_credit()
baseline = LogisticRegression().fit(X_train, y_train).predict(X_test)

# %% The mixture: demographic parity within 0.01 on the training rows.
eg = ExponentiatedGradient(LogisticRegression(), DemographicParity(difference_bound=0.01), eps=0.01)
eg.fit(X_train, y_train, sensitive_features=A_train)
print(f"{eg.n_oracle_calls_} logistic fits, {len(eg.predictors_)} models, duality gap {eg.best_gap_:.2e}")
print("weights of the models in the mixture:", [round(w, 3) for w in eg.weights_ if w > 0])

# %% Predictions: the probability of approval under the mixture, and labels drawn with a seed.
p = eg._pmf_predict(X_test)[:, 1]
undecided = int(((p > 0) & (p < 1)).sum())
print(f"{undecided} of {len(p)} test rows get a probability strictly between 0 and 1")
mitigated = eg.predict(X_test, random_state=0)

# %% Before / after on the test rows.
for name, pred in [("baseline", baseline), ("expgrad-dp", mitigated)]:
    mf = MetricFrame(metrics={"accuracy": "accuracy_score", "selection_rate": "selection_rate"},
                     y_true=y_test, y_pred=pred, sensitive_features=A_test)
    dp = demographic_parity_difference(y_test, pred, sensitive_features=A_test)
    print(f"{name:<11} accuracy {mf.overall['accuracy']:.3f}  selection rates "
          f"{dict(mf.by_group['selection_rate'].round(3))}  DP difference {dp:.3f}")
before = demographic_parity_difference(y_test, baseline, sensitive_features=A_test)
after = demographic_parity_difference(y_test, mitigated, sensitive_features=A_test)
assert after < before, "the constraint narrows the gap"
