//! The main loop of ExponentiatedGradient (docs/reductions.md#main-loop).

use fairkit_core::{FairDataset, Learner};

use super::constants::{
    ACCURACY_MUL, MIN_ITER, PRECISION, REGRET_CHECK_INCREASE_T, REGRET_CHECK_START_T, SHRINK_ETA,
    SHRINK_REGRET,
};
use super::lagrangian::{Lagrangian, Mixture};
use super::{ExponentiatedGradient, ExponentiatedGradientValidParams};
use crate::Result;
use crate::hypothesis::TrainedGroups;
use crate::moments::{LoadedMoment, Moment, normalized_weights, weight_at};

pub(crate) fn fit<L: Learner, C: Moment>(
    params: &ExponentiatedGradientValidParams<L, C>,
    data: &FairDataset,
) -> Result<ExponentiatedGradient<L::Model>> {
    let constraints = params.constraints.load(data)?;
    let objective = params.objective.load(data)?;
    let b = 1.0 / params.eps;
    let m = constraints.n_constraints();
    let bound = constraints.bound().to_vec();
    let mut lag = Lagrangian::new(
        &params.learner,
        data.features(),
        &constraints,
        &objective,
        b,
        params.warm_start,
    );

    let mut theta = vec![0.0; m];
    let mut qsum: Vec<(usize, f64)> = Vec::new();
    let mut gaps_eg: Vec<f64> = Vec::new();
    let mut gaps: Vec<f64> = Vec::new();
    let mut qs: Vec<Mixture> = Vec::new();
    let mut last_regret_checked = REGRET_CHECK_START_T as f64;
    let mut last_gap = f64::INFINITY;
    let mut lambda_sum = vec![0.0; m];
    let mut lambda_history = Vec::new();
    let mut lp_lambda_history = Vec::new();
    let mut nu = params.nu.unwrap_or(f64::NAN);
    let mut eta = params.eta0 / b;

    for t in 0..params.max_iter {
        let lambda = multipliers(b, &theta);
        for (s, l) in lambda_sum.iter_mut().zip(&lambda) {
            *s += l;
        }
        let lambda_hat: Vec<f64> = lambda_sum.iter().map(|s| s / (t + 1) as f64).collect();
        let h = lag.best_h(&lambda)?;
        lambda_history.push(lambda);
        if t == 0 {
            if params.nu.is_none() {
                let first = lag.first_predictions.as_deref().unwrap_or(&[]);
                nu = auto_nu(first, data)?;
            }
            eta = params.eta0 / b;
        }
        match qsum.iter_mut().find(|(j, _)| *j == h) {
            Some((_, count)) => *count += 1.0,
            None => qsum.push((h, 1.0)),
        }
        let total: f64 = qsum.iter().map(|(_, c)| c).sum();
        let q_eg: Mixture = qsum.iter().map(|&(j, c)| (j, c / total)).collect();
        let gamma = lag.gammas[h].clone();
        let gap_eg = lag.eval_gap(&q_eg, &lambda_hat, nu)?.gap();
        gaps_eg.push(gap_eg);

        let lp = if t == 0 || !params.run_linprog_step {
            None
        } else {
            let r = lag.solve_linprog(nu)?;
            lp_lambda_history.push((t, r.lambda.clone()));
            Some(r)
        };
        match lp {
            // Ties (and NaN) go to the LP, as in fairlearn's `gap_EG < gap_LP` test.
            Some(r) if gap_eg.partial_cmp(&r.gap.gap()) != Some(std::cmp::Ordering::Less) => {
                gaps.push(r.gap.gap());
                qs.push(r.q);
            }
            _ => {
                gaps.push(gap_eg);
                qs.push(q_eg);
            }
        }

        if gaps[t] < nu && t >= MIN_ITER {
            break;
        }
        if t as f64 >= last_regret_checked * REGRET_CHECK_INCREASE_T {
            let best = gaps_eg.iter().copied().fold(f64::INFINITY, f64::min);
            if best > last_gap * SHRINK_REGRET {
                eta *= SHRINK_ETA;
            }
            last_regret_checked = t as f64;
            last_gap = best;
        }
        for ((th, g), c) in theta.iter_mut().zip(&gamma).zip(&bound) {
            *th += eta * (g - c);
        }
    }

    let min_gap = gaps.iter().copied().fold(f64::INFINITY, f64::min);
    let best_iter = gaps
        .iter()
        .rposition(|&g| g <= min_gap + PRECISION)
        .unwrap_or(gaps.len() - 1);
    let mut weights = vec![0.0; lag.hs.len()];
    for &(j, w) in &qs[best_iter] {
        weights[j] = w;
    }
    Ok(ExponentiatedGradient {
        weights,
        predictors: lag.hs,
        training_errors: lag.errors,
        training_gammas: lag.gammas,
        hypothesis_lambdas: lag.lambdas,
        best_gap: gaps[best_iter],
        best_iter,
        last_iter: gaps.len() - 1,
        n_oracle_calls: lag.n_oracle_calls,
        n_constant_fallbacks: lag.n_constant,
        oracle_seconds: lag.oracle_seconds,
        lambda_history,
        lp_lambda_history,
        gaps,
        nu,
        constraint_labels: constraints.constraint_labels(),
        bound,
        n_features: data.n_features(),
        groups: TrainedGroups::of(data.groups()),
    })
}

/// `λ = B·exp(θ)/(1 + Σ exp(θ))`: a softmax with a slack coordinate, so `‖λ‖₁ < B`. Computed
/// with the largest exponent factored out when it is positive (identical otherwise).
fn multipliers(b: f64, theta: &[f64]) -> Vec<f64> {
    let shift = theta.iter().copied().fold(0.0, f64::max);
    let exps: Vec<f64> = theta.iter().map(|t| (t - shift).exp()).collect();
    let denominator = (-shift).exp() + exps.iter().sum::<f64>();
    exps.iter().map(|e| b * e / denominator).collect()
}

/// `nu = 0.5·sd(|h₀(x) − y|)/√n` with the sample standard deviation (ddof 1). With sample
/// weights, the mean and the sum of squares are weighted by `ω` (mean 1), so unit weights give
/// the unweighted value.
fn auto_nu(first_predictions: &[f64], data: &FairDataset) -> Result<f64> {
    let weights = normalized_weights(data)?;
    let w = weights.as_deref();
    let n = first_predictions.len() as f64;
    let errors: Vec<f64> = first_predictions
        .iter()
        .zip(data.labels())
        .map(|(&h, &y)| (h - f64::from(u8::from(y))).abs())
        .collect();
    let mean = errors
        .iter()
        .enumerate()
        .map(|(i, e)| weight_at(w, i) * e)
        .sum::<f64>()
        / n;
    let sum_sq: f64 = errors
        .iter()
        .enumerate()
        .map(|(i, e)| weight_at(w, i) * (e - mean).powi(2))
        .sum();
    Ok(ACCURACY_MUL * (sum_sq / (n - 1.0)).sqrt() / n.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_multipliers_are_b_over_one_plus_m() {
        let l = multipliers(100.0, &[0.0; 4]);
        assert!(l.iter().all(|&v| v == 20.0));
    }

    #[test]
    fn large_exponents_do_not_overflow() {
        let l = multipliers(100.0, &[800.0, 0.0]);
        assert!((l[0] - 100.0).abs() < 1e-9 && l[1] >= 0.0);
        let direct = multipliers(10.0, &[0.3, -0.2]);
        let e = [0.3f64.exp(), (-0.2f64).exp()];
        let d = 1.0 + e[0] + e[1];
        assert!((direct[0] - 10.0 * e[0] / d).abs() < 1e-12);
    }
}
