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
