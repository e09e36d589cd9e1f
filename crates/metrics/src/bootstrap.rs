//! Bootstrap confidence intervals (docs/metrics.md#bootstrap-intervals).
//!
//! Each resample draws `n` rows with replacement from the whole data (not stratified by group)
//! and recomputes every statistic. The grouped report draws a resample from the cells
//! ([`CellBootstrap`], docs/counts.md#bootstrap-from-cells): how many rows fall in each
//! confusion cell (a multinomial, as sequential binomials) and, with weights, their weight sums,
//! in O(cells) per resample. The gate's paired bootstrap and the score metrics, which need the
//! rows, draw `n` row indices into the rows bucketed by cell ([`CellResampler`]). Resample `i`
//! uses [`fairkit_core::rng::stream`]`(seed, i)`, so the results do not depend on the number of
//! threads.

use fairkit_core::moments::WeightMoments;
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

/// Rows bucketed by confusion cell (group × label × prediction): the row bootstrap, kept as
/// the oracle the cell bootstrap is tested against.
#[cfg(test)]
pub(crate) struct Resampler(CellResampler);

#[cfg(test)]
impl Resampler {
    /// Buckets rows by their cell keys (`4 g + 2 y + ŷ`, 3 groups).
    pub(crate) fn new_keys(keys: &[u32], weights: Option<&[f64]>) -> Self {
        Self(CellResampler::new(keys, 12, weights))
    }

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

/// The bootstrap over cells (docs/counts.md#bootstrap-from-cells): buckets of rows, each in one
/// confusion cell, with its row count and, when weighted, the mean and the (population)
/// variance of its rows' weights. A resample draws how many of the `n` rows fall in each
/// bucket as a multinomial (sequential conditional binomials, bucket by bucket), then, with
/// weights, the weight sum of the `m` rows drawn from a bucket: `m μ` exactly when its weights
/// are all equal, otherwise a gamma draw with the mean `m μ` and variance `m σ²` of the sum of
/// `m` weights drawn from the bucket. Cost: O(buckets) per resample, whatever `n`.
pub(crate) struct CellBootstrap {
    /// The confusion cell of each bucket (buckets with rows only, in cell order).
    cell: Vec<u32>,
    /// The rows of each bucket.
    count: Vec<u64>,
    /// Mean and variance of each bucket's weights, when weighted.
    weight: Option<Vec<(f64, f64)>>,
    /// Total rows.
    n: u64,
    n_cells: usize,
}

impl CellBootstrap {
    /// Buckets validated entries (`keys < n_cells`, equal lengths): entry `b` stands for
    /// `counts[b]` rows of cell `keys[b]` whose weights sum to `weight_sums[b]` and have
    /// population variance `weight_variances[b]` (0 without it). Entries of one cell are pooled
    /// into one bucket (counts and weight sums added, the variance of the pooled weights), so
    /// that the same rows give the same buckets, and the same draws, however they were listed;
    /// cells without rows are left out; buckets are in cell order.
    pub(crate) fn new(
        keys: &[u32],
        counts: &[u64],
        n_cells: usize,
        weight_sums: Option<&[f64]>,
        weight_variances: Option<&[f64]>,
    ) -> Self {
        // Per cell: rows, weight sum, the sum of squared weights (Σ c (σ² + μ²)), how many
        // entries list it and the first of them.
        let mut rows = vec![0u64; n_cells];
        let mut sum = vec![0.0f64; n_cells];
        let mut square = vec![0.0f64; n_cells];
        let mut listed = vec![0u32; n_cells];
        let mut first = vec![0usize; n_cells];
        for (b, &k) in keys.iter().enumerate() {
            let (k, c) = (k as usize, counts[b]);
            if c == 0 {
                continue;
            }
            if listed[k] == 0 {
                first[k] = b;
            }
            listed[k] += 1;
            rows[k] += c;
            if let Some(w) = weight_sums {
                let mu = w[b] / c as f64;
                let var = weight_variances.map_or(0.0, |v| v[b].max(0.0));
                sum[k] += w[b];
                square[k] += c as f64 * (var + mu * mu);
            }
        }
        let order: Vec<usize> = (0..n_cells).filter(|&k| rows[k] > 0).collect();
        let weight = weight_sums.map(|w| {
            order
                .iter()
                .map(|&k| {
                    let c = rows[k] as f64;
                    let (mu, var) = if listed[k] == 1 {
                        // Listed once: its own mean and variance, without pooling's rounding.
                        let b = first[k];
                        (w[b] / c, weight_variances.map_or(0.0, |v| v[b]))
                    } else {
                        let mu = sum[k] / c;
                        (mu, square[k] / c - mu * mu)
                    };
                    (mu, if var > 0.0 { var } else { 0.0 })
                })
                .collect()
        });
        Self {
            cell: order.iter().map(|&k| k as u32).collect(),
            count: order.iter().map(|&k| rows[k]).collect(),
            weight,
            n: order.iter().map(|&k| rows[k]).sum(),
            n_cells,
        }
    }

    /// The buckets of rows held in memory: one per confusion cell (`keys`, each below
    /// `n_cells`), with the count, weight sum and variance of the cell's weights.
    pub(crate) fn of_rows(keys: &[u32], n_cells: usize, weights: Option<&[f64]>) -> Self {
        let mut counts = vec![0u64; n_cells];
        let Some(w) = weights else {
            keys.iter().for_each(|&k| counts[k as usize] += 1);
            let all: Vec<u32> = (0..n_cells as u32).collect();
            return Self::new(&all, &counts, n_cells, None, None);
        };
        let mut moments = vec![WeightMoments::default(); n_cells];
        for (&k, &wi) in keys.iter().zip(w) {
            counts[k as usize] += 1;
            moments[k as usize].add(wi);
        }
        let sums: Vec<f64> = moments.iter().map(|m| m.sum).collect();
        let vars: Vec<f64> = moments
            .iter()
            .zip(&counts)
            .map(|(m, &c)| m.variance(c))
            .collect();
        let all: Vec<u32> = (0..n_cells as u32).collect();
        Self::new(&all, &counts, n_cells, Some(&sums), Some(&vars))
    }

    /// Resample `index` of `seed`: the counts (and weight sums) of `n` rows drawn with
    /// replacement, cell by cell.
    pub(crate) fn draw(&self, seed: u64, index: u64) -> ConfusionTable {
        use rand_distr::{Binomial, Distribution, Gamma};
        let mut r = rng::stream(seed, index);
        let mut cells = vec![0u64; self.n_cells];
        let mut sums = self.weight.as_ref().map(|_| vec![0.0; self.n_cells]);
        // Rows still to draw, and rows of the buckets not yet visited.
        let (mut left, mut rest) = (self.n, self.n);
        for (b, &count) in self.count.iter().enumerate() {
            if left == 0 {
                break;
            }
            let m = if count == rest {
                left
            } else {
                // 0 < count < rest: a valid probability strictly inside (0, 1).
                let p = count as f64 / rest as f64;
                Binomial::new(left, p).map_or(0, |d| d.sample(&mut r))
            };
            left -= m;
            rest -= count;
            let k = self.cell[b] as usize;
            cells[k] += m;
            if let (Some(sums), Some(w)) = (sums.as_mut(), self.weight.as_ref()) {
                let (mu, var) = w[b];
                sums[k] += if m == 0 || var == 0.0 || mu == 0.0 {
                    m as f64 * mu
                } else {
                    // A sum of m gamma(μ²/σ², σ²/μ) weights: mean m μ, variance m σ².
                    Gamma::new(m as f64 * mu * mu / var, var / mu)
                        .map_or(m as f64 * mu, |g| g.sample(&mut r))
                };
            }
        }
        ConfusionTable::from_cells(cells, sums)
    }
}

/// As [`run`] for pre-aggregated rows ([`CellBootstrap`]).
///
/// # Errors
/// As [`run`].
pub(crate) fn run_cells<F>(
    params: &BootstrapValidParams,
    resampler: &CellBootstrap,
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
    let keys: Vec<u32> = (0..y.len())
        .map(|i| 4 * groups[i] + cell(y[i], p[i]) as u32)
        .collect();
    let resampler = CellBootstrap::of_rows(&keys, 4 * n_groups, weights);
    run_cells(params, &resampler, stats)
}

/// The row positions that resample draws index into: the rows bucketed by cell (group ×
/// label × prediction) in row order within a cell, as [`CellResampler`] buckets them. Drawing
/// `rng::index(stream(seed, i), n)` `n` times into this order gives exactly the rows of the
/// row bootstrap's resample `i`; without predictions every prediction counts as `false`.
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

    const REPS: u64 = 4000;

    /// Two independent runs of `REPS` resamples agree in mean and standard deviation within 4
    /// Monte-Carlo standard errors: the mean of `REPS` draws has standard error `sd / √REPS`,
    /// a sample sd about `sd / √(2 (REPS − 1))`; 4 of them is exceeded by chance with
    /// probability below 1e-4 (the draws are seeded, so the outcome is fixed).
    fn same_distribution(a: (f64, f64), b: (f64, f64), what: &str) {
        let ((m1, s1), (m2, s2)) = (a, b);
        let r = REPS as f64;
        let se_mean = ((s1 * s1 + s2 * s2) / r).sqrt();
        assert!(
            (m1 - m2).abs() < 4.0 * se_mean,
            "{what}: means {m1} {m2} (se {se_mean})"
        );
        let se_sd = ((s1 * s1 + s2 * s2) / (2.0 * (r - 1.0))).sqrt();
        assert!(
            (s1 - s2).abs() < 4.0 * se_sd,
            "{what}: sds {s1} {s2} (se {se_sd})"
        );
    }

    /// Selection rate of group `g` in a resample, and the difference between groups 0 and 2.
    fn sr(t: &ConfusionTable, g: usize) -> f64 {
        let c = t.group(g);
        (c.tp + c.fp) / c.total()
    }

    fn sr_diff(t: &ConfusionTable) -> f64 {
        sr(t, 0) - sr(t, 2)
    }

    /// Unweighted, the multinomial over cells is row resampling: a cell's count has the
    /// binomial mean `c` and variance `c (1 − c/n)` (checked against theory, within 4 standard
    /// errors), and the selection-rate difference has the rows' mean and sd. Buckets with no
    /// rows take no draws, and a resample repeats with its seed and index.
    #[test]
    fn cells_resample_as_rows_in_distribution() {
        let (keys, _, (bk, bc, _)) = rows_and_buckets(400);
        let rows = Resampler::new_keys(&keys, None);
        let cells = CellBootstrap::of_rows(&keys, 12, None);
        same_distribution(
            moments(REPS, |i| rows.draw(21, i), sr_diff),
            moments(REPS, |i| cells.draw(22, i), sr_diff),
            "selection-rate difference",
        );
        let k = 4 + cell(false, true);
        let c = keys.iter().filter(|&&x| x as usize == k).count() as f64;
        let n = keys.len() as f64;
        let fp = |t: &ConfusionTable| t.group(1).fp;
        let (m, sd) = moments(REPS, |i| cells.draw(23, i), fp);
        let want_sd = (c * (1.0 - c / n)).sqrt();
        assert!(
            (m - c).abs() < 4.0 * want_sd / (REPS as f64).sqrt(),
            "{m} vs {c}"
        );
        let se_sd = want_sd / (2.0 * (REPS as f64 - 1.0)).sqrt();
        assert!((sd - want_sd).abs() < 4.0 * se_sd, "{sd} vs {want_sd}");
        // The listed counts (by cell and weight) give the same distribution; an empty bucket
        // changes nothing, and draws repeat.
        let listed = CellBootstrap::new(&bk, &bc, 12, None, None);
        same_distribution(
            moments(REPS, |i| cells.draw(24, i), sr_diff),
            moments(REPS, |i| listed.draw(25, i), sr_diff),
            "listed counts",
        );
        let (mut bk0, mut bc0) = (bk.clone(), bc.clone());
        bk0.insert(0, 5);
        bc0.insert(0, 0);
        let with_zero = CellBootstrap::new(&bk0, &bc0, 12, None, None);
        assert_eq!(with_zero.draw(9, 4), listed.draw(9, 4));
        assert_eq!(cells.draw(9, 4), cells.draw(9, 4));
        assert_eq!(cells.draw(9, 4).overall().rows, 400);
    }

    /// Weighted, with one weight per listed count (the weight among the grouping columns),
    /// resamples from counts have the raw rows' distribution: the mean and standard deviation of
    /// a weighted selection-rate difference and of a cell's weight sum.
    #[test]
    fn weighted_counts_resample_as_rows_in_distribution() {
        let (keys, w, (bk, bc, bw)) = rows_and_buckets(400);
        let rows = Resampler::new_keys(&keys, Some(&w));
        let counts = CellBootstrap::new(&bk, &bc, 12, Some(&bw), None);
        let fp = |t: &ConfusionTable| t.group(1).fp;
        for (f, what) in [
            (&sr_diff as &dyn Fn(&ConfusionTable) -> f64, "difference"),
            (&fp, "weight sum"),
        ] {
            same_distribution(
                moments(REPS, |i| rows.draw(21, i), f),
                moments(REPS, |i| counts.draw(22, i), f),
                what,
            );
        }
    }

    /// Weights that vary within a cell: the rows' resampled weight sum of a cell of `c` rows
    /// out of `n` has variance `c σ² + c (1 − c/n) μ²`. The bootstrap over cells keeps it when
    /// it knows the variance of the cell's weights (rows in memory, streamed cells: a gamma
    /// draw of mean `m μ` and variance `m σ²` given `m`), and loses the first term when it does
    /// not (a counts file: every row weighs the mean). Each is checked against theory over
    /// 4000 resamples, and the weighted selection-rate difference from cells against the rows'.
    #[test]
    fn weight_spread_within_a_cell() {
        let (keys, w, _) = rows_and_buckets(400);
        // Aggregate by cell only: one count per (group, label, prediction).
        let mut bc = vec![0u64; 12];
        let mut bw = vec![0.0; 12];
        for (&k, &wi) in keys.iter().zip(&w) {
            bc[k as usize] += 1;
            bw[k as usize] += wi;
        }
        let bk: Vec<u32> = (0..12).collect();
        let rows = Resampler::new_keys(&keys, Some(&w));
        let counts = CellBootstrap::new(&bk, &bc, 12, Some(&bw), None);
        let cells = CellBootstrap::of_rows(&keys, 12, Some(&w));
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
        let fp = |t: &ConfusionTable| t.group(1).fp;
        let r = REPS as f64;
        type Draw<'a> = &'a dyn Fn(u64) -> ConfusionTable;
        let draws: [(Draw<'_>, f64, &str); 3] = [
            (&|i| rows.draw(5, i), var_rows, "rows"),
            (&|i| cells.draw(6, i), var_rows, "cells"),
            (&|i| counts.draw(7, i), var_counts, "counts"),
        ];
        for (draw, var, what) in draws {
            let (m, sd) = moments(REPS, draw, fp);
            let se_mean = var.sqrt() / r.sqrt();
            assert!(
                (m - c * mu).abs() < 4.0 * se_mean,
                "{what}: mean {m} vs {}",
                c * mu
            );
            let se = var.sqrt() / (2.0 * (r - 1.0)).sqrt();
            assert!(
                (sd - var.sqrt()).abs() < 4.0 * se,
                "{what}: sd {sd} vs {}",
                var.sqrt()
            );
        }
        same_distribution(
            moments(REPS, |i| rows.draw(8, i), sr_diff),
            moments(REPS, |i| cells.draw(9, i), sr_diff),
            "weighted difference",
        );
    }
}
