//! Running sums of sample weights within a cell (docs/counts.md#bootstrap-from-cells): what
//! the bootstrap over cells needs of the rows it no longer holds.

/// Running weight sums of one cell: sum, sum of squares, and whether all weights are equal
/// (then the variance is exactly 0, not a rounding residue).
#[derive(Debug, Clone, Copy, Default)]
pub struct WeightMoments {
    /// Sum of the weights.
    pub sum: f64,
    /// Sum of the squared weights.
    pub squares: f64,
    /// The first weight, when every weight so far equals it.
    pub first: Option<f64>,
    /// Whether two different weights were seen.
    pub varied: bool,
}

impl WeightMoments {
    /// Adds one weight.
    pub fn add(&mut self, w: f64) {
        self.sum += w;
        self.squares += w * w;
        match self.first {
            None if !self.varied => self.first = Some(w),
            Some(f) if f.to_bits() != w.to_bits() => {
                self.first = None;
                self.varied = true;
            }
            _ => {}
        }
    }

    /// Adds the weights of `other` (added after this one's).
    pub fn merge(&mut self, other: &WeightMoments) {
        self.sum += other.sum;
        self.squares += other.squares;
        if self.varied || other.varied {
            self.first = None;
            self.varied = true;
        } else {
            match (self.first, other.first) {
                (Some(a), Some(b)) if a.to_bits() != b.to_bits() => {
                    self.first = None;
                    self.varied = true;
                }
                (None, b) => self.first = b,
                _ => {}
            }
        }
    }

    /// The population variance of the `count` weights added: 0 when they are all equal,
    /// otherwise `squares / count − mean²` (at least 0).
    pub fn variance(&self, count: u64) -> f64 {
        if !self.varied || count == 0 {
            return 0.0;
        }
        let c = count as f64;
        let mean = self.sum / c;
        (self.squares / c - mean * mean).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variance_is_exact_zero_for_equal_weights_and_merges() {
        let mut a = WeightMoments::default();
        for _ in 0..3 {
            a.add(0.1);
        }
        assert_eq!(a.variance(3), 0.0);
        let mut b = WeightMoments::default();
        b.add(0.1);
        b.add(0.3);
        // Weights 0.1, 0.1, 0.1, 0.1, 0.3: mean 0.14, population variance 0.0064.
        a.merge(&b);
        assert!((a.variance(5) - 0.0064).abs() < 1e-15, "{}", a.variance(5));
        let mut c = WeightMoments::default();
        c.merge(&WeightMoments::default());
        c.add(2.0);
        let mut d = WeightMoments::default();
        d.add(2.0);
        c.merge(&d);
        assert_eq!((c.variance(2), c.sum), (0.0, 4.0));
    }
}
