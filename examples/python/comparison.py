"""Every mitigation side by side: the comparison of `fairkit compare`, as a DataFrame.

The Python version of `examples/comparison.rs`: the logistic and tree baselines and the default
mitigations over five seeded train/test splits of the biased-credit scenario, with the metrics
of hard predictions and in expectation.

    python examples/python/comparison.py
"""

# %% Run the default comparison; `text` is the table `fairkit compare` prints.
import fairkit

rows, text = fairkit.compare(table=True)
print(text)

# %% One row per (method, seed): average the expected metrics per method.
summary = rows.groupby("method", sort=False)[
    ["expected.accuracy", "expected.demographic_parity_difference", "expected.equalized_odds_difference"]
].mean()
print(summary.round(3))

# %% Randomized methods: the expected demographic parity gap against the one of sampled labels.
for method in ["expgrad-dp", "threshold-dp"]:
    r = rows[rows.method == method]
    print(method, "expected", r["expected.demographic_parity_difference"].round(4).tolist(),
          "sampled", r["predicted.demographic_parity_difference"].round(4).tolist())
