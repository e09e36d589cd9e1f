# Runs oracle O9 (docs/test-oracles.md#o9, the 21-row CellMajority fixture) through fairlearn
# 0.15.0 and prints the bookkeeping that crates/reductions/tests/o9.rs compares with: oracle calls,
# constant fallbacks, predictors, iterations, gap, expected error and weights.
# Usage: $PYTHON scripts/o9_fairlearn.py  (needs fairlearn, scikit-learn, pandas; scripts/README.md)
import numpy as np, pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from fairlearn.reductions import ExponentiatedGradient, DemographicParity, TruePositiveRateParity, EqualizedOdds, ErrorRateParity, GridSearch
class CellMajority(BaseEstimator, ClassifierMixin):
    def fit(self, X, y, sample_weight=None):
        X=np.asarray(X); y=np.asarray(y); w=np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight)
        self.table_={}
        for c in np.unique(X[:,0]):
            m=X[:,0]==c
            self.table_[c]= w[m&(y==1)].sum() > w[m&(y==0)].sum()
        self.classes_=np.array([0,1]); return self
    def predict(self, X):
        X=np.asarray(X); return np.array([int(self.table_.get(c, False)) for c in X[:,0]])
table=[(0,(3,1),(1,1)),(1,(2,1),(1,3)),(2,(1,1),(0,3)),(3,(0,1),(0,2))]
rows=[]
for cell,a,b in table:
    for g,(p,n) in (("a",a),("b",b)):
        rows += [(cell,g,1)]*p + [(cell,g,0)]*n
X=pd.DataFrame({"cell":[r[0] for r in rows]}); A=pd.Series([r[1] for r in rows]); y=pd.Series([r[2] for r in rows])
for name,c in [("dp",DemographicParity()),("dp05",DemographicParity(difference_bound=0.05)),("tprp",TruePositiveRateParity()),("eo",EqualizedOdds()),("erp",ErrorRateParity()),("dp_ratio",DemographicParity(ratio_bound=0.8))]:
    eg=ExponentiatedGradient(CellMajority(), c, eps=0.01)
    eg.fit(X,y,sensitive_features=A)
    p=eg._pmf_predict(X)[:,1]
    print(name, "calls",eg.n_oracle_calls_, "dummy",eg.n_oracle_calls_dummy_returned_, "npred",len(eg.predictors_), "best_iter",eg.best_iter_, "last",eg.last_iter_, "gap",eg.best_gap_, "err", np.mean(np.abs(p-y)), "w", list(np.round(eg.weights_.values,6)))
for eps in [0.1, 0.002]:
    for name,c in [("dp",DemographicParity()),("eo",EqualizedOdds())]:
        eg=ExponentiatedGradient(CellMajority(), c, eps=eps)
        eg.fit(X,y,sensitive_features=A)
        p=eg._pmf_predict(X)[:,1]
        print(name, "eps",eps, "calls",eg.n_oracle_calls_, "dummy",eg.n_oracle_calls_dummy_returned_, "npred",len(eg.predictors_), "best_iter",eg.best_iter_, "last",eg.last_iter_, "gap",eg.best_gap_, "err", np.mean(np.abs(p-y)))
gs=GridSearch(CellMajority(), DemographicParity(), grid_size=10)
gs.fit(X,y,sensitive_features=A)
print("gs best", gs.best_idx_, "objectives", [round(v,6) for v in gs.objectives_])
