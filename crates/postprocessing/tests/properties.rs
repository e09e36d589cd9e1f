//! Invariants on random data (deterministic proptest runner).

use fairkit_core::Groups;
use fairkit_postprocessing::{
    Constraint, FitThresholds, Objective, ParamGuard, ThresholdOptimizerParams,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use crate::util::expected;

/// Rows of 2 to 4 groups; scores on a coarse grid so that ties are common. Each group has both
/// labels and two distinct scores.
fn data() -> impl Strategy<Value = (Vec<f64>, Vec<bool>, Vec<u32>)> {
    prop::collection::vec(prop::collection::vec((0u8..12, any::<bool>()), 2..25), 2..5).prop_map(
        |groups| {
            let (mut s, mut y, mut g) = (Vec::new(), Vec::new(), Vec::new());
            for (code, rows) in groups.into_iter().enumerate() {
                let first = rows[0].0;
                for (i, (score, label)) in rows.into_iter().enumerate() {
                    // The first two rows of each group fix both labels and two scores.
                    let (score, label) = match i {
                        0 => (score, true),
                        1 => ((first + 5) % 12, false),
                        _ => (score, label),
                    };
                    s.push(f64::from(score) / 11.0);
                    y.push(label);
                    g.push(code as u32);
                }
            }
            (s, y, g)
        },
    )
}

fn params() -> impl Strategy<Value = ThresholdOptimizerParams> {
    (
        prop::sample::select(Constraint::ALL.to_vec()),
        prop::sample::select(Objective::ALL.to_vec()),
        prop::sample::select(vec![1usize, 3, 10, 100, 1000]),
        any::<bool>(),
    )
        .prop_map(|(c, o, grid, flip)| {
            let o = if c.allowed_objectives().contains(&o) {
                o
            } else {
                Objective::BalancedAccuracy
            };
            ThresholdOptimizerParams::new()
                .constraint(c)
                .objective(o)
                .grid_size(grid)
                .flip(flip)
        })
}

fn groups(codes: &[u32]) -> Groups {
    let labels: Vec<String> = codes.iter().map(|c| format!("g{c}")).collect();
    Groups::from_labels("g", &labels).unwrap()
}

/// The expected value of the constraint's rate for one group.
fn constraint_rate(c: Constraint, p: &[f64], y: &[bool], codes: &[u32], code: u32) -> f64 {
    let e = expected(p, y, codes, Some(code));
    match c {
        Constraint::DemographicParity => e.selection_rate,
        Constraint::TruePositiveRateParity => e.tpr,
        Constraint::FalsePositiveRateParity => e.fpr,
        Constraint::TrueNegativeRateParity => 1.0 - e.fpr,
        Constraint::FalseNegativeRateParity => 1.0 - e.tpr,
        Constraint::EqualizedOdds => e.fpr,
    }
}

proptest! {
    #![proptest_config(Config {
        cases: 200,
        rng_seed: RngSeed::Fixed(20_250_601),
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn probabilities_lie_in_the_unit_interval_and_groups_meet_the_constraint(
        (s, y, codes) in data(),
        params in params(),
    ) {
        let g = groups(&codes);
        let fitted = params.fit_scores(&s, &y, &g, None).unwrap();
        let p = fitted.probability(&s, &g).unwrap();
        prop_assert!(p.iter().all(|&v| (0.0..=1.0).contains(&v)), "{p:?}");
        let c = fitted.constraint();
        let x = fitted.x_best().unwrap();
        for code in 0..g.n_groups() as u32 {
            let got = constraint_rate(c, &p, &y, &codes, code);
            prop_assert!((got - x).abs() < 1e-9, "group {code}: {got} vs x* = {x}");
            if c == Constraint::EqualizedOdds {
                let tpr = expected(&p, &y, &codes, Some(code)).tpr;
                prop_assert!((tpr - fitted.y_best()).abs() < 1e-9, "TPR {tpr} vs y*");
            }
        }
        // The reported objective is the expected accuracy on the fitting data.
        if fitted.objective() == Objective::Accuracy {
            let acc = expected(&p, &y, &codes, None).accuracy;
            prop_assert!((acc - fitted.objective_value()).abs() < 1e-9);
        }
    }

    #[test]
    fn relaxing_keeps_the_spread_within_tol_and_never_loses_objective(
        (s, y, codes) in data(),
        params in params(),
        tol in 0.001f64..0.5,
    ) {
        prop_assume!(params.check_ref().unwrap().constraint() != Constraint::EqualizedOdds);
        let g = groups(&codes);
        let strict = params.fit_scores(&s, &y, &g, None).unwrap();
        let relaxed = params.clone().tol(tol).fit_scores(&s, &y, &g, None).unwrap();
        prop_assert!(relaxed.between_groups() <= tol + 1e-12);
        prop_assert!(relaxed.objective_value() >= strict.objective_value() - 1e-12);
        let p = relaxed.probability(&s, &g).unwrap();
        let c = relaxed.constraint();
        for fitted in relaxed.groups() {
            let got = constraint_rate(c, &p, &y, &codes, fitted.code);
            prop_assert!((got - fitted.x).abs() < 1e-9);
        }
    }

    #[test]
    fn integer_weights_equal_repeated_rows(
        (s, y, codes) in data(),
        params in params(),
        seed in any::<u64>(),
    ) {
        let weights: Vec<f64> = (0..s.len()).map(|i| ((seed >> (i % 60)) & 3) as f64 + 1.0).collect();
        let (mut s2, mut y2, mut c2) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..s.len() {
            for _ in 0..weights[i] as usize {
                s2.push(s[i]);
                y2.push(y[i]);
                c2.push(codes[i]);
            }
        }
        let weighted = params.fit_scores(&s, &y, &groups(&codes), Some(&weights)).unwrap();
        let repeated = params.fit_scores(&s2, &y2, &groups(&c2), None).unwrap();
        prop_assert_eq!(weighted.x_best(), repeated.x_best());
        for (a, b) in weighted.groups().iter().zip(repeated.groups()) {
            prop_assert_eq!(a.rule.operation0, b.rule.operation0);
            prop_assert_eq!(a.rule.operation1, b.rule.operation1);
            prop_assert!((a.rule.p0 - b.rule.p0).abs() < 1e-9);
        }
    }
}
