//! The accuracy-versus-disparity Pareto front.

/// Marks the points on the Pareto front when higher `score` is better and lower `cost` is
/// better: a point is on the front unless another point is at least as good on both and
/// strictly better on one. Points with a NaN coordinate are never on the front and never
/// dominate.
///
/// ```
/// use fairkit_harness::pareto::front;
/// // (accuracy, disparity): the second point is dominated by the first.
/// let on = front(&[(0.80, 0.05), (0.78, 0.10), (0.85, 0.20)]);
/// assert_eq!(on, vec![true, false, true]);
/// ```
pub fn front(points: &[(f64, f64)]) -> Vec<bool> {
    let valid = |p: &(f64, f64)| !p.0.is_nan() && !p.1.is_nan();
    points
        .iter()
        .map(|p| {
            valid(p)
                && !points
                    .iter()
                    .any(|q| valid(q) && q.0 >= p.0 && q.1 <= p.1 && (q.0 > p.0 || q.1 < p.1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_stay_on_the_front_and_nan_is_excluded() {
        let on = front(&[(0.8, 0.1), (0.8, 0.1), (f64::NAN, 0.0), (0.7, f64::NAN)]);
        assert_eq!(on, vec![true, true, false, false]);
    }

    #[test]
    fn strictly_better_on_one_axis_dominates() {
        assert_eq!(front(&[(0.8, 0.1), (0.8, 0.2)]), vec![true, false]);
        assert_eq!(front(&[(0.8, 0.1), (0.9, 0.1)]), vec![false, true]);
    }
}
