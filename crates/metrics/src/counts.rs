use fairkit_core::{Error, Result};
use serde::{Deserialize, Serialize};

/// The confusion counts of one set of rows (docs/metrics.md#weighted-confusion-counts): weighted
/// sums when weights are given, plain counts otherwise, plus the unweighted row count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Confusion {
    /// Weight of rows with `y = 1, ŷ = 1`.
    pub tp: f64,
    /// Weight of rows with `y = 0, ŷ = 1`.
    pub fp: f64,
    /// Weight of rows with `y = 0, ŷ = 0`.
    pub tn: f64,
    /// Weight of rows with `y = 1, ŷ = 0`.
    pub fn_: f64,
    /// Number of rows, unweighted.
    pub rows: u64,
}

impl Confusion {
    /// Actual positives `P = TP + FN`.
    pub fn positives(&self) -> f64 {
        self.tp + self.fn_
    }

    /// Actual negatives `N = FP + TN`.
    pub fn negatives(&self) -> f64 {
        self.fp + self.tn
    }

    /// Total weight `W = P + N`.
    pub fn total(&self) -> f64 {
        self.positives() + self.negatives()
    }

    /// Adds another set of counts.
    pub fn add(&mut self, other: &Confusion) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.tn += other.tn;
        self.fn_ += other.fn_;
        self.rows += other.rows;
    }
}

/// Per-group confusion counts, accumulated in one pass.
///
/// Unweighted counts are exact integers, so merging shards gives exactly the counts of the whole
/// data. Weighted sums are f64 and agree with the whole to rounding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfusionTable {
    /// `cells[4 * g + 2 * y + ŷ]`: unweighted row counts.
    cells: Vec<u64>,
    /// Same layout, weighted sums; `None` when unweighted.
    weighted: Option<Vec<f64>>,
}

/// The cell of a row within its group's four: `2 * y + ŷ`.
#[inline]
pub(crate) fn cell(y: bool, p: bool) -> usize {
    2 * usize::from(y) + usize::from(p)
}

impl ConfusionTable {
    /// An empty table for `n_groups` groups.
    pub fn new(n_groups: usize, weighted: bool) -> Self {
        Self {
            cells: vec![0; 4 * n_groups],
            weighted: weighted.then(|| vec![0.0; 4 * n_groups]),
        }
    }

    /// Accumulates the counts of every group in one pass.
    ///
    /// # Errors
    /// Inputs of different lengths, a group code `≥ n_groups`, or a weight that is negative or
    /// not finite.
    pub fn accumulate(
        y_true: &[bool],
        y_pred: &[bool],
        groups: &[u32],
        n_groups: usize,
        weights: Option<&[f64]>,
    ) -> Result<Self> {
        // A vectorized max first; the offending row is searched only on error.
        let too_big = groups
            .iter()
            .copied()
            .max()
            .is_some_and(|m| m as usize >= n_groups);
        if let Some(row) = too_big
            .then(|| groups.iter().position(|&g| g as usize >= n_groups))
            .flatten()
        {
            return Err(Error::invalid(
                "group code",
                groups[row],
                &format!("row {row}: must be below {n_groups}"),
            ));
        }
        Self::accumulate_valid_codes(y_true, y_pred, groups, n_groups, weights)
    }

    /// As [`accumulate`](Self::accumulate) for codes known to be below `n_groups` (those of a
    /// [`fairkit_core::Groups`]), saving a pass over them; a code out of range panics.
    pub(crate) fn accumulate_valid_codes(
        y_true: &[bool],
        y_pred: &[bool],
        groups: &[u32],
        n_groups: usize,
        weights: Option<&[f64]>,
    ) -> Result<Self> {
        let n = y_true.len();
        Error::check_len("y_pred", n, y_pred.len())?;
        Error::check_len("sensitive groups", n, groups.len())?;
        if let Some(w) = weights {
            Error::check_len("sample weights", n, w.len())?;
            Error::check_weights(w)?;
        }
        let mut table = Self::new(n_groups, weights.is_some());
        table.add_rows(y_true, y_pred, groups, weights);
        Ok(table)
    }

    /// Expected counts under randomized predictions (AIF360's "generalized" counts,
    /// docs/metrics.md#expected-counts): row `i` predicts positive with probability `pmf[i]`, so it
    /// adds `w_i · pmf_i` to its predicted-positive cell and `w_i · (1 − pmf_i)` to its
    /// predicted-negative cell. The table is weighted; row counts stay unweighted (each row counts
    /// once).
    ///
    /// Probabilities may exceed `[0, 1]` by rounding (up to `1e-9`); they are used as given.
    ///
    /// # Errors
    /// As [`accumulate`](Self::accumulate), and a probability outside `[0, 1]` (or NaN).
    pub fn accumulate_expected(
        y_true: &[bool],
        pmf: &[f64],
        groups: &[u32],
        n_groups: usize,
        weights: Option<&[f64]>,
    ) -> Result<Self> {
        let n = y_true.len();
        Error::check_len("predicted probabilities", n, pmf.len())?;
        if let Some(row) = pmf.iter().position(|p| !(-1e-9..=1.0 + 1e-9).contains(p)) {
            return Err(Error::invalid(
                "predicted probability",
                pmf[row],
                &format!("row {row}: must be in [0, 1]"),
            ));
        }
        let hard: Vec<bool> = pmf.iter().map(|&p| p >= 0.5).collect();
        let ones;
        let w = match weights {
            Some(w) => w,
            None => {
                ones = vec![1.0; n];
                &ones
            }
        };
        let mut table = Self::accumulate(y_true, &hard, groups, n_groups, Some(w))?;
        let weighted = table.weighted.as_mut().expect("weighted table");
        weighted.iter_mut().for_each(|v| *v = 0.0);
        for i in 0..n {
            let base = 4 * groups[i] as usize + 2 * usize::from(y_true[i]);
            weighted[base + 1] += w[i] * pmf[i];
            weighted[base] += w[i] * (1.0 - pmf[i]);
        }
        Ok(table)
    }

    /// The table of pre-aggregated rows (docs/counts.md): entry `i` stands for `counts[i]` rows
    /// with label `y_true[i]`, prediction `y_pred[i]` and group `groups[i]`, whose weights sum
    /// to `weight_sums[i]` (without weight sums the table is unweighted, as rows without
    /// weights). Entries of the same cell add up; an entry with count 0 adds nothing.
    ///
    /// ```
    /// use fairkit_metrics::ConfusionTable;
    /// let (y, p, g) = ([true, false, true], [true, false, true], [0u32, 1, 0]);
    /// let t = ConfusionTable::from_counts(&y, &p, &g, 2, &[3, 2, 4], None)?;
    /// assert_eq!((t.group(0).tp, t.group(0).rows, t.group(1).tn), (7.0, 7, 2.0));
    /// # Ok::<(), fairkit_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`accumulate`](Self::accumulate) (weight sums for weights), and a positive weight sum
    /// on an entry with count 0.
    pub fn from_counts(
        y_true: &[bool],
        y_pred: &[bool],
        groups: &[u32],
        n_groups: usize,
        counts: &[u64],
        weight_sums: Option<&[f64]>,
    ) -> Result<Self> {
        let n = y_true.len();
        Error::check_len("counts", n, counts.len())?;
        // Lengths, codes and weights checked as rows, then each entry added `count` times at once.
        let mut table = Self::accumulate(y_true, y_pred, groups, n_groups, weight_sums)?;
        table.cells.iter_mut().for_each(|c| *c = 0);
        if let Some(w) = table.weighted.as_mut() {
            w.iter_mut().for_each(|v| *v = 0.0);
        }
        for i in 0..n {
            let k = 4 * groups[i] as usize + cell(y_true[i], y_pred[i]);
            table.cells[k] += counts[i];
            if let (Some(w), Some(s)) = (table.weighted.as_mut(), weight_sums) {
                if counts[i] == 0 && s[i] != 0.0 {
                    return Err(Error::invalid(
                        "weight sum",
                        s[i],
                        &format!("row {i}: a cell with count 0 must have weight sum 0"),
                    ));
                }
                w[k] += s[i];
            }
        }
        Ok(table)
    }

    /// A table from raw cells (`4 * g + 2 * y + ŷ` layout), as the bootstrap builds them.
    pub(crate) fn from_cells(cells: Vec<u64>, weighted: Option<Vec<f64>>) -> Self {
        Self { cells, weighted }
    }

    /// Adds rows whose lengths and codes the caller has validated.
    fn add_rows(&mut self, y: &[bool], p: &[bool], g: &[u32], w: Option<&[f64]>) {
        match w {
            None => count_unweighted(&mut self.cells, y, p, g),
            Some(w) => {
                let weighted = self.weighted.as_mut().expect("weighted table");
                for i in 0..y.len() {
                    let k = 4 * g[i] as usize + cell(y[i], p[i]);
                    self.cells[k] += 1;
                    weighted[k] += w[i];
                }
            }
        }
    }

    /// Adds one row (for streaming use). `group` must be below [`n_groups`](Self::n_groups).
    pub fn push(&mut self, y: bool, p: bool, group: u32, weight: f64) {
        let k = 4 * group as usize + cell(y, p);
        self.cells[k] += 1;
        if let Some(w) = self.weighted.as_mut() {
            w[k] += weight;
        }
    }

    /// Removes one row previously pushed (for rolling windows).
    pub fn remove(&mut self, y: bool, p: bool, group: u32, weight: f64) {
        let k = 4 * group as usize + cell(y, p);
        self.cells[k] -= 1;
        if let Some(w) = self.weighted.as_mut() {
            w[k] -= weight;
        }
    }

    /// Adds the counts of another table over the same groups (shards merge into the whole).
    ///
    /// # Errors
    /// Tables with different group counts or one weighted and one not.
    pub fn merge(&mut self, other: &ConfusionTable) -> Result<()> {
        Error::check_len(
            "groups of merged table",
            self.cells.len(),
            other.cells.len(),
        )?;
        if self.weighted.is_some() != other.weighted.is_some() {
            return Err(Error::invalid(
                "merge",
                "weighted with unweighted",
                "both tables must be weighted or both unweighted",
            ));
        }
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            *a += b;
        }
        if let (Some(a), Some(b)) = (self.weighted.as_mut(), other.weighted.as_ref()) {
            for (a, b) in a.iter_mut().zip(b) {
                *a += b;
            }
        }
        Ok(())
    }

    /// The unweighted row counts of group `code`, in cell order `2 * y + ŷ` (tn, fp, fn, tp).
    pub(crate) fn unweighted_cells(&self, code: usize) -> [u64; 4] {
        let c = &self.cells[4 * code..4 * code + 4];
        [c[0], c[1], c[2], c[3]]
    }

    /// Number of groups.
    pub fn n_groups(&self) -> usize {
        self.cells.len() / 4
    }

    /// Whether sums are weighted.
    pub fn is_weighted(&self) -> bool {
        self.weighted.is_some()
    }

    /// The counts of group `code`.
    pub fn group(&self, code: usize) -> Confusion {
        let c = &self.cells[4 * code..4 * code + 4];
        let rows = c.iter().sum();
        let s = match &self.weighted {
            Some(w) => [
                w[4 * code],
                w[4 * code + 1],
                w[4 * code + 2],
                w[4 * code + 3],
            ],
            None => [c[0] as f64, c[1] as f64, c[2] as f64, c[3] as f64],
        };
        Confusion {
            tn: s[0],
            fp: s[1],
            fn_: s[2],
            tp: s[3],
            rows,
        }
    }

    /// The counts of every group, indexed by code.
    pub fn groups(&self) -> Vec<Confusion> {
        (0..self.n_groups()).map(|g| self.group(g)).collect()
    }

    /// The counts over all rows.
    pub fn overall(&self) -> Confusion {
        let mut total = Confusion::default();
        for g in 0..self.n_groups() {
            total.add(&self.group(g));
        }
        total
    }
}

/// The unweighted hot loop: four interleaved count tables so that consecutive rows of the same
/// group do not wait on each other's increments, then one sum.
fn count_unweighted(cells: &mut [u64], y: &[bool], p: &[bool], g: &[u32]) {
    let width = cells.len();
    let mut lanes = vec![0u64; 4 * width];
    let (l0, rest) = lanes.split_at_mut(width);
    let (l1, rest) = rest.split_at_mut(width);
    let (l2, l3) = rest.split_at_mut(width);
    let key = |g: u32, y: bool, p: bool| 4 * g as usize + cell(y, p);
    let (yc, pc, gc) = (y.chunks_exact(4), p.chunks_exact(4), g.chunks_exact(4));
    let tail = (yc.remainder(), pc.remainder(), gc.remainder());
    for ((y, p), g) in yc.zip(pc).zip(gc) {
        l0[key(g[0], y[0], p[0])] += 1;
        l1[key(g[1], y[1], p[1])] += 1;
        l2[key(g[2], y[2], p[2])] += 1;
        l3[key(g[3], y[3], p[3])] += 1;
    }
    for ((&y, &p), &g) in tail.0.iter().zip(tail.1).zip(tail.2) {
        l0[key(g, y, p)] += 1;
    }
    for k in 0..width {
        cells[k] += l0[k] + l1[k] + l2[k] + l3[k];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_of_o1() {
        let g = [0u32, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
        let y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0].map(|v| v == 1);
        let p = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0].map(|v| v == 1);
        let t = ConfusionTable::accumulate(&y, &p, &g, 2, None).unwrap();
        let a = t.group(0);
        assert_eq!((a.tp, a.fp, a.tn, a.fn_, a.rows), (2.0, 1.0, 2.0, 1.0, 6));
        let b = t.group(1);
        assert_eq!((b.tp, b.fp, b.tn, b.fn_, b.rows), (1.0, 0.0, 4.0, 1.0, 6));
        let w = [2.0, 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 3.];
        let tw = ConfusionTable::accumulate(&y, &p, &g, 2, Some(&w)).unwrap();
        assert_eq!(tw.group(0).tp, 3.0);
        assert_eq!(tw.group(1).tn, 6.0);
        assert_eq!(tw.group(1).rows, 6);
    }

    #[test]
    fn expected_counts_split_each_row() {
        let y = [true, false];
        let t = ConfusionTable::accumulate_expected(&y, &[0.25, 1.0], &[0, 0], 1, None).unwrap();
        let c = t.group(0);
        assert_eq!((c.tp, c.fn_, c.fp, c.tn, c.rows), (0.25, 0.75, 1.0, 0.0, 2));
        let hard = ConfusionTable::accumulate(&y, &[false, true], &[0, 0], 1, Some(&[1.0, 1.0]));
        let soft = ConfusionTable::accumulate_expected(&y, &[0.0, 1.0], &[0, 0], 1, None);
        assert_eq!(hard, soft);
        assert!(ConfusionTable::accumulate_expected(&y, &[0.5, 1.5], &[0, 0], 1, None).is_err());
    }

    #[test]
    fn push_and_remove_are_inverse() {
        let mut t = ConfusionTable::new(2, true);
        t.push(true, false, 1, 2.5);
        t.push(false, false, 0, 1.0);
        t.remove(true, false, 1, 2.5);
        assert_eq!(t.group(1), Confusion::default());
        assert_eq!(t.overall().tn, 1.0);
    }

    #[test]
    fn bad_input_is_an_error() {
        let y = [true, false];
        assert!(ConfusionTable::accumulate(&y, &[true], &[0, 0], 1, None).is_err());
        assert!(ConfusionTable::accumulate(&y, &y, &[0, 3], 2, None).is_err());
        assert!(ConfusionTable::accumulate(&y, &y, &[0, 1], 2, Some(&[1.0, f64::NAN])).is_err());
        assert!(ConfusionTable::accumulate(&y, &y, &[0, 1], 2, Some(&[1.0, -1.0])).is_err());
    }
}
