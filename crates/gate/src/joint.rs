//! Simultaneous bootstrap intervals over every group and check, and the paired bootstrap of a
//! candidate against a baseline (docs/gate-and-monitor.md#simultaneous-intervals and
//! docs/gate-and-monitor.md#candidate-against-baseline).
//!
//! Each check is a function of *base statistics* that are smooth in the rates: the signed
//! pairwise differences of the groups' selection rates (demographic parity), of their TPRs and
//! FPRs (equalized odds), of their log selection rates (four-fifths), the groups' accuracies,
//! the overall accuracy, and, against a baseline, the candidate-minus-baseline difference of
//! each compared metric. One resample of rows feeds every statistic (and both models: the
//! bootstrap is paired). Each base statistic `θ_k` gets the interval `θ̂_k ± c · se_k`, `se_k`
//! the bootstrap standard deviation, with the critical value `c` of the multiplicity method:
//!
//! * `none`: `c = z(1 − α/2)`, each interval on its own (Efron & Tibshirani 1993, §13.2); the
//!   gate uses this only for the comparisons with a baseline, and for its checks the percentile
//!   interval of each check's own statistic (crate::measure);
//! * `bonferroni`: `c = z(1 − α/(2K))` over the `K` statistics (Bonferroni's inequality);
//! * `max-t`: `c` is the `1 − α` quantile over resamples of `max_k |θ*_k − θ̂_k| / se_k`, the
//!   single-step max-T of Westfall & Young (1993, §2.6), which accounts for the correlation of
//!   the statistics (pairs sharing a group). It is narrower than Bonferroni's when the
//!   standardized deviations are close to normal; a statistic with a heavy-tailed bootstrap
//!   distribution (the difference of two disparities when one model's is near 0) can make it
//!   wider.
//!
//! A check's interval follows from its base statistics' intervals: a disparity `max |d|` lies
//! in `[max dist(0, I_d), max max|I_d|]` whenever every `d` lies in its `I_d`. So when the
//! intervals hold simultaneously with probability `1 − α`, every check's interval holds, and
//! the gate fails a model whose true values all meet their thresholds with probability at most
//! `α`.

use fairkit_core::Groups;
use fairkit_metrics::{CellResampler, Confusion, quantile_linear};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::{CheckKind, GateConfig, Result};

/// How the intervals of many groups and checks are made simultaneous
/// (docs/gate-and-monitor.md#simultaneous-intervals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Multiplicity {
    /// Each interval at the confidence level on its own: with many groups and checks, some
    /// interval misses by chance and the gate fails by chance.
    None,
    /// Bonferroni: each of the `K` intervals at level `1 − (1 − c)/K`.
    Bonferroni,
    /// Westfall & Young's max-T: one critical value from the bootstrap distribution of the
    /// largest standardized deviation (the default).
    #[default]
    MaxT,
}

impl Multiplicity {
    /// The name used by `--multiplicity` and `gate.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Multiplicity::None => "none",
            Multiplicity::Bonferroni => "bonferroni",
            Multiplicity::MaxT => "max-t",
        }
    }
}

/// What a compared metric is: the candidate-minus-baseline difference of a check's statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compared {
    /// Demographic parity difference (max − min selection rate).
    DemographicParity,
    /// Equalized odds difference (worst of the TPR and FPR ranges).
    EqualizedOdds,
    /// Overall accuracy.
    Accuracy,
}

/// The rates of one model in one group (NaN when the denominator is 0).
#[derive(Debug, Clone, Copy)]
struct Rates {
    sr: f64,
    tpr: f64,
    fpr: f64,
    acc: f64,
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

impl Rates {
    fn of(c: &Confusion) -> Self {
        let w = c.total();
        Rates {
            sr: ratio(c.tp + c.fp, w),
            tpr: ratio(c.tp, c.positives()),
            fpr: ratio(c.fp, c.negatives()),
            acc: ratio(c.tp + c.tn, w),
        }
    }
}

/// Cells of the paired resampler: `8 g + 4 b + 2 y + a`, `a` and `b` the candidate's and the
/// baseline's predictions.
fn key(group: u32, y: bool, a: bool, b: bool) -> u32 {
    8 * group + 4 * u32::from(b) + 2 * u32::from(y) + u32::from(a)
}

/// The candidate's and the baseline's confusion counts per group, and overall.
fn models(counts: &[u64], sums: Option<&[f64]>) -> [(Vec<Confusion>, Confusion); 2] {
    let n_groups = counts.len() / 8;
    let value = |k: usize| sums.map_or(counts[k] as f64, |s| s[k]);
    let mut out = [
        (vec![Confusion::default(); n_groups], Confusion::default()),
        (vec![Confusion::default(); n_groups], Confusion::default()),
    ];
    for g in 0..n_groups {
        for cell in 0..8 {
            let k = 8 * g + cell;
            let (b, y, a) = (cell & 4 != 0, cell & 2 != 0, cell & 1 != 0);
            for (m, p) in [(0, a), (1, b)] {
                let c = &mut out[m].0[g];
                let slot = match (y, p) {
                    (true, true) => &mut c.tp,
                    (true, false) => &mut c.fn_,
                    (false, true) => &mut c.fp,
                    (false, false) => &mut c.tn,
                };
                *slot += value(k);
                c.rows += counts[k];
            }
        }
    }
    for (groups, overall) in &mut out {
        for c in groups.iter() {
            overall.add(c);
        }
    }
    out
}

/// One base statistic of the family, in the order [`Family::values`] computes them.
#[derive(Debug, Clone, Copy)]
enum Base {
    /// Overall accuracy.
    Accuracy,
    /// Accuracy of a group.
    GroupAccuracy(usize),
    /// `SR_g − SR_h`.
    SrDiff(usize, usize),
    /// `TPR_g − TPR_h`.
    TprDiff(usize, usize),
    /// `FPR_g − FPR_h`.
    FprDiff(usize, usize),
    /// `ln SR_g − ln SR_h`.
    LogSrRatio(usize, usize),
    /// Candidate minus baseline.
    Delta(Compared),
}

/// The range `max − min` of the defined values (NaN when none is defined).
fn range(values: impl Iterator<Item = f64>) -> f64 {
    let (lo, hi) = values
        .filter(|v| !v.is_nan())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo.is_finite() { hi - lo } else { f64::NAN }
}

fn compared(c: Compared, rates: &[Rates], overall: &Rates) -> f64 {
    match c {
        Compared::DemographicParity => range(rates.iter().map(|r| r.sr)),
        Compared::EqualizedOdds => {
            range(rates.iter().map(|r| r.tpr)).max(range(rates.iter().map(|r| r.fpr)))
        }
        Compared::Accuracy => overall.acc,
    }
}

/// The statistics of a gate run: which checks read which base statistics.
pub(crate) struct Family {
    base: Vec<Base>,
    /// For each check, the positions of its base statistics.
    checks: Vec<(CheckKind, Vec<usize>)>,
    /// For each comparison, the position of its difference.
    comparisons: Vec<(Compared, usize)>,
    /// Groups with rows in the data.
    active: Vec<usize>,
}

impl Family {
    /// The base statistics of `checks` over the groups with rows, then one difference per
    /// comparison.
    pub(crate) fn new(checks: &[CheckKind], compare: &[Compared], active: Vec<usize>) -> Self {
        let mut base = Vec::new();
        let pairs: Vec<(usize, usize)> = active
            .iter()
            .enumerate()
            .flat_map(|(i, &g)| active[i + 1..].iter().map(move |&h| (g, h)))
            .collect();
        let mut push = |items: Vec<Base>| {
            let start = base.len();
            base.extend(items);
            (start..base.len()).collect::<Vec<usize>>()
        };
        let mut out = Vec::new();
        for &kind in checks {
            let items: Vec<Base> = match kind {
                CheckKind::Accuracy => vec![Base::Accuracy],
                CheckKind::GroupAccuracy => {
                    active.iter().map(|&g| Base::GroupAccuracy(g)).collect()
                }
                CheckKind::DemographicParityDifference => {
                    pairs.iter().map(|&(g, h)| Base::SrDiff(g, h)).collect()
                }
                CheckKind::EqualizedOddsDifference => pairs
                    .iter()
                    .map(|&(g, h)| Base::TprDiff(g, h))
                    .chain(pairs.iter().map(|&(g, h)| Base::FprDiff(g, h)))
                    .collect(),
                CheckKind::FourFifths => {
                    pairs.iter().map(|&(g, h)| Base::LogSrRatio(g, h)).collect()
                }
            };
            out.push((kind, push(items)));
        }
        let comparisons = compare
            .iter()
            .map(|&c| (c, push(vec![Base::Delta(c)])[0]))
            .collect();
        Family {
            base,
            checks: out,
            comparisons,
            active,
        }
    }

    /// Number of base statistics.
    pub(crate) fn len(&self) -> usize {
        self.base.len()
    }

    /// Every base statistic on paired cell counts.
    fn values(&self, counts: &[u64], sums: Option<&[f64]>) -> Vec<f64> {
        let [(cand, cand_all), (base, base_all)] = models(counts, sums);
        let rates: Vec<Rates> = cand.iter().map(Rates::of).collect();
        let active_rates = |all: &[Confusion]| -> Vec<Rates> {
            self.active.iter().map(|&g| Rates::of(&all[g])).collect()
        };
        let (ca, ba) = (active_rates(&cand), active_rates(&base));
        let (co, bo) = (Rates::of(&cand_all), Rates::of(&base_all));
        self.base
            .iter()
            .map(|b| match *b {
                Base::Accuracy => co.acc,
                Base::GroupAccuracy(g) => rates[g].acc,
                Base::SrDiff(g, h) => rates[g].sr - rates[h].sr,
                Base::TprDiff(g, h) => rates[g].tpr - rates[h].tpr,
                Base::FprDiff(g, h) => rates[g].fpr - rates[h].fpr,
                Base::LogSrRatio(g, h) => {
                    let (a, b) = (rates[g].sr, rates[h].sr);
                    if a > 0.0 && b > 0.0 {
                        a.ln() - b.ln()
                    } else {
                        f64::NAN
                    }
                }
                Base::Delta(c) => compared(c, &ca, &co) - compared(c, &ba, &bo),
            })
            .collect()
    }
}

/// The simultaneous intervals of a family, and what a check or comparison reads from them.
pub(crate) struct Intervals {
    /// Per base statistic: the point value and the interval (NaN ends when undefined).
    pub(crate) point: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    /// The critical value `c` (in standard errors).
    pub(crate) critical_value: f64,
    /// The statistics with an interval (the `K` of Bonferroni).
    pub(crate) family_size: usize,
}

/// The normal quantile `z(p)`.
fn z(p: f64) -> f64 {
    // Normal::standard() has no failure path; inverse_cdf of p in (0, 1) is finite.
    Normal::standard().inverse_cdf(p)
}

/// Runs the paired bootstrap of `family` and builds its intervals.
///
/// `baseline` defaults to the candidate's own predictions (then every difference is 0).
pub(crate) fn intervals(
    family: &Family,
    rows: Rows<'_>,
    config: &GateConfig,
    confidence: f64,
) -> Result<Intervals> {
    let resampler = resampler(rows);
    let (counts, sums) = resampler.totals();
    let point = family.values(&counts, sums.as_deref());
    let k = family.len();
    let bytes_each = 8 * k as u64 + std::mem::size_of::<Vec<f64>>() as u64;
    fairkit_core::limits::check_memory("n_boot", config.n_boot as u64, bytes_each, None)?;
    let samples: Vec<Vec<f64>> = (0..config.n_boot as u64)
        .into_par_iter()
        .map(|i| {
            let (c, s) = resampler.draw(config.seed, i);
            family.values(&c, s.as_deref())
        })
        .collect();
    let se: Vec<f64> = (0..k)
        .map(|j| {
            let v: Vec<f64> = samples
                .iter()
                .map(|s| s[j])
                .filter(|x| !x.is_nan())
                .collect();
            if point[j].is_nan() || v.len() < 2 {
                return f64::NAN;
            }
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            let ss: f64 = v.iter().map(|x| (x - mean) * (x - mean)).sum();
            (ss / (v.len() - 1) as f64).sqrt()
        })
        .collect();
    let family_size = se.iter().filter(|s| !s.is_nan()).count();
    let alpha = 1.0 - confidence;
    let critical_value = match config.multiplicity {
        Multiplicity::None => z(1.0 - alpha / 2.0),
        Multiplicity::Bonferroni => z(1.0 - alpha / (2.0 * family_size.max(1) as f64)),
        Multiplicity::MaxT => {
            let mut m: Vec<f64> = samples
                .iter()
                .map(|s| {
                    (0..k)
                        .filter(|&j| se[j] > 0.0 && !s[j].is_nan())
                        .map(|j| (s[j] - point[j]).abs() / se[j])
                        .fold(0.0, f64::max)
                })
                .collect();
            m.sort_by(f64::total_cmp);
            quantile_linear(&m, 1.0 - alpha)
        }
    };
    let (lower, upper) = (0..k)
        .map(|j| {
            let h = critical_value * se[j];
            (point[j] - h, point[j] + h)
        })
        .unzip();
    Ok(Intervals {
        point,
        lower,
        upper,
        critical_value,
        family_size,
    })
}

/// The rows a run reads.
#[derive(Clone, Copy)]
pub(crate) struct Rows<'a> {
    pub(crate) y: &'a [bool],
    pub(crate) pred: &'a [bool],
    pub(crate) baseline: Option<&'a [bool]>,
    pub(crate) groups: &'a Groups,
    pub(crate) weights: Option<&'a [f64]>,
}

impl Intervals {
    fn each(&self, idx: &[usize]) -> Option<Vec<(f64, f64)>> {
        idx.iter()
            .map(|&j| {
                let (l, u) = (self.lower[j], self.upper[j]);
                (!l.is_nan() && !u.is_nan()).then_some((l, u))
            })
            .collect()
    }

    /// The interval of a check (`None` when a base statistic has none).
    pub(crate) fn check(&self, family: &Family, kind: CheckKind) -> Option<(f64, f64)> {
        let idx = &family.checks.iter().find(|(k, _)| *k == kind)?.1;
        let each = self.each(idx)?;
        // Bounds on max |d| from intervals on every d.
        let folded = || {
            each.iter().fold((0.0_f64, 0.0_f64), |(lo, hi), &(l, u)| {
                let dist = if l > 0.0 {
                    l
                } else if u < 0.0 {
                    -u
                } else {
                    0.0
                };
                (lo.max(dist), hi.max(l.abs().max(u.abs())))
            })
        };
        Some(match kind {
            CheckKind::Accuracy => (each[0].0.clamp(0.0, 1.0), each[0].1.clamp(0.0, 1.0)),
            CheckKind::GroupAccuracy => {
                let lo = each.iter().map(|e| e.0).fold(f64::INFINITY, f64::min);
                let hi = each.iter().map(|e| e.1).fold(f64::INFINITY, f64::min);
                (lo.clamp(0.0, 1.0), hi.clamp(0.0, 1.0))
            }
            CheckKind::DemographicParityDifference | CheckKind::EqualizedOddsDifference => {
                let (lo, hi) = folded();
                (lo.min(1.0), hi.min(1.0))
            }
            CheckKind::FourFifths => {
                let (lo, hi) = folded();
                ((-hi).exp(), (-lo).exp())
            }
        })
    }

    /// The point value and interval of a comparison's difference.
    pub(crate) fn comparison(&self, family: &Family, c: Compared) -> (f64, Option<(f64, f64)>) {
        let Some(&(_, j)) = family.comparisons.iter().find(|(k, _)| *k == c) else {
            return (f64::NAN, None);
        };
        (self.point[j], self.each(&[j]).map(|e| e[0]))
    }
}

/// The rows bucketed by group × label × both models' predictions, ready to be resampled
/// together (one resample feeds both models).
fn resampler(rows: Rows<'_>) -> CellResampler {
    let keys: Vec<u32> = (0..rows.y.len())
        .map(|i| {
            let a = rows.pred[i];
            let b = rows.baseline.map_or(a, |b| b[i]);
            key(rows.groups.codes()[i], rows.y[i], a, b)
        })
        .collect();
    CellResampler::new(&keys, 8 * rows.groups.n_groups(), rows.weights)
}

/// The candidate's and the baseline's value of a compared metric, on all rows.
pub(crate) fn both_values(rows: Rows<'_>, c: Compared) -> (f64, f64) {
    let (counts, sums) = resampler(rows).totals();
    let [(cand, cand_all), (base, base_all)] = models(&counts, sums.as_deref());
    let active = |all: &[Confusion]| -> Vec<Rates> {
        all.iter().filter(|c| c.rows > 0).map(Rates::of).collect()
    };
    (
        compared(c, &active(&cand), &Rates::of(&cand_all)),
        compared(c, &active(&base), &Rates::of(&base_all)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_cells_split_into_both_models() {
        // Group 0: (y, a, b) = (1, 1, 0), (0, 0, 0); group 1: (1, 1, 1).
        let mut counts = vec![0u64; 16];
        counts[key(0, true, true, false) as usize] += 1;
        counts[key(0, false, false, false) as usize] += 1;
        counts[key(1, true, true, true) as usize] += 1;
        let [(cand, call), (base, ball)] = models(&counts, None);
        assert_eq!((cand[0].tp, cand[0].tn, cand[0].fn_), (1.0, 1.0, 0.0));
        assert_eq!((base[0].tp, base[0].tn, base[0].fn_), (0.0, 1.0, 1.0));
        assert_eq!((cand[1].tp, base[1].tp), (1.0, 1.0));
        assert_eq!((call.rows, ball.rows), (3, 3));
        assert_eq!((call.tp, ball.tp), (2.0, 1.0));
    }

    #[test]
    fn critical_values_order() {
        // z(0.975) = 1.959964; Bonferroni over 10 at 95 %: z(0.9975) = 2.807034.
        assert!((z(0.975) - 1.959_963_984_540_054).abs() < 1e-9);
        assert!((z(1.0 - 0.05 / 20.0) - 2.807_033_768_343_811).abs() < 1e-6);
    }

    #[test]
    fn folded_bounds_of_a_disparity() {
        let family = Family::new(
            &[CheckKind::DemographicParityDifference],
            &[],
            vec![0, 1, 2],
        );
        let iv = Intervals {
            point: vec![0.1, -0.05, -0.15],
            lower: vec![0.02, -0.1, -0.2],
            upper: vec![0.18, 0.01, -0.1],
            critical_value: 2.0,
            family_size: 3,
        };
        // max dist(0, I) = 0.1 (third pair); max max|I| = 0.2.
        assert_eq!(
            iv.check(&family, CheckKind::DemographicParityDifference),
            Some((0.1, 0.2))
        );
    }
}
