//! Mean and spread of a metric across seeds.

/// The mean and the sample standard deviation (`n − 1` in the denominator) of the finite
/// values; NaN values (undefined metrics) are skipped. The mean is NaN without any finite
/// value, and the standard deviation is NaN with fewer than two.
///
/// ```
/// let (mean, sd) = fairkit_harness::summary::mean_std(&[1.0, 2.0, 3.0, f64::NAN]);
/// assert_eq!((mean, sd), (2.0, 1.0));
/// ```
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let n = finite.len() as f64;
    if finite.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = finite.iter().sum::<f64>() / n;
    if finite.len() < 2 {
        return (mean, f64::NAN);
    }
    let var = finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_value_has_undefined_spread() {
        let (m, s) = mean_std(&[0.5]);
        assert_eq!(m, 0.5);
        assert!(s.is_nan());
        assert!(mean_std(&[]).0.is_nan());
    }
}
