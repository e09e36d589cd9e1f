//! Fixtures for the unit tests.

use fairkit_core::rng;
use ndarray::{Array1, Array2};

/// `rows` rows of `features` standard-normal features and labels drawn from a logistic model
/// with slopes 1, -1, 0.5, ... (seeded).
pub(crate) fn logistic_data(
    seed: u64,
    rows: usize,
    features: usize,
) -> (Array2<f64>, Array1<bool>) {
    let mut rng = rng::seeded(seed);
    let x = Array2::from_shape_fn((rows, features), |_| {
        let u = 1.0 - rng::uniform(&mut rng);
        let v = rng::uniform(&mut rng);
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    });
    let y = x
        .rows()
        .into_iter()
        .map(|r| {
            let z: f64 = r
                .iter()
                .enumerate()
                .map(|(j, v)| v * [1.0, -1.0, 0.5][j % 3])
                .sum();
            rng::uniform(&mut rng) < 1.0 / (1.0 + (-z).exp())
        })
        .collect();
    (x, y)
}

/// Asserts that fitting with zero weights on every `every`-th row of `logistic_data(seed, rows,
/// features)` gives exactly the model fitted without those rows.
pub(crate) fn assert_zero_weights_drop_rows<L>(
    learner: &L,
    (seed, rows, features): (u64, usize, usize),
    every: usize,
) where
    L: fairkit_core::Learner,
    L::Model: PartialEq + std::fmt::Debug,
{
    use ndarray::Axis;
    let (x, y) = logistic_data(seed, rows, features);
    let w = Array1::from_iter((0..rows).map(|i| if i % every == 0 { 0.0 } else { 1.0 }));
    let kept: Vec<usize> = (0..rows).filter(|i| i % every != 0).collect();
    let weighted = learner
        .fit(x.view(), y.view(), Some(w.view()))
        .expect("weighted fit");
    let dropped = learner
        .fit(
            x.select(Axis(0), &kept).view(),
            y.select(Axis(0), &kept).view(),
            None,
        )
        .expect("fit without the rows");
    assert_eq!(weighted, dropped);
}
