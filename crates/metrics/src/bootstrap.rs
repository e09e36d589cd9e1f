//! Bootstrap confidence intervals (docs/metrics.md#bootstrap-intervals).
//!
//! Each resample draws `n` rows with replacement from the whole data (not stratified by group)
//! and recomputes every statistic. Rows are never materialised: the rows are bucketed once by
//! their confusion cell (group × label × prediction), and a resample draws `n` uniform row
//! indices into that bucketed order, accumulating counts (and weights) per cell. A fixed
//! relabelling of row indices leaves uniform draws uniform, so this is exactly a resample of
//! whole rows. Memory: 4 bytes per row (plus 8 with weights). Resample `i` uses [`fairkit_core::rng::stream`]`(seed, i)`, so the results do not
//! depend on the number of threads.

use fairkit_core::rng;
use linfa::ParamGuard;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::ConfusionTable;
use crate::counts::cell;
use crate::error::{MetricsError, Result, invalid};

/// Checked parameters of bootstrap confidence intervals (see [`BootstrapParams`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapValidParams {
    n_boot: usize,
    quantiles: Vec<f64>,
    seed: u64,
}

impl BootstrapValidParams {
    /// Number of resamples (at least 1).
    pub fn n_boot(&self) -> usize {
        self.n_boot
    }

    /// Quantiles to report, each strictly inside (0, 1).
    pub fn quantiles(&self) -> &[f64] {
        &self.quantiles
    }

    /// Seed of the resampling.
    pub fn seed(&self) -> u64 {
        self.seed
    }
}

/// Unchecked parameters of bootstrap confidence intervals, a consuming builder (linfa's idiom):
/// [`check`](ParamGuard::check) gives the [`BootstrapValidParams`]; a report checks the ones it
/// is given ([`ReportParams::bootstrap`](crate::ReportParams::bootstrap)).
///
/// ```
/// use fairkit_metrics::{BootstrapParams, ParamGuard};
///
/// let params = BootstrapParams::new(1000, 7).with_quantiles(vec![0.05, 0.95]).check()?;
/// assert_eq!(params.quantiles(), [0.05, 0.95]);
/// assert!(BootstrapParams::new(0, 7).check().is_err());
/// # Ok::<(), fairkit_metrics::MetricsError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BootstrapParams(pub(crate) BootstrapValidParams);

impl BootstrapParams {
    /// `n_boot` resamples, reporting the 2.5 % and 97.5 % quantiles (a 95 % interval).
    pub fn new(n_boot: usize, seed: u64) -> Self {
        Self(BootstrapValidParams {
            n_boot,
            quantiles: vec![0.025, 0.975],
            seed,
        })
    }

    /// The same with other quantiles.
    pub fn with_quantiles(mut self, quantiles: Vec<f64>) -> Self {
        self.0.quantiles = quantiles;
        self
    }
}

impl ParamGuard for BootstrapParams {
    type Checked = BootstrapValidParams;
    type Error = MetricsError;

    /// Validates the parameters.
    ///
    /// # Errors
    /// `n_boot = 0`, no quantiles, or a quantile outside (0, 1).
    fn check_ref(&self) -> Result<&BootstrapValidParams> {
        check(&self.0)?;
        Ok(&self.0)
    }

    fn check(self) -> Result<BootstrapValidParams> {
        check(&self.0)?;
        Ok(self.0)
    }
}

/// The checks of [`BootstrapParams`], also run on the ones a report was given.
pub(crate) fn check(p: &BootstrapValidParams) -> Result<()> {
    if p.n_boot == 0 {
        return Err(invalid("n_boot", 0, "must be at least 1"));
    }
    fairkit_core::limits::BOOTSTRAP.check_usize("n_boot", p.n_boot)?;
    if p.quantiles.is_empty() {
        return Err(invalid("quantiles", "(none)", "at least one is needed"));
    }
    if let Some(q) = p.quantiles.iter().find(|q| !(**q > 0.0 && **q < 1.0)) {
        return Err(invalid(
            "quantiles",
            q,
            "each must be strictly inside (0, 1)",
        ));
    }
    Ok(())
}

/// Quantile `q` of ascending sorted values with linear interpolation, as numpy's default
/// (`method="linear"`), including its arithmetic. NaN for no values.
///
/// ```
/// use fairkit_metrics::quantile_linear;
/// assert_eq!(quantile_linear(&[1.0, 2.0, 4.0, 8.0], 0.5), 3.0);
/// assert_eq!(quantile_linear(&[1.0, 2.0, 4.0, 8.0], 0.9), 6.800000000000001);
/// ```
pub fn quantile_linear(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    // numpy's "linear" method: virtual index (n - 1) q, neighbours clamped to the ends.
    let v = (n - 1) as f64 * q;
    let below = v.floor();
    let gamma = v - below;
    let i = (below.max(0.0) as usize).min(n - 1);
    let j = (i + 1).min(n - 1);
    let (a, b) = (sorted[i], sorted[j]);
    // numpy's _lerp: a + (b - a) t, or b - (b - a)(1 - t) when t >= 0.5.
    let d = b - a;
    if gamma >= 0.5 {
        b - d * (1.0 - gamma)
    } else {
        a + d * gamma
    }
}

/// Rows bucketed by a cell key, ready to be resampled: each resample draws `n` rows with
/// replacement and returns, per cell, how many rows it drew (and the sum of their weights).
///
/// The key is the caller's: the gate's paired bootstrap (docs/gate-and-monitor.md#candidate-against-baseline)
/// uses group × label × both models' predictions, so that one resample of rows feeds both
/// models. Resample `index` of `seed` draws from [`fairkit_core::rng::stream`]`(seed, index)`,
/// so results do not depend on the number of threads.
///
/// ```
/// use fairkit_metrics::CellResampler;
/// let r = CellResampler::new(&[0, 2, 2, 1], 3, None);
/// let (counts, sums) = r.draw(7, 0);
/// assert_eq!(counts.iter().sum::<u64>(), 4);
/// assert!(sums.is_none());
/// assert_eq!(r.draw(7, 0).0, counts);
/// ```
#[derive(Debug, Clone)]
pub struct CellResampler {
    /// `starts[k]`: first bucketed position of cell `k`; `starts[n_cells] = n`.
    starts: Vec<u64>,
    /// The cell of each bucketed position (a lookup is faster than a search over `starts`).
    cell_at: Vec<u32>,
    /// Weights in bucketed order.
    weights: Option<Vec<f64>>,
}

impl CellResampler {
    /// Buckets rows by `keys` (each below `n_cells`; `weights`, when given, as long as `keys`).
    pub fn new(keys: &[u32], n_cells: usize, weights: Option<&[f64]>) -> Self {
        let mut starts = vec![0u64; n_cells + 1];
        for &k in keys {
            starts[k as usize + 1] += 1;
        }
        for k in 0..n_cells {
            starts[k + 1] += starts[k];
        }
        let weights = weights.map(|w| {
            let mut next = starts.clone();
            let mut sorted = vec![0.0; w.len()];
            for (&k, &wi) in keys.iter().zip(w) {
                sorted[next[k as usize] as usize] = wi;
                next[k as usize] += 1;
            }
            sorted
        });
        let cell_at = (0..n_cells)
            .flat_map(|k| std::iter::repeat_n(k as u32, (starts[k + 1] - starts[k]) as usize))
            .collect();
        Self {
            starts,
            cell_at,
            weights,
        }
    }

    /// Number of cells.
    pub fn n_cells(&self) -> usize {
        self.starts.len() - 1
    }

    /// The rows of the whole data per cell (and their weight sums, when weighted).
    pub fn totals(&self) -> (Vec<u64>, Option<Vec<f64>>) {
        let n_cells = self.n_cells();
        let counts = (0..n_cells)
            .map(|k| self.starts[k + 1] - self.starts[k])
            .collect();
        let sums = self.weights.as_ref().map(|w| {
            (0..n_cells)
                .map(|k| {
                    w[self.starts[k] as usize..self.starts[k + 1] as usize]
                        .iter()
                        .sum()
                })
                .collect()
        });
        (counts, sums)
    }

    /// Resample `index` of `seed`: per cell, the rows drawn (of `n` drawn with replacement) and,
    /// when weighted, the sum of their weights.
    pub fn draw(&self, seed: u64, index: u64) -> (Vec<u64>, Option<Vec<f64>>) {
        let n_cells = self.n_cells();
        let n = self.starts[n_cells] as usize;
        let mut r = rng::stream(seed, index);
        let mut cells = vec![0u64; n_cells];
        let bucket = |i: usize| self.cell_at[i] as usize;
        match &self.weights {
            None => {
                for _ in 0..n {
                    cells[bucket(rng::index(&mut r, n))] += 1;
                }
                (cells, None)
            }
            Some(w) => {
                let mut sums = vec![0.0; n_cells];
                for _ in 0..n {
                    let i = rng::index(&mut r, n);
                    let k = bucket(i);
                    cells[k] += 1;
                    sums[k] += w[i];
                }
                (cells, Some(sums))
            }
        }
    }
}

/// Rows bucketed by confusion cell (group × label × prediction).
pub(crate) struct Resampler(CellResampler);

impl Resampler {
    /// Buckets validated rows (`groups < n_groups`, equal lengths).
    pub(crate) fn new(
        y: &[bool],
        p: &[bool],
        groups: &[u32],
        n_groups: usize,
        weights: Option<&[f64]>,
    ) -> Self {
        let keys: Vec<u32> = (0..y.len())
            .map(|i| 4 * groups[i] + cell(y[i], p[i]) as u32)
            .collect();
        Self(CellResampler::new(&keys, 4 * n_groups, weights))
    }

    /// Resample `index` of `seed`: the counts of `n` rows drawn with replacement.
    pub(crate) fn draw(&self, seed: u64, index: u64) -> ConfusionTable {
        let (cells, sums) = self.0.draw(seed, index);
        ConfusionTable::from_cells(cells, sums)
    }
}

/// Pre-aggregated rows bucketed for resampling (docs/counts.md#bootstrap-from-counts): bucket
/// `b` stands for `counts[b]` rows of confusion cell `keys[b]`, each weighing
/// `weight_sums[b] / counts[b]` when weighted. Buckets are ordered by cell (stably), so the
/// positions of cell `k` are exactly those [`Resampler`] gives the raw rows of cell `k`: a
/// resample draws `n` uniform positions with the same generator calls, hence the same row counts
/// per cell as the raw rows' resample of the same seed and index (the multinomial bootstrap with
/// the total fixed).
pub(crate) struct BucketResampler {
    /// `starts[b]`: first position of bucket `b` (buckets with no rows are left out).
    starts: Vec<u64>,
    /// The cell of each bucket.
    cell: Vec<u32>,
    /// The weight of each of a bucket's rows, when weighted.
    weight: Option<Vec<f64>>,
    /// Total rows.
    n: u64,
    n_cells: usize,
}

impl BucketResampler {
    /// Buckets validated counts (`keys < n_cells`, equal lengths).
    pub(crate) fn new(
        keys: &[u32],
        counts: &[u64],
        n_cells: usize,
        weight_sums: Option<&[f64]>,
    ) -> Self {
        let mut order: Vec<usize> = (0..keys.len()).filter(|&b| counts[b] > 0).collect();
        order.sort_by_key(|&b| keys[b]);
        let mut starts = Vec::with_capacity(order.len());
        let mut n = 0u64;
        for &b in &order {
            starts.push(n);
            n += counts[b];
        }
        Self {
            starts,
            cell: order.iter().map(|&b| keys[b]).collect(),
            weight: weight_sums.map(|w| order.iter().map(|&b| w[b] / counts[b] as f64).collect()),
            n,
            n_cells,
        }
    }

    /// Resample `index` of `seed`: the counts (and weight sums) of `n` rows drawn with
    /// replacement.
    pub(crate) fn draw(&self, seed: u64, index: u64) -> ConfusionTable {
        let mut r = rng::stream(seed, index);
        let mut cells = vec![0u64; self.n_cells];
        let mut sums = self.weight.as_ref().map(|_| vec![0.0; self.n_cells]);
        let n = usize::try_from(self.n).expect("row count fits in usize");
        for _ in 0..n {
            let i = rng::index(&mut r, n) as u64;
            let b = self.starts.partition_point(|&s| s <= i) - 1;
            let k = self.cell[b] as usize;
            cells[k] += 1;
            if let (Some(sums), Some(w)) = (sums.as_mut(), self.weight.as_ref()) {
                sums[k] += w[b];
            }
        }
        ConfusionTable::from_cells(cells, sums)
    }
}

/// As [`run`] for pre-aggregated rows ([`BucketResampler`]).
///
/// # Errors
/// As [`run`].
pub(crate) fn run_counts<F>(
    params: &BootstrapValidParams,
    resampler: &BucketResampler,
    stats: F,
) -> Result<Vec<Vec<f64>>>
where
    F: Fn(&ConfusionTable) -> Vec<f64> + Sync,
{
    collect(params, |i| stats(&resampler.draw(params.seed, i)))
}

/// Runs the bootstrap: `stats` maps a resample's counts to a fixed-length vector of statistics;
/// the result holds, for each statistic, its value at each quantile (NaN resample values are
/// ignored; all NaN gives NaN). The resamples' statistics are held until the quantiles are
/// taken: their memory is planned from the first resample before the others are drawn.
///
/// # Errors
/// More memory than the machine has for `n_boot` resamples of these statistics.
pub(crate) fn run<F>(
    params: &BootstrapValidParams,
    y: &[bool],
    p: &[bool],
    groups: &[u32],
    n_groups: usize,
    weights: Option<&[f64]>,
    stats: F,
) -> Result<Vec<Vec<f64>>>
where
    F: Fn(&ConfusionTable) -> Vec<f64> + Sync,
{
    let resampler = Resampler::new(y, p, groups, n_groups, weights);
    collect(params, |i| stats(&resampler.draw(params.seed, i)))
}

/// The row positions that resample draws index into: the rows bucketed by cell (group ×
/// label × prediction) in row order within a cell, as [`Resampler`] buckets them. Drawing
/// `rng::index(stream(seed, i), n)` `n` times into this order gives exactly the rows of the
/// label report's resample `i`; without predictions every prediction counts as `false`.
pub(crate) fn bucketed_order(
    y: &[bool],
    p: Option<&[bool]>,
    groups: &[u32],
    n_groups: usize,
) -> Vec<u32> {
    let key = |i: usize| 4 * groups[i] as usize + cell(y[i], p.is_some_and(|p| p[i]));
    let mut next = vec![0usize; 4 * n_groups + 1];
    for i in 0..y.len() {
        next[key(i) + 1] += 1;
    }
    for k in 0..4 * n_groups {
        next[k + 1] += next[k];
    }
    let mut order = vec![0u32; y.len()];
    for i in 0..y.len() {
        let k = key(i);
        order[next[k]] = i as u32;
        next[k] += 1;
    }
    order
}

/// Draws resample `index` of `seed` into `order`: the `n` drawn row positions, in draw order.
pub(crate) fn draw_rows(order: &[u32], seed: u64, index: u64) -> Vec<u32> {
    let n = order.len();
    let mut r = rng::stream(seed, index);
    (0..n).map(|_| order[rng::index(&mut r, n)]).collect()
}

/// Runs `params.n_boot` resamples: `stats(i)` gives resample `i`'s fixed-length vector of
/// statistics; the result holds, for each statistic, its value at each quantile (NaN resample
/// values are ignored; all NaN gives NaN). Memory is planned from the first resample.
///
/// # Errors
/// More memory than the machine has for `n_boot` resamples of these statistics.
pub(crate) fn collect<F>(params: &BootstrapValidParams, stats: F) -> Result<Vec<Vec<f64>>>
where
    F: Fn(u64) -> Vec<f64> + Sync,
{
    let first = stats(0);
    let n_stats = first.len();
    let bytes_each = 8 * n_stats as u64 + std::mem::size_of::<Vec<f64>>() as u64;
    fairkit_core::limits::check_memory("n_boot", params.n_boot as u64, bytes_each, None)?;
    let mut samples: Vec<Vec<f64>> = Vec::with_capacity(params.n_boot);
    samples.push(first);
    samples.par_extend((1..params.n_boot as u64).into_par_iter().map(&stats));
    Ok((0..n_stats)
        .into_par_iter()
        .map(|j| {
            let mut v: Vec<f64> = samples
                .iter()
                .map(|s| s[j])
                .filter(|x| !x.is_nan())
                .collect();
            v.sort_by(f64::total_cmp);
            params
                .quantiles
                .iter()
                .map(|&q| quantile_linear(&v, q))
                .collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy() {
        // numpy.quantile(a, q) for these arrays (numpy 2.4.6).
        let a = [0.1, 0.2, 0.3, 0.7];
        let sorted = {
            let mut s = a.to_vec();
            s.sort_by(f64::total_cmp);
            s
        };
        let cases = [
            (0.025, 0.10750000000000001),
            (0.975, 0.6699999999999999),
            (0.5, 0.25),
            (0.1, 0.13),
        ];
        for (q, want) in cases {
            assert_eq!(quantile_linear(&sorted, q), want, "q = {q}");
        }
        let c = [
            0.0021060533511106927,
            0.021489705265908876,
            0.0254458609934608,
            0.02834747652200631,
            0.029040787574867943,
            0.030589983033553536,
            0.0938595867742349,
            0.13436424411240122,
            0.21659939713061338,
            0.2187810373376886,
            0.22169166627303505,
            0.22876222127045265,
            0.2308665415409843,
            0.23308445025757263,
            0.2550690257394217,
            0.28978161459048557,
            0.38120423768821243,
            0.4221165755827173,
            0.43276706790505337,
            0.43788759365057206,
            0.4453871940548014,
            0.4494910647887381,
            0.4596034657377336,
            0.49543508709194095,
            0.49581224138185065,
            0.5414124727934966,
            0.651592972722763,
            0.7215400323407826,
            0.762280082457942,
            0.763774618976614,
            0.7887233511355132,
            0.8357651039198697,
            0.8375779756625729,
            0.8474337369372327,
            0.9014274576114836,
            0.9391491627785106,
            0.9452706955539223,
        ];
        let want = [
            (0.025, 0.019551340074429057),
            (0.975, 0.9397613160560517),
            (0.05, 0.024654629847950416),
            (0.95, 0.9089717986448889),
            (0.333, 0.23084128969773793),
        ];
        for (q, w) in want {
            assert_eq!(quantile_linear(&c, q), w, "q = {q}");
        }
        assert_eq!(quantile_linear(&[3.0], 0.3), 3.0);
        assert!(quantile_linear(&[], 0.3).is_nan());
    }

    #[test]
    fn bucketed_resample_keeps_totals() {
        let y = [true, false, true, false, true];
        let p = [true, true, false, false, true];
        let g = [0, 1, 1, 0, 1];
        let w = [1.0, 2.0, 3.0, 4.0, 5.0];
        let r = Resampler::new(&y, &p, &g, 2, Some(&w));
        assert_eq!(r.0.starts, vec![0, 1, 1, 1, 2, 2, 3, 4, 5]);
        assert_eq!(r.0.weights.as_deref(), Some(&[4.0, 1.0, 2.0, 3.0, 5.0][..]));
        assert_eq!(r.0.cell_at, vec![0, 3, 5, 6, 7]);
        let t = r.draw(7, 3);
        assert_eq!(t.overall().rows, 5);
        assert_eq!(r.draw(7, 3), t);
    }

    /// The rows drawn into the bucketed order fall into exactly the cells of the label
    /// report's resample of the same seed and index.
    #[test]
    fn row_draws_are_the_label_resamples() {
        let y = [true, false, true, false, true, true, false, false, true];
        let p = [true, true, false, false, true, false, false, true, true];
        let g = [0, 1, 1, 0, 1, 2, 2, 0, 1];
        let r = Resampler::new(&y, &p, &g, 3, None);
        let order = bucketed_order(&y, Some(&p), &g, 3);
        for index in 0..20 {
            let rows = draw_rows(&order, 11, index);
            let mut cells = vec![0u64; 12];
            for &i in &rows {
                let i = i as usize;
                cells[4 * g[i] as usize + cell(y[i], p[i])] += 1;
            }
            assert_eq!(ConfusionTable::from_cells(cells, None), r.draw(11, index));
        }
    }

    /// Listed counts: cell keys, counts and weight sums.
    type Buckets = (Vec<u32>, Vec<u64>, Vec<f64>);

    /// A small deterministic dataset: `n` rows over `n_groups` groups with weights from a
    /// fixed pattern, and its pre-aggregation by (group, label, prediction, weight).
    fn rows_and_buckets(n: usize) -> (Vec<u32>, Vec<f64>, Buckets) {
        let mut r = rng::stream(3, 0);
        let mut keys = Vec::with_capacity(n);
        let mut w: Vec<f64> = Vec::with_capacity(n);
        for _ in 0..n {
            let g = rng::index(&mut r, 3) as u32;
            let y = rng::uniform(&mut r) < 0.4 + 0.1 * g as f64;
            let p = rng::uniform(&mut r) < if y { 0.7 } else { 0.2 + 0.1 * g as f64 };
            keys.push(4 * g + cell(y, p) as u32);
            // Dyadic weights, two values per cell: sums and means are exact.
            w.push([0.5, 1.0, 2.0, 1.25][rng::index(&mut r, 4)]);
        }
        let mut seen = std::collections::BTreeMap::new();
        for (&k, &wi) in keys.iter().zip(&w) {
            *seen.entry((k, wi.to_bits())).or_insert(0u64) += 1;
        }
        let (mut bk, mut bc, mut bw) = (Vec::new(), Vec::new(), Vec::new());
        // Listed in reverse, so that the buckets' order is not the rows'.
        for ((k, wb), c) in seen.into_iter().rev() {
            bk.push(k);
            bc.push(c);
            bw.push(f64::from_bits(wb) * c as f64);
        }
        (keys, w, (bk, bc, bw))
    }

    /// Unweighted, a resample from counts is the raw rows' resample of the same seed and index,
    /// cell for cell.
    #[test]
    fn counts_draw_the_rows_draws() {
        let (keys, _, (bk, bc, _)) = rows_and_buckets(500);
        let rows = CellResampler::new(&keys, 12, None);
        let counts = BucketResampler::new(&bk, &bc, 12, None);
        for index in 0..50 {
            let (cells, _) = rows.draw(9, index);
            assert_eq!(
                ConfusionTable::from_cells(cells, None),
                counts.draw(9, index)
            );
        }
        // Buckets with count 0 take no positions.
        let mut bk0 = bk.clone();
        let mut bc0 = bc.clone();
        bk0.insert(0, 5);
        bc0.insert(0, 0);
        let with_zero = BucketResampler::new(&bk0, &bc0, 12, None);
        assert_eq!(with_zero.draw(9, 4), counts.draw(9, 4));
    }

    /// Mean and standard deviation over `reps` resamples of `f` of each resample's table.
    fn moments(
        reps: u64,
        draw: impl Fn(u64) -> ConfusionTable,
        f: impl Fn(&ConfusionTable) -> f64,
    ) -> (f64, f64) {
        let v: Vec<f64> = (0..reps).map(|i| f(&draw(i))).collect();
        let m = v.iter().sum::<f64>() / reps as f64;
        let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (reps as f64 - 1.0);
        (m, var.sqrt())
    }

    /// Weighted, with one weight per listed count (the weight among the grouping columns),
    /// resamples from counts have the raw rows' distribution: the mean and standard deviation of
    /// a weighted selection-rate difference and of a cell's weight sum over 4000 resamples agree
    /// within 4 Monte-Carlo standard errors (different seeds, so the two runs are independent).
    #[test]
    fn weighted_counts_resample_as_rows_in_distribution() {
        let (keys, w, (bk, bc, bw)) = rows_and_buckets(400);
        let rows = Resampler(CellResampler::new(&keys, 12, Some(&w)));
        let counts = BucketResampler::new(&bk, &bc, 12, Some(&bw));
        let sr = |t: &ConfusionTable, g: usize| {
            let c = t.group(g);
            (c.tp + c.fp) / c.total()
        };
        let diff = |t: &ConfusionTable| sr(t, 0) - sr(t, 2);
        let sum5 = |t: &ConfusionTable| {
            let c = t.group(1);
            c.fp
        };
        let reps = 4000;
        for f in [&diff as &dyn Fn(&ConfusionTable) -> f64, &sum5] {
            let (m1, s1) = moments(reps, |i| rows.draw(21, i), f);
            let (m2, s2) = moments(reps, |i| counts.draw(22, i), f);
            let se_mean = (s1 * s1 / reps as f64 + s2 * s2 / reps as f64).sqrt();
            assert!(
                (m1 - m2).abs() < 4.0 * se_mean,
                "means {m1} {m2} (se {se_mean})"
            );
            // The sd of a sample sd is about sd / sqrt(2 (reps - 1)).
            let se_sd = ((s1 * s1 + s2 * s2) / (2.0 * (reps as f64 - 1.0))).sqrt();
            assert!((s1 - s2).abs() < 4.0 * se_sd, "sds {s1} {s2} (se {se_sd})");
        }
    }

    /// Weights that vary within a listed count are the documented limit: the resample from
    /// counts gives every row of the cell the cell's mean weight, so a cell's resampled weight
    /// sum has variance `c (1 - c/n) μ²` instead of the rows' `c σ² + c (1 - c/n) μ²`
    /// (docs/counts.md#bootstrap-from-counts). Both are checked against 4000 resamples.
    #[test]
    fn weight_spread_within_a_count_is_lost() {
        let (keys, w, _) = rows_and_buckets(400);
        // Aggregate by cell only: one count per (group, label, prediction).
        let mut bc = vec![0u64; 12];
        let mut bw = vec![0.0; 12];
        for (&k, &wi) in keys.iter().zip(&w) {
            bc[k as usize] += 1;
            bw[k as usize] += wi;
        }
        let bk: Vec<u32> = (0..12).collect();
        let rows = Resampler(CellResampler::new(&keys, 12, Some(&w)));
        let counts = BucketResampler::new(&bk, &bc, 12, Some(&bw));
        let k = 4 + cell(false, true);
        let ws: Vec<f64> = keys
            .iter()
            .zip(&w)
            .filter(|(kk, _)| **kk as usize == k)
            .map(|p| *p.1)
            .collect();
        let (c, n) = (ws.len() as f64, keys.len() as f64);
        let mu = ws.iter().sum::<f64>() / c;
        let s2 = ws.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>() / c;
        assert!(s2 > 0.01, "the cell's weights vary");
        let var_rows = c * s2 + c * (1.0 - c / n) * mu * mu;
        let var_counts = c * (1.0 - c / n) * mu * mu;
        let reps = 4000;
        let fp = |t: &ConfusionTable| t.group(1).fp;
        let (_, sd_rows) = moments(reps, |i| rows.draw(5, i), fp);
        let (_, sd_counts) = moments(reps, |i| counts.draw(5, i), fp);
        for (sd, var) in [(sd_rows, var_rows), (sd_counts, var_counts)] {
            let se = var.sqrt() / (2.0 * (reps as f64 - 1.0)).sqrt();
            assert!(
                (sd - var.sqrt()).abs() < 4.0 * se,
                "sd {sd} vs {}",
                var.sqrt()
            );
        }
    }
}
