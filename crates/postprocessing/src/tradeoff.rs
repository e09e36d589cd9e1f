//! Trade-off curves of one group: the points of every threshold rule, their upper convex hull
//! and the hull's interpolation on the grid
//! (docs/threshold-optimizer.md#trade-off-points, docs/threshold-optimizer.md#upper-convex-hull,
//! docs/threshold-optimizer.md#interpolation-on-the-grid).
//!
//! The float operations are those of Fairlearn 0.15, in the same order, so that unweighted
//! inputs give bit-identical hulls, mixing probabilities and objective values.

use crate::options::Measure;
use crate::thresholder::{GroupRule, Operator, ThresholdOperation};

/// One training row of a group.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    pub score: f64,
    pub positive: bool,
    pub weight: f64,
}

/// Confusion counts of one rule: exact integers (as `f64`) when unweighted, weighted sums
/// otherwise.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Counts {
    pub tp: f64,
    pub fp: f64,
    pub tn: f64,
    pub fn_: f64,
}

impl Counts {
    /// The rate, with Fairlearn's formulas and operation order.
    pub(crate) fn rate(&self, rate: Measure) -> f64 {
        let positives = self.tp + self.fn_;
        let negatives = self.tn + self.fp;
        let n = self.tp + self.tn + self.fp + self.fn_;
        match rate {
            Measure::SelectionRate => (self.tp + self.fp) / n,
            Measure::TruePositiveRate => self.tp / positives,
            Measure::FalsePositiveRate => self.fp / negatives,
            Measure::TrueNegativeRate => self.tn / negatives,
            Measure::FalseNegativeRate => self.fn_ / positives,
            Measure::Accuracy => (self.tp + self.tn) / n,
            Measure::BalancedAccuracy => 0.5 * self.tp / positives + 0.5 * self.tn / negatives,
        }
    }
}

/// A threshold rule and its `(x, y)` trade-off point.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Point {
    pub x: f64,
    pub y: f64,
    pub op: ThresholdOperation,
}

/// Total weight of the positive and negative rows, summed in row order (the scan below adds
/// in the same order, so its final counts equal these totals exactly).
pub(crate) fn totals(rows: &[Row]) -> (f64, f64) {
    let mut c = [0.0f64; 2];
    for r in rows {
        c[usize::from(r.positive)] += r.weight;
    }
    (c[1], c[0])
}

/// The trade-off points of every threshold (docs/threshold-optimizer.md#trade-off-points), sorted
/// by `(x, y)` with a stable sort. `rows` must be sorted by descending score and have both labels.
pub(crate) fn points(rows: &[Row], flip: bool, x_rate: Measure, y_rate: Measure) -> Vec<Point> {
    let (pos, neg) = totals(rows);
    let mut out = Vec::with_capacity((rows.len() + 1) * (1 + usize::from(flip)));
    let mut emit = |threshold: f64, c0: f64, c1: f64| {
        let actual = Counts {
            tp: c1,
            fp: c0,
            tn: neg - c0,
            fn_: pos - c1,
        };
        let mut push = |operator, counts: Counts| {
            out.push(Point {
                x: counts.rate(x_rate),
                y: counts.rate(y_rate),
                op: ThresholdOperation {
                    operator,
                    threshold,
                },
            })
        };
        push(Operator::Greater, actual);
        if flip {
            let flipped = Counts {
                tp: pos - c1,
                fp: neg - c0,
                tn: c0,
                fn_: c1,
            };
            push(Operator::Less, flipped);
        }
    };
    emit(f64::INFINITY, 0.0, 0.0);
    let (mut c0, mut c1) = (0.0, 0.0);
    let mut i = 0;
    while i < rows.len() {
        let s = rows[i].score;
        while i < rows.len() && rows[i].score == s {
            if rows[i].positive {
                c1 += rows[i].weight;
            } else {
                c0 += rows[i].weight;
            }
            i += 1;
        }
        let next = rows.get(i).map_or(f64::NEG_INFINITY, |r| r.score);
        emit((s + next) / 2.0, c0, c1);
    }
    out.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    out
}

/// The upper convex hull of points sorted by `(x, y)` (Andrew's monotone chain,
/// docs/threshold-optimizer.md#upper-convex-hull):
/// the middle of three points is dropped when it lies on or below the line through the other
/// two.
pub(crate) fn upper_hull(points: &[Point]) -> Vec<Point> {
    let mut hull: Vec<Point> = Vec::with_capacity(points.len());
    for &r2 in points {
        while let [.., r0, r1] = hull[..] {
            if (r1.y - r0.y) * (r2.x - r0.x) <= (r2.y - r0.y) * (r1.x - r0.x) {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push(r2);
    }
    hull
}

/// The grid `x_k`, as numpy's `linspace(0, 1, grid_size + 1)`: `k · (1 / grid_size)`, with the
/// last point exactly 1.
pub(crate) fn grid(grid_size: usize) -> Vec<f64> {
    let step = 1.0 / grid_size as f64;
    (0..=grid_size)
        .map(|k| if k == grid_size { 1.0 } else { k as f64 * step })
        .collect()
}

/// The hull interpolated at one grid point: mix hull vertex `j` with probability `p0` and
/// vertex `j + 1` with `1 − p0`, reaching `(x_k, y)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mix {
    pub j: usize,
    pub p0: f64,
    pub y: f64,
}

/// Interpolates the hull on the grid (docs/threshold-optimizer.md#interpolation-on-the-grid).
/// Segment `j` is the last hull vertex with `x_j ≤ x_k`, moved one left when `x_k = x_j` (except at
/// `k = 0`), so that a grid point on a vertex uses the segment on its left. One merge pass, as the
/// grid and the hull are sorted.
pub(crate) fn interpolate(hull: &[Point], grid: &[f64]) -> Vec<Mix> {
    debug_assert!(hull.len() >= 2);
    let last = hull.len() - 2;
    let mut above = 0; // number of hull x-values <= x_k
    grid.iter()
        .enumerate()
        .map(|(k, &xk)| {
            while above < hull.len() && hull[above].x <= xk {
                above += 1;
            }
            let mut j = above.saturating_sub(1);
            if k > 0 && j > 0 && xk == hull[j].x {
                j -= 1;
            }
            let j = j.min(last);
            let (a, b) = (hull[j], hull[j + 1]);
            let width = b.x - a.x;
            let p0 = if width > 0.0 { (b.x - xk) / width } else { 1.0 };
            let p1 = 1.0 - p0;
            Mix {
                j,
                p0,
                y: p0 * a.y + p1 * b.y,
            }
        })
        .collect()
}

/// One group's curve: its hull and the hull's interpolation on the grid.
#[derive(Debug, Clone)]
pub(crate) struct Curve {
    pub hull: Vec<Point>,
    pub mixes: Vec<Mix>,
}

impl Curve {
    /// Builds the curve of rows sorted by descending score.
    pub(crate) fn new(
        rows: &[Row],
        flip: bool,
        x_rate: Measure,
        y_rate: Measure,
        grid: &[f64],
    ) -> Self {
        let hull = upper_hull(&points(rows, flip, x_rate, y_rate));
        let mixes = interpolate(&hull, grid);
        Self { hull, mixes }
    }

    /// The interpolated `y` at grid index `k`.
    pub(crate) fn y(&self, k: usize) -> f64 {
        self.mixes[k].y
    }

    /// The randomized rule at grid index `k`.
    pub(crate) fn rule(&self, k: usize) -> GroupRule {
        let m = self.mixes[k];
        GroupRule {
            p0: m.p0,
            operation0: self.hull[m.j].op,
            p1: 1.0 - m.p0,
            operation1: self.hull[m.j + 1].op,
            ignore: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: &[(f64, bool)]) -> Vec<Row> {
        let mut r: Vec<Row> = v
            .iter()
            .map(|&(score, positive)| Row {
                score,
                positive,
                weight: 1.0,
            })
            .collect();
        r.sort_by(|a, b| b.score.total_cmp(&a.score));
        r
    }

    fn xy(points: &[Point]) -> Vec<(f64, f64, f64)> {
        points.iter().map(|p| (p.x, p.y, p.op.threshold)).collect()
    }

    #[test]
    fn o10_hulls_in_selection_rate_and_accuracy() {
        let a = rows(&[(0.9, true), (0.8, true), (0.3, false), (0.2, false)]);
        let hull = upper_hull(&points(
            &a,
            false,
            Measure::SelectionRate,
            Measure::Accuracy,
        ));
        assert_eq!(
            xy(&hull),
            vec![
                (0.0, 0.5, f64::INFINITY),
                (0.5, 1.0, 0.55),
                (1.0, 0.5, f64::NEG_INFINITY)
            ]
        );
        let b = rows(&[(0.7, true), (0.6, false), (0.4, true), (0.1, false)]);
        let hull = upper_hull(&points(
            &b,
            false,
            Measure::SelectionRate,
            Measure::Accuracy,
        ));
        let got = xy(&hull);
        assert_eq!(got.len(), 4);
        assert_eq!((got[1].0, got[1].1), (0.25, 0.75));
        assert!((got[1].2 - 0.65).abs() < 1e-15);
        assert_eq!((got[2].0, got[2].1, got[2].2), (0.75, 0.75, 0.25));
    }

    #[test]
    fn o10_roc_hull_keeps_two_points_at_x_zero() {
        let a = rows(&[(0.9, true), (0.8, true), (0.3, false), (0.2, false)]);
        let hull = upper_hull(&points(
            &a,
            false,
            Measure::FalsePositiveRate,
            Measure::TruePositiveRate,
        ));
        assert_eq!(
            xy(&hull),
            vec![
                (0.0, 0.0, f64::INFINITY),
                (0.0, 1.0, 0.55),
                (1.0, 1.0, f64::NEG_INFINITY)
            ]
        );
        // k = 0 uses the last hull point at x = 0; k > 0 on a vertex uses the left segment.
        let mixes = interpolate(&hull, &grid(4));
        assert_eq!((mixes[0].j, mixes[0].p0, mixes[0].y), (1, 1.0, 1.0));
        assert_eq!((mixes[4].j, mixes[4].p0, mixes[4].y), (1, 0.0, 1.0));
    }

    #[test]
    fn grid_matches_numpy_linspace() {
        let g = grid(1000);
        assert_eq!(g.len(), 1001);
        assert_eq!(g[359], 359.0 * 0.001);
        assert_eq!(g[1000], 1.0);
        // linspace multiplies by the step, which differs from k / 1000 at some k.
        assert!((0..1000).any(|k| g[k] != k as f64 / 1000.0));
    }

    #[test]
    fn ties_are_absorbed_together_and_flip_doubles_the_points() {
        let r = rows(&[(0.5, true), (0.5, false), (0.2, false), (0.9, true)]);
        let p = points(&r, false, Measure::SelectionRate, Measure::Accuracy);
        assert_eq!(p.len(), 4); // +inf, then 3 distinct scores
        let p = points(&r, true, Measure::SelectionRate, Measure::Accuracy);
        assert_eq!(p.len(), 8);
        assert!(p.windows(2).all(|w| (w[0].x, w[0].y) <= (w[1].x, w[1].y)));
    }
}
