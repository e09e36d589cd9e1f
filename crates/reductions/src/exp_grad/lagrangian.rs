//! The Lagrangian game (docs/reductions.md#best-response to docs/reductions.md#lp-step): the
//! hypothesis store, the best response, the gap and the LP over the hypotheses found.

use fairkit_core::{FeatureCache, Learner};
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use ndarray::ArrayView2;
use rayon::prelude::*;

use super::WarmStart;
use super::constants::{GAP_MULTIPLIERS, PRECISION};
use crate::hypothesis::{Hypothesis, fit_best_response};
use crate::moments::{LoadedErrorRate, LoadedMoment};
use crate::{ReductionsError, Result};

/// A mixture over stored hypotheses: `(index, weight)` pairs.
pub(crate) type Mixture = Vec<(usize, f64)>;

/// `L`, `L_low` and `L_high` of one evaluation; the gap is `max(L − L_low, L_high − L)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gap {
    pub l: f64,
    pub l_low: f64,
    pub l_high: f64,
}

impl Gap {
    pub fn gap(&self) -> f64 {
        (self.l - self.l_low).max(self.l_high - self.l)
    }
}

/// The LP result: mixture weights over all stored hypotheses, the dual multipliers and the gap.
#[derive(Debug, Clone)]
pub(crate) struct LpResult {
    pub q: Mixture,
    pub lambda: Vec<f64>,
    pub gap: Gap,
}

pub(crate) struct Lagrangian<'a, L: Learner, C> {
    learner: &'a L,
    x: ArrayView2<'a, f64>,
    constraints: &'a C,
    objective: &'a LoadedErrorRate,
    objective_sw: Vec<f64>,
    b: f64,
    warm_start: WarmStart,
    /// Every learned model with the multipliers it was fitted at, for warm starts.
    fitted: Vec<(Vec<f64>, L::Model)>,
    /// What the learner keeps between fits on `x`.
    cache: FeatureCache,
    pub hs: Vec<Hypothesis<L::Model>>,
    pub errors: Vec<f64>,
    pub gammas: Vec<Vec<f64>>,
    /// The λ at which each stored hypothesis was found.
    pub lambdas: Vec<Vec<f64>>,
    pub n_oracle_calls: usize,
    pub n_constant: usize,
    pub oracle_seconds: Vec<f64>,
    /// Training predictions of the first stored hypothesis (for the automatic `nu`).
    pub first_predictions: Option<Vec<f64>>,
    last_lp: Option<(usize, LpResult)>,
}

impl<'a, L: Learner, C: LoadedMoment> Lagrangian<'a, L, C> {
    pub fn new(
        learner: &'a L,
        x: ArrayView2<'a, f64>,
        constraints: &'a C,
        objective: &'a LoadedErrorRate,
        b: f64,
        warm_start: WarmStart,
    ) -> Self {
        Self {
            learner,
            x,
            constraints,
            objective,
            objective_sw: objective.signed_weights(),
            b,
            warm_start,
            fitted: Vec::new(),
            cache: FeatureCache::new(),
            hs: Vec::new(),
            errors: Vec::new(),
            gammas: Vec::new(),
            lambdas: Vec::new(),
            n_oracle_calls: 0,
            n_constant: 0,
            oracle_seconds: Vec::new(),
            first_predictions: None,
            last_lp: None,
        }
    }

    /// The model a fit at `λ` starts from.
    fn warm_model(&self, lambda: &[f64]) -> Option<&L::Model> {
        match self.warm_start {
            WarmStart::Off => None,
            WarmStart::MostRecent => self.fitted.last().map(|(_, m)| m),
            WarmStart::NearestLambda => {
                let mut best: Option<(f64, &L::Model)> = None;
                for (l, m) in self.fitted.iter().rev() {
                    let d: f64 = l.iter().zip(lambda).map(|(a, b)| (a - b).abs()).sum();
                    if best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, m));
                    }
                }
                best.map(|(_, m)| m)
            }
        }
    }

    /// `err_j + γ_j·λ` of stored hypothesis `j`.
    fn value(&self, j: usize, lambda: &[f64]) -> f64 {
        self.errors[j] + dot(&self.gammas[j], lambda)
    }

    /// The best response to `λ` (docs/reductions.md#best-response): fits the oracle and keeps the
    /// new hypothesis only if it beats every stored one by more than `1e-8`. Returns the index of
    /// the best.
    pub fn best_h(&mut self, lambda: &[f64]) -> Result<usize> {
        let mut signed = self.constraints.signed_weights(lambda);
        signed
            .par_iter_mut()
            .zip(&self.objective_sw)
            .for_each(|(s, o)| *s += o);
        let warm = self.warm_model(lambda);
        let fit = fit_best_response(self.learner, self.x, &signed, true, warm, &self.cache)?;
        self.n_oracle_calls += 1;
        self.oracle_seconds.push(fit.seconds);
        match &fit.hypothesis {
            Hypothesis::Constant(_) => self.n_constant += 1,
            Hypothesis::Learned(m) => match self.warm_start {
                WarmStart::Off => {}
                WarmStart::MostRecent => self.fitted = vec![(lambda.to_vec(), m.clone())],
                WarmStart::NearestLambda => self.fitted.push((lambda.to_vec(), m.clone())),
            },
        }
        let error = self.objective.error(&fit.predictions);
        let gamma = self.constraints.gamma(&fit.predictions);
        let value = error + dot(&gamma, lambda);

        let mut best: Option<(usize, f64)> = None;
        for j in 0..self.hs.len() {
            let v = self.value(j, lambda);
            if best.is_none_or(|(_, bv)| v < bv) {
                best = Some((j, v));
            }
        }
        let best_value = best.map_or(f64::INFINITY, |(_, v)| v);
        if self.hs.is_empty() || value < best_value - PRECISION {
            if self.hs.is_empty() {
                self.first_predictions = Some(fit.predictions);
            }
            self.hs.push(fit.hypothesis);
            self.errors.push(error);
            self.gammas.push(gamma);
            self.lambdas.push(lambda.to_vec());
            Ok(self.hs.len() - 1)
        } else {
            Ok(best.map_or(0, |(j, _)| j))
        }
    }

    /// `(L, L_high)` of a mixture at `λ` (docs/reductions.md#duality-gap), and its error and γ.
    fn eval(&self, q: &[(usize, f64)], lambda: &[f64]) -> (f64, f64) {
        let m = self.constraints.n_constraints();
        let mut error = 0.0;
        let mut gamma = vec![0.0; m];
        for &(j, w) in q {
            error += w * self.errors[j];
            for (g, gj) in gamma.iter_mut().zip(&self.gammas[j]) {
                *g += w * gj;
            }
        }
        let projected = self.constraints.project_lambda(lambda);
        let bound = self.constraints.bound();
        let mut l = error;
        let mut max_violation = f64::NEG_INFINITY;
        for ((g, c), lam) in gamma.iter().zip(bound).zip(&projected) {
            l += lam * (g - c);
            max_violation = max_violation.max(g - c);
        }
        let l_high = if max_violation > 0.0 {
            error + self.b * max_violation
        } else {
            error
        };
        (l, l_high)
    }

    /// The duality gap of a mixture at `λ̂` (docs/reductions.md#duality-gap). May add hypotheses.
    pub fn eval_gap(&mut self, q: &[(usize, f64)], lambda_hat: &[f64], nu: f64) -> Result<Gap> {
        let (l, l_high) = self.eval(q, lambda_hat);
        let mut gap = Gap {
            l,
            l_low: l,
            l_high,
        };
        for mul in GAP_MULTIPLIERS {
            let scaled: Vec<f64> = lambda_hat.iter().map(|v| mul * v).collect();
            let j = self.best_h(&scaled)?;
            let (l_low, _) = self.eval(&[(j, 1.0)], lambda_hat);
            if l_low < gap.l_low {
                gap.l_low = l_low;
            }
            if gap.gap() > nu + PRECISION {
                break;
            }
        }
        Ok(gap)
    }

    /// The LP step (docs/reductions.md#lp-step), cached while the store does not grow.
    pub fn solve_linprog(&mut self, nu: f64) -> Result<LpResult> {
        let n_hs = self.hs.len();
        if let Some((n, result)) = &self.last_lp
            && *n == n_hs
        {
            return Ok(result.clone());
        }
        let bound = self.constraints.bound();
        let m = bound.len();
        let lp_error = |e: microlp::Error| ReductionsError::LinearProgram {
            reason: e.to_string(),
        };

        // Primal: min Σ err_h Q_h + B ξ  s.t.  Σ_h (γ_jh − c_j) Q_h − ξ ≤ 0,  Σ Q_h = 1.
        let mut primal = Problem::new(OptimizationDirection::Minimize);
        let q_vars: Vec<_> = self
            .errors
            .iter()
            .map(|&e| primal.add_var(e, (0.0, f64::INFINITY)))
            .collect();
        let xi = primal.add_var(self.b, (0.0, f64::INFINITY));
        for (j, &c) in bound.iter().enumerate() {
            let mut row: Vec<_> = q_vars
                .iter()
                .zip(&self.gammas)
                .map(|(&v, g)| (v, g[j] - c))
                .filter(|&(_, a)| a != 0.0)
                .collect();
            row.push((xi, -1.0));
            primal.add_constraint(row, ComparisonOp::Le, 0.0);
        }
        primal.add_constraint(
            q_vars.iter().map(|&v| (v, 1.0)).collect::<Vec<_>>(),
            ComparisonOp::Eq,
            1.0,
        );
        let solution = primal.solve().map_err(lp_error)?;
        let raw: Vec<f64> = q_vars.iter().map(|&v| solution[v].max(0.0)).collect();
        let total: f64 = raw.iter().sum();
        let q: Mixture = raw
            .iter()
            .enumerate()
            .map(|(j, &w)| (j, w / total))
            .collect();

        // Dual: max μ  s.t.  μ − Σ_j λ_j (γ_jh − c_j) ≤ err_h for every h,  Σ λ_j ≤ B.
        let mut dual = Problem::new(OptimizationDirection::Maximize);
        let l_vars: Vec<_> = (0..m)
            .map(|_| dual.add_var(0.0, (0.0, f64::INFINITY)))
            .collect();
        let mu = dual.add_var(1.0, (f64::NEG_INFINITY, f64::INFINITY));
        for (h, g) in self.gammas.iter().enumerate() {
            let mut row: Vec<_> = l_vars
                .iter()
                .zip(g.iter().zip(bound))
                .map(|(&v, (gj, c))| (v, -(gj - c)))
                .filter(|&(_, a)| a != 0.0)
                .collect();
            row.push((mu, 1.0));
            dual.add_constraint(row, ComparisonOp::Le, self.errors[h]);
        }
        dual.add_constraint(
            l_vars.iter().map(|&v| (v, 1.0)).collect::<Vec<_>>(),
            ComparisonOp::Le,
            self.b,
        );
        let dual_solution = dual.solve().map_err(lp_error)?;
        let lambda: Vec<f64> = l_vars.iter().map(|&v| dual_solution[v].max(0.0)).collect();

        let support: Mixture = q.iter().copied().filter(|&(_, w)| w > 0.0).collect();
        let gap = self.eval_gap(&support, &lambda, nu)?;
        let result = LpResult { q, lambda, gap };
        // Like fairlearn, cache under the store size seen before the gap search.
        self.last_lp = Some((n_hs, result.clone()));
        Ok(result)
    }
}

pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
