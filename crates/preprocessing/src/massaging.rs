//! Massaging (Kamiran and Calders 2012), docs/preprocessing.md#massaging: relabel the training
//! rows a ranker is least sure about until the two groups' base rates agree.

use serde::{Deserialize, Serialize};

use fairkit_core::text::quote_list;
use fairkit_core::{Classifier, Error, FairDataset, Learner};
use linfa::ParamGuard;
use ndarray::ArrayView1;

use crate::groups::two_groups;
use crate::{PreprocessingError, Result};

/// Validated parameters of [`Massaging`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MassagingValidParams {
    privileged: Option<String>,
}

/// Parameters of [`Massaging`], checked when fitting (linfa's [`ParamGuard`] idiom).
///
/// | name | default | meaning |
/// |---|---|---|
/// | `privileged` | the group with the higher base rate | the group whose positives may be demoted |
///
/// The paper has no other parameter: the number of relabelled pairs follows from the data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MassagingParams(MassagingValidParams);

impl MassagingParams {
    /// Names the privileged group by its label (as [`fairkit_core::GroupSchema::label`] writes
    /// it, e.g. `Male`, or `sex=Male,race=White` with several sensitive columns). Without it the
    /// group with the higher base rate of label 1 is privileged; with it, a privileged group
    /// whose base rate is not the higher one gives no relabelling.
    pub fn privileged(mut self, group: impl Into<String>) -> Self {
        self.0.privileged = Some(group.into());
        self
    }

    /// Checks the parameters and fits ([`MassagingValidParams::fit`]).
    ///
    /// # Errors
    /// Invalid parameters, and as [`MassagingValidParams::fit`].
    pub fn fit(&self, data: &FairDataset, scores: &[f64]) -> Result<Massaging> {
        self.check_ref()?.fit(data, scores)
    }

    /// Checks the parameters and fits with a ranker ([`MassagingValidParams::fit_ranker`]).
    ///
    /// # Errors
    /// Invalid parameters, and as [`MassagingValidParams::fit_ranker`].
    pub fn fit_ranker<L: Learner>(&self, ranker: &L, data: &FairDataset) -> Result<Massaging> {
        self.check_ref()?.fit_ranker(ranker, data)
    }
}

impl ParamGuard for MassagingParams {
    type Checked = MassagingValidParams;
    type Error = PreprocessingError;

    fn check_ref(&self) -> Result<&Self::Checked> {
        if self.0.privileged.as_deref() == Some("") {
            return Err(Error::invalid("privileged", "", "must name a group").into());
        }
        Ok(&self.0)
    }

    fn check(self) -> Result<Self::Checked> {
        self.check_ref()?;
        Ok(self.0)
    }
}

impl MassagingValidParams {
    /// The privileged group's label, when it is set.
    pub fn privileged(&self) -> Option<&str> {
        self.privileged.as_deref()
    }

    /// Fits massaging on training data ranked by `scores` (one per row, higher = more likely
    /// label 1, e.g. a classifier's probability of label 1).
    ///
    /// Promotion candidates are the unprivileged group's label-0 rows by score, highest first;
    /// demotion candidates the privileged group's label-1 rows by score, lowest first; rows of
    /// equal score keep their row order in both lists. The first `M` of each list are
    /// relabelled, `M` being the paper's `disc · n_u · n_p / n` rounded to the nearest integer
    /// (halves up), 0 when `disc ≤ 0`, and at most the length of either list
    /// (docs/preprocessing.md#massaging).
    ///
    /// # Errors
    /// Sample weights ([`PreprocessingError::WeightsRefused`]), groups with rows other than two
    /// ([`PreprocessingError::NotTwoGroups`]), a `privileged` label that names no group of the
    /// data, a score count that differs from the row count, or a score that is not finite.
    pub fn fit(&self, data: &FairDataset, scores: &[f64]) -> Result<Massaging> {
        refuse_weights(data)?;
        let [first, second] = two_groups(data.groups(), "massaging")?;
        Error::check_len("scores", data.n_rows(), scores.len())?;
        // A branch-free check first (it vectorizes); the row is looked for only on failure.
        let all_finite = scores.iter().fold(true, |ok, v| ok & v.is_finite());
        if let Some((row, v)) = (!all_finite)
            .then(|| scores.iter().enumerate().find(|(_, v)| !v.is_finite()))
            .flatten()
        {
            return Err(Error::NonFinite {
                what: "scores".into(),
                row,
                value: v.to_string(),
            }
            .into());
        }
        // Rows and label-1 rows of each group (sums of flags, which vectorize).
        let (mut in_second, mut positive, mut positive_second) = (0u64, 0u64, 0u64);
        for (&code, &y) in data.groups().codes().iter().zip(data.labels()) {
            let second = code == second;
            in_second += u64::from(second);
            positive += u64::from(y);
            positive_second += u64::from(second & y);
        }
        let n_rows = data.n_rows() as u64;
        let rows = [n_rows - in_second, in_second];
        let positives = [positive - positive_second, positive_second];
        let schema = data.groups().schema();
        let (p, u) = match &self.privileged {
            Some(label) => {
                let code = schema
                    .code_of_label(label)
                    .filter(|c| [first, second].contains(c));
                match code {
                    Some(c) if c == first => (0, 1),
                    Some(_) => (1, 0),
                    None => {
                        return Err(Error::invalid(
                            "privileged",
                            label,
                            &format!(
                                "not a group of the data (the groups are {})",
                                quote_list(&[schema.label(first), schema.label(second)], 2)
                            ),
                        )
                        .into());
                    }
                }
            }
            // The higher base rate is privileged: P_0 / n_0 >= P_1 / n_1 in integers.
            None if u128::from(positives[0]) * u128::from(rows[1])
                >= u128::from(positives[1]) * u128::from(rows[0]) =>
            {
                (0, 1)
            }
            None => (1, 0),
        };
        let codes = [first, second];
        let n = rows[0] + rows[1];
        // disc · n_u · n_p = P_p · n_u − P_u · n_p, exactly.
        let numerator = i128::from(positives[p]) * i128::from(rows[u])
            - i128::from(positives[u]) * i128::from(rows[p]);
        let m_exact = numerator as f64 / n as f64;
        let rounded = if numerator <= 0 {
            0
        } else {
            // ⌊(2·num + n) / (2n)⌋: the nearest integer, halves up.
            ((2 * numerator + i128::from(n)) / (2 * i128::from(n))) as usize
        };

        // Promotion: highest score first; demotion: lowest first; equal scores in row order.
        // Each candidate is one integer, the score's order key above the row, so that both
        // orders are integer orders (total, ties by row) and only the first M need sorting.
        // Written without branches (labels and groups are unpredictable): every row is stored in
        // both lists, and a list's length moves on only where the row belongs to it.
        let (mut promotion, mut demotion) = (
            vec![0u128; rows[u] as usize + 1],
            vec![0u128; rows[p] as usize + 1],
        );
        let (mut n_promotion, mut n_demotion) = (0, 0);
        for (row, ((&code, &y), &score)) in data
            .groups()
            .codes()
            .iter()
            .zip(data.labels())
            .zip(scores)
            .enumerate()
        {
            let key = order_key(score);
            promotion[n_promotion] = candidate(!key, row);
            demotion[n_demotion] = candidate(key, row);
            n_promotion += usize::from((code == codes[u]) & !y);
            n_demotion += usize::from((code == codes[p]) & y);
        }
        promotion.truncate(n_promotion);
        demotion.truncate(n_demotion);
        let m = rounded.min(promotion.len()).min(demotion.len());
        first_sorted(&mut promotion, m);
        first_sorted(&mut demotion, m);

        let rate = |g: usize, shift: i64| (positives[g] as i64 + shift) as f64 / rows[g] as f64;
        let moved = m as i64;
        Ok(Massaging {
            n_rows: data.n_rows(),
            privileged: schema.label(codes[p]),
            unprivileged: schema.label(codes[u]),
            m_exact,
            m,
            promoted: promotion[..m].iter().map(|&c| row_of(c)).collect(),
            demoted: demotion[..m].iter().map(|&c| row_of(c)).collect(),
            promotion_candidates: promotion.len(),
            demotion_candidates: demotion.len(),
            base_rates_before: [rate(p, 0), rate(u, 0)],
            base_rates_after: [rate(p, -moved), rate(u, moved)],
        })
    }

    /// Fits `ranker` on `data` (unweighted) and fits massaging with its scores on the same rows
    /// ([`Classifier::score`]), as the paper does.
    ///
    /// # Errors
    /// The ranker's failure, and as [`fit`](Self::fit).
    pub fn fit_ranker<L: Learner>(&self, ranker: &L, data: &FairDataset) -> Result<Massaging> {
        // Checked before the ranker's fit, which would otherwise be wasted.
        refuse_weights(data)?;
        let model = ranker.fit(data.features(), data.labels_view(), None)?;
        self.fit(data, &model.score(data.features()).to_vec())
    }
}

/// An unsigned key whose order is `f64::total_cmp`'s (the sign bit flipped for positive
/// values, every bit for negative ones).
fn order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// A candidate row under a score key: ordered by the key, then by the row.
fn candidate(key: u64, row: usize) -> u128 {
    (u128::from(key) << 64) | row as u128
}

fn row_of(candidate: u128) -> usize {
    // The low 64 bits hold the row.
    (candidate & u128::from(u64::MAX)) as usize
}

/// Puts the `m` smallest candidates first, sorted.
fn first_sorted(candidates: &mut [u128], m: usize) {
    if m == 0 {
        return;
    }
    if m < candidates.len() {
        candidates.select_nth_unstable(m - 1);
    }
    candidates[..m].sort_unstable();
}

/// Massaging counts rows: weighted data is refused.
fn refuse_weights(data: &FairDataset) -> Result<()> {
    match data.weights() {
        Some(_) => Err(PreprocessingError::WeightsRefused {
            method: "massaging".into(),
            reason: "it relabels whole rows to make the groups' row counts agree".into(),
        }),
        None => Ok(()),
    }
}

/// Fitted massaging: which training rows change label (docs/preprocessing.md#massaging).
///
/// Massaging changes labels, not features: [`labels`](Self::labels) and
/// [`transform`](Self::transform) give the training data with the relabelled rows, on which any
/// learner can then be fitted ([`fit_learner`](Self::fit_learner)). The fit concerns the
/// training rows only: new data is predicted by the learner fitted on the massaged labels.
///
/// ```
/// use fairkit_core::{FairDataset, Groups};
/// use fairkit_preprocessing::Massaging;
/// use ndarray::Array2;
///
/// // Group a: 3 of 4 rows positive; group b: 1 of 4. M = (3·4 − 1·4) / 8 = 1.
/// let g = Groups::from_labels("g", &["a", "a", "a", "a", "b", "b", "b", "b"])?;
/// let y = [1, 1, 1, 0, 1, 0, 0, 0].map(|v| v == 1).to_vec();
/// let data = FairDataset::new(Array2::zeros((8, 1)), y, g)?;
/// let scores = [0.9, 0.4, 0.8, 0.3, 0.7, 0.6, 0.2, 0.6];
/// let fitted = Massaging::params().fit(&data, &scores)?;
/// assert_eq!((fitted.m(), fitted.promoted(), fitted.demoted()), (1, &[5][..], &[1][..]));
/// assert_eq!(fitted.base_rates_after(), [0.5, 0.5]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Massaging {
    n_rows: usize,
    privileged: String,
    unprivileged: String,
    m_exact: f64,
    m: usize,
    promoted: Vec<usize>,
    demoted: Vec<usize>,
    promotion_candidates: usize,
    demotion_candidates: usize,
    base_rates_before: [f64; 2],
    base_rates_after: [f64; 2],
}

impl Massaging {
    /// The default parameters (AIF360 has no massaging; these are the paper's).
    pub fn params() -> MassagingParams {
        MassagingParams::default()
    }

    /// The privileged group's label.
    pub fn privileged(&self) -> &str {
        &self.privileged
    }

    /// The unprivileged group's label.
    pub fn unprivileged(&self) -> &str {
        &self.unprivileged
    }

    /// The paper's `M = disc · n_u · n_p / n` before rounding.
    pub fn m_exact(&self) -> f64 {
        self.m_exact
    }

    /// The number of rows promoted (and of rows demoted).
    pub fn m(&self) -> usize {
        self.m
    }

    /// The 0-based rows relabelled from 0 to 1, in rank order.
    pub fn promoted(&self) -> &[usize] {
        &self.promoted
    }

    /// The 0-based rows relabelled from 1 to 0, in rank order.
    pub fn demoted(&self) -> &[usize] {
        &self.demoted
    }

    /// How many rows could have been promoted (the unprivileged group's label-0 rows).
    pub fn promotion_candidates(&self) -> usize {
        self.promotion_candidates
    }

    /// How many rows could have been demoted (the privileged group's label-1 rows).
    pub fn demotion_candidates(&self) -> usize {
        self.demotion_candidates
    }

    /// Base rates of label 1 before massaging, `[privileged, unprivileged]`.
    pub fn base_rates_before(&self) -> [f64; 2] {
        self.base_rates_before
    }

    /// Base rates of label 1 after massaging, `[privileged, unprivileged]`.
    pub fn base_rates_after(&self) -> [f64; 2] {
        self.base_rates_after
    }

    /// The massaged labels of the training rows whose labels are `labels`.
    ///
    /// # Errors
    /// A row count that differs from the fit, or a relabelled row whose label is not the one it
    /// had at fit time (the labels are not those massaging was fitted on).
    pub fn labels(&self, labels: &[bool]) -> Result<Vec<bool>> {
        Error::check_len("labels", self.n_rows, labels.len())?;
        let mut out = labels.to_vec();
        for (rows, from) in [(&self.promoted, false), (&self.demoted, true)] {
            for &i in rows.iter() {
                let Some(label) = out.get_mut(i) else {
                    return Err(Error::inconsistent(
                        "massaging",
                        format!("row {} is beyond the {} rows", i + 1, self.n_rows),
                    )
                    .into());
                };
                if *label != from {
                    return Err(Error::inconsistent(
                        "massaging",
                        format!(
                            "row {} has label {}, but massaging was fitted with label {}",
                            i + 1,
                            u8::from(*label),
                            u8::from(from)
                        ),
                    )
                    .into());
                }
                *label = !from;
            }
        }
        Ok(out)
    }

    /// The training data with massaged labels; features, groups and names are unchanged.
    ///
    /// # Errors
    /// Sample weights, and as [`labels`](Self::labels).
    pub fn transform(&self, data: &FairDataset) -> Result<FairDataset> {
        refuse_weights(data)?;
        let labels = self.labels(data.labels())?;
        Ok(FairDataset::with_names(
            data.features().to_owned(),
            labels,
            data.groups().clone(),
            data.feature_names().to_vec(),
        )?)
    }

    /// Fits `learner` on the training data with massaged labels (unweighted).
    ///
    /// # Errors
    /// As [`transform`](Self::transform), and the learner's own failure.
    pub fn fit_learner<L: Learner>(&self, learner: &L, data: &FairDataset) -> Result<L::Model> {
        let massaged = self.transform(data)?;
        Ok(learner.fit(
            massaged.features(),
            ArrayView1::from(massaged.labels()),
            None,
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_key_orders_as_total_cmp() {
        let values = [
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            5e-324,
            0.25,
            0.5000000000000001,
            1.0,
            f64::MAX,
            f64::INFINITY,
        ];
        for a in values {
            for b in values {
                assert_eq!(order_key(a).cmp(&order_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    #[test]
    fn candidates_order_by_key_then_row() {
        let scores = [(7, 0.5), (9, 0.25), (2, 0.5), (1, 0.75)];
        let first_three = |key: fn(f64) -> u64| {
            let mut c: Vec<u128> = scores.iter().map(|&(r, s)| candidate(key(s), r)).collect();
            first_sorted(&mut c, 3);
            c[..3].iter().map(|&x| row_of(x)).collect::<Vec<_>>()
        };
        // Promotion: highest score first, ties by row; demotion: lowest first.
        assert_eq!(first_three(|s| !order_key(s)), vec![1, 2, 7]);
        assert_eq!(first_three(order_key), vec![9, 2, 7]);
    }
}
