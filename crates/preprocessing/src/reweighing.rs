//! Reweighing (Kamiran and Calders 2012), docs/preprocessing.md#reweighing, in its multi-group
//! form.

use std::sync::Arc;

use fairkit_core::{Error, FairDataset, GroupSchema, Learner, require_weight_support};
use ndarray::ArrayView1;

use crate::groups::{resolve_codes, unseen};
use crate::{PreprocessingError, Result};

/// Fitted reweighing factors: one per (group, label) cell.
///
/// The factor of group `g` and label `ℓ` is the cell's expected mass under independence of group
/// and label divided by its observed mass,
/// `W(g, ℓ) = (N_ℓ · N_g) / (N · N_{g,ℓ}) = P(g) P(ℓ) / P(g, ℓ)`, where every `N` is a sum of
/// instance weights (1 per row when the data has none). Groups are the codes of the data's
/// [`fairkit_core::Groups`], so several sensitive columns give intersectional cells. A cell with
/// no weight has no factor (`None`).
///
/// Multiplying each row's weight by its cell's factor makes every group's weighted base rate
/// equal to the overall one while keeping the total weight. The new weights are meant for a
/// learner whose [`weight_support`](Learner::weight_support) is
/// [`WeightSupport::Honoured`]; [`fit_learner`](Self::fit_learner) refuses any other.
///
/// ```
/// use fairkit_core::{FairDataset, Groups};
/// use fairkit_preprocessing::Reweighing;
/// use ndarray::Array2;
///
/// // O4 (docs/test-oracles.md#o4): group a has labels 1,1,1,0,0,0 and group b 1,1,0,0,0,0.
/// let g = Groups::from_labels("g", &["a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b"])?;
/// let y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0].map(|v| v == 1).to_vec();
/// let data = FairDataset::new(Array2::zeros((12, 1)), y, g)?;
/// let rw = Reweighing::fit(&data)?;
/// assert_eq!(rw.factor(0, true), Some(5.0 / 6.0));
/// assert_eq!(rw.factor(1, false), Some(7.0 / 8.0));
/// let w = rw.weights(&data)?;
/// assert!((w.iter().sum::<f64>() - 12.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Reweighing {
    schema: Arc<GroupSchema>,
    /// Weight mass per group code, indexed by label (`[0]` = label 0).
    mass: Vec<[f64; 2]>,
    factors: Vec<[Option<f64>; 2]>,
    total: f64,
}

impl Reweighing {
    /// Fits the factors on training data.
    ///
    /// # Errors
    /// No rows, a single group with rows, a single label class, or weights that are all zero.
    pub fn fit(data: &FairDataset) -> Result<Self> {
        let groups = data.groups();
        groups.require_two_groups()?;
        data.require_both_classes()?;
        let mut mass = vec![[0.0; 2]; groups.n_groups()];
        for (i, (&code, &y)) in groups.codes().iter().zip(data.labels()).enumerate() {
            mass[code as usize][usize::from(y)] += data.weights().map_or(1.0, |w| w[i]);
        }
        let by_label = |l: usize| mass.iter().map(|m| m[l]).sum::<f64>();
        let label_mass = [by_label(0), by_label(1)];
        let total = label_mass[0] + label_mass[1];
        if total <= 0.0 {
            return Err(Error::invalid(
                "sample weights",
                "all zero",
                "the total weight must be positive",
            )
            .into());
        }
        let factors = mass
            .iter()
            .map(|cell| {
                let group = cell[0] + cell[1];
                [0, 1].map(|l| (cell[l] > 0.0).then(|| label_mass[l] * group / (total * cell[l])))
            })
            .collect();
        Ok(Self {
            schema: Arc::clone(groups.schema_arc()),
            mass,
            factors,
            total,
        })
    }

    /// Fits on `data` and returns it with reweighed instance weights.
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    pub fn fit_transform(data: &FairDataset) -> Result<FairDataset> {
        Self::fit(data)?.transform(data)
    }

    /// The factor of a (group code, label) cell, `None` when the cell had no weight.
    ///
    /// Codes are those of the fitted schema; a code outside it gives `None`.
    pub fn factor(&self, group: u32, label: bool) -> Option<f64> {
        self.factors.get(group as usize)?[usize::from(label)]
    }

    /// The weight mass of a (group code, label) cell at fit time (0 for an unknown code).
    pub fn cell_mass(&self, group: u32, label: bool) -> f64 {
        self.mass
            .get(group as usize)
            .map_or(0.0, |m| m[usize::from(label)])
    }

    /// The total weight at fit time.
    pub fn total_mass(&self) -> f64 {
        self.total
    }

    /// The group schema the factors were fitted on.
    pub fn schema(&self) -> &GroupSchema {
        &self.schema
    }

    /// The new instance weights of `data`: each row's weight (1 when the data has none)
    /// multiplied by its cell's factor. A row of weight 0 keeps 0 even in a cell with no factor.
    ///
    /// # Errors
    /// A group that had no rows at fit time, or a row of positive weight in a cell that had no
    /// weight at fit time ([`PreprocessingError::EmptyCell`]).
    pub fn weights(&self, data: &FairDataset) -> Result<Vec<f64>> {
        let codes = resolve_codes(&self.schema, data.groups())?;
        codes
            .iter()
            .zip(data.labels())
            .enumerate()
            .map(|(i, (&code, &y))| {
                let w = data.weights().map_or(1.0, |w| w[i]);
                let cell = self.mass[code as usize];
                if cell[0] + cell[1] <= 0.0 {
                    return Err(unseen(&self.schema, code).into());
                }
                match self.factors[code as usize][usize::from(y)] {
                    Some(f) => Ok(w * f),
                    None if w == 0.0 => Ok(0.0),
                    None => Err(PreprocessingError::EmptyCell {
                        group: self.schema.describe(code),
                        label: u8::from(y),
                    }),
                }
            })
            .collect()
    }

    /// `data` with its instance weights replaced by [`weights`](Self::weights); features, labels
    /// and groups are unchanged.
    ///
    /// # Errors
    /// As [`weights`](Self::weights).
    pub fn transform(&self, data: &FairDataset) -> Result<FairDataset> {
        let w = self.weights(data)?;
        Ok(data.clone().with_weights(w)?)
    }

    /// Fits `learner` on `data` with the reweighed instance weights.
    ///
    /// # Errors
    /// A learner that ignores weights ([`Error::IgnoresWeights`]), anything
    /// [`weights`](Self::weights) refuses, or the learner's own failure.
    pub fn fit_learner<L: Learner>(&self, learner: &L, data: &FairDataset) -> Result<L::Model> {
        require_weight_support(learner, "reweighing")?;
        let w = self.weights(data)?;
        Ok(learner.fit(
            data.features(),
            data.labels_view(),
            Some(ArrayView1::from(&w[..])),
        )?)
    }
}
