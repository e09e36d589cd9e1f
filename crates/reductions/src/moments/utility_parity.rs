use std::fmt;

use fairkit_core::{Error, FairDataset};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{GridBasis, LoadedMoment, Moment, normalized_weights, weight_at};
use crate::Result;

/// Which rows a parity constraint compares, and how they are split into events
/// (docs/reductions.md#concrete-constraints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Event {
    /// Every row, one event `"all"` (demographic parity, error rate parity).
    All,
    /// Rows with label 1 only (true positive rate parity).
    PositiveLabel,
    /// Rows with label 0 only (false positive rate parity).
    NegativeLabel,
    /// Every row, one event per label (equalized odds).
    EachLabel,
}

impl Event {
    /// The event of a row with label `y`, if it has one.
    fn of(self, y: bool) -> Option<EventKey> {
        match self {
            Event::All => Some(EventKey::All),
            Event::PositiveLabel => y.then_some(EventKey::Label(true)),
            Event::NegativeLabel => (!y).then_some(EventKey::Label(false)),
            Event::EachLabel => Some(EventKey::Label(y)),
        }
    }

    /// The label classes every group must contain.
    fn required_classes(self) -> &'static [bool] {
        match self {
            Event::All => &[],
            Event::PositiveLabel => &[true],
            Event::NegativeLabel => &[false],
            Event::EachLabel => &[false, true],
        }
    }
}

/// The event of one row: `"all"` or `"label=<y>"`. Ordered as fairlearn orders its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EventKey {
    /// The single event of demographic and error rate parity.
    All,
    /// The rows with this label.
    Label(bool),
}

impl fmt::Display for EventKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventKey::All => f.write_str("all"),
            EventKey::Label(y) => write!(f, "label={}", u8::from(*y)),
        }
    }
}

/// What is compared across groups (docs/reductions.md#utilities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Utility {
    /// The prediction itself, `g = h(x)`: `u0 = 0`, `u1 = 1`.
    Prediction,
    /// Whether the prediction is wrong, `g = |h(x) − y|`: `u0 = y`, `u1 = 1 − y`.
    Error,
}

/// The one bound of a parity constraint (docs/reductions.md#bounds). The type makes giving both
/// impossible.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// Each group's conditional mean stays within `ε` of the event-wide mean: `c = ε ≥ 0`.
    Difference(f64),
    /// `ratio·E[g|e,a] ≤ E[g|e] + slack` and `ratio·E[g|e] ≤ E[g|e,a] + slack`, with
    /// `ratio ∈ (0, 1]` and `slack ≥ 0`.
    Ratio {
        /// `ρ ∈ (0, 1]`.
        ratio: f64,
        /// `c ≥ 0` (fairlearn's `ratio_bound_slack`, default 0).
        slack: f64,
    },
}

impl Default for Bound {
    /// `Difference(0.01)`, fairlearn's default when no bound is given.
    fn default() -> Self {
        Bound::Difference(0.01)
    }
}

impl Bound {
    /// `(r, c)`: the ratio and the bound of every constraint.
    fn ratio_and_bound(self) -> (f64, f64) {
        match self {
            Bound::Difference(eps) => (1.0, eps),
            Bound::Ratio { ratio, slack } => (ratio, slack),
        }
    }

    /// Checks the ranges.
    ///
    /// # Errors
    /// A difference or slack that is negative or not finite, a ratio outside `(0, 1]`.
    pub fn check(self) -> Result<()> {
        let non_negative = |name: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(Error::invalid(name, v, "must be finite and >= 0"))
            }
        };
        match self {
            Bound::Difference(eps) => non_negative("difference_bound", eps)?,
            Bound::Ratio { ratio, slack } => {
                if !(ratio > 0.0 && ratio <= 1.0) {
                    return Err(Error::invalid("ratio_bound", ratio, "must be in (0, 1]").into());
                }
                non_negative("ratio_bound_slack", slack)?;
            }
        }
        Ok(())
    }
}

/// How [`LoadedMoment::project_lambda`] projects difference-bound multipliers
/// (docs/reductions.md#projecting-the-multipliers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
pub enum Projection {
    /// Fairlearn 0.15.0: within each event, shift `λ⁺ − λ⁻` by the weighted median of
    /// `(λ⁺ − λ⁻)/P(a|e)` before splitting it into positive and negative parts.
    #[default]
    WeightedMedian,
    /// Fairlearn 0.14 and earlier: split `λ⁺ − λ⁻` with no shift. Kept for comparisons.
    NoShift,
}

/// The sign of a parity constraint: `+` bounds `r·E[g|e,a] − E[g|e]`, `−` bounds
/// `r·E[g|e] − E[g|e,a]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Sign {
    /// The group's mean above the event's.
    Plus,
    /// The group's mean below the event's.
    Minus,
}

/// One constraint of a parity moment: sign, event and group code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ConstraintId {
    /// `+` or `−`.
    pub sign: Sign,
    /// The event.
    pub event: EventKey,
    /// The group code (see [`fairkit_core::Groups`]).
    pub group: u32,
}

/// The parity constraints of fairlearn's `UtilityParity` family
/// (docs/reductions.md#utility-parity): for every event `e` and group `a`, the group's conditional
/// mean utility stays close to the event's.
///
/// ```
/// use fairkit_reductions::{Bound, UtilityParity};
///
/// let dp = UtilityParity::demographic_parity();
/// assert_eq!(dp.bound(), Bound::Difference(0.01));
/// let eo = UtilityParity::equalized_odds().with_bound(Bound::Ratio { ratio: 0.8, slack: 0.0 });
/// assert!(eo.bound().check().is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UtilityParity {
    event: Event,
    utility: Utility,
    bound: Bound,
    projection: Projection,
}

impl UtilityParity {
    /// A parity constraint with the default bound `Difference(0.01)`.
    pub fn new(event: Event, utility: Utility) -> Self {
        Self {
            event,
            utility,
            bound: Bound::default(),
            projection: Projection::default(),
        }
    }

    /// `P[h=1 | a] ≈ P[h=1]`.
    pub fn demographic_parity() -> Self {
        Self::new(Event::All, Utility::Prediction)
    }

    /// `P[h=1 | a, y=1] ≈ P[h=1 | y=1]`.
    pub fn true_positive_rate_parity() -> Self {
        Self::new(Event::PositiveLabel, Utility::Prediction)
    }

    /// `P[h=1 | a, y=0] ≈ P[h=1 | y=0]`.
    pub fn false_positive_rate_parity() -> Self {
        Self::new(Event::NegativeLabel, Utility::Prediction)
    }

    /// True and false positive rate parity at once.
    pub fn equalized_odds() -> Self {
        Self::new(Event::EachLabel, Utility::Prediction)
    }

    /// `P[h≠y | a] ≈ P[h≠y]`.
    pub fn error_rate_parity() -> Self {
        Self::new(Event::All, Utility::Error)
    }

    /// The same constraint with another bound.
    pub fn with_bound(mut self, bound: Bound) -> Self {
        self.bound = bound;
        self
    }

    /// The same constraint with another projection of the multipliers.
    pub fn with_projection(mut self, projection: Projection) -> Self {
        self.projection = projection;
        self
    }

    /// The event.
    pub fn event(&self) -> Event {
        self.event
    }

    /// The utility.
    pub fn utility(&self) -> Utility {
        self.utility
    }

    /// The bound.
    pub fn bound(&self) -> Bound {
        self.bound
    }

    /// The projection.
    pub fn projection(&self) -> Projection {
        self.projection
    }
}

impl Moment for UtilityParity {
    type Loaded = LoadedUtilityParity;

    fn name(&self) -> String {
        match (self.event, self.utility) {
            (Event::All, Utility::Prediction) => "demographic_parity".into(),
            (Event::PositiveLabel, Utility::Prediction) => "true_positive_rate_parity".into(),
            (Event::NegativeLabel, Utility::Prediction) => "false_positive_rate_parity".into(),
            (Event::EachLabel, Utility::Prediction) => "equalized_odds".into(),
            (Event::All, Utility::Error) => "error_rate_parity".into(),
            (event, utility) => format!("utility_parity({event:?}, {utility:?})"),
        }
    }

    /// Binds the constraint to the labels, groups and weights of `data`.
    ///
    /// # Errors
    /// An invalid bound; fewer than two groups with rows; a group without a label class that
    /// the events need (e.g. no positives under true positive rate parity), reported as
    /// [`fairkit_core::Error::SingleClass`]; a group whose weights are all zero.
    fn load(&self, data: &FairDataset) -> Result<LoadedUtilityParity> {
        self.bound.check()?;
        let groups = data.groups();
        groups.require_two_groups()?;
        let schema = groups.schema();
        let codes = groups.codes();
        let labels = data.labels();
        let weights = normalized_weights(data)?;
        let n = labels.len();
        let n_groups = groups.n_groups();

        // Label classes present per group (by rows), for the single-class check.
        let mut has_class = vec![[false; 2]; n_groups];
        for (&g, &y) in codes.iter().zip(labels) {
            has_class[g as usize][usize::from(y)] = true;
        }
        for g in groups.present() {
            for &class in self.event.required_classes() {
                if !has_class[g as usize][usize::from(class)] {
                    let present = u8::from(!class).to_string();
                    return Err(Error::SingleClass {
                        class: present,
                        context: format!(
                            " in group {}, but {} needs rows with label {} in every group",
                            schema.describe(g),
                            self.name(),
                            u8::from(class)
                        ),
                    }
                    .into());
                }
            }
        }

        // Cells: the (event, group) pairs that occur, ordered by event then group code.
        let event_slot = |e: EventKey| match e {
            EventKey::All | EventKey::Label(false) => 0usize,
            EventKey::Label(true) => 1,
        };
        let mut mass = vec![[0.0f64; 2]; n_groups];
        let mut rows = vec![[0usize; 2]; n_groups];
        let mut row_event = Vec::with_capacity(n);
        for (i, (&g, &y)) in codes.iter().zip(labels).enumerate() {
            let e = self.event.of(y);
            if let Some(e) = e {
                mass[g as usize][event_slot(e)] += weight_at(weights.as_deref(), i);
                rows[g as usize][event_slot(e)] += 1;
            }
            row_event.push(e);
        }
        let events: Vec<EventKey> = match self.event {
            Event::All => vec![EventKey::All],
            Event::PositiveLabel => vec![EventKey::Label(true)],
            Event::NegativeLabel => vec![EventKey::Label(false)],
            Event::EachLabel => vec![EventKey::Label(false), EventKey::Label(true)],
        };
        let mut cells = Vec::new();
        let mut cell_index = vec![[u32::MAX; 2]; n_groups];
        let mut event_ranges = Vec::new();
        for &e in &events {
            let start = cells.len();
            let slot = event_slot(e);
            for g in 0..n_groups {
                if rows[g][slot] == 0 {
                    continue;
                }
                if mass[g][slot] <= 0.0 {
                    return Err(Error::EmptyGroup {
                        group: schema.describe(g as u32),
                        context: format!(" with positive sample weight in event {e}"),
                    }
                    .into());
                }
                cell_index[g][slot] = cells.len() as u32;
                cells.push(Cell {
                    event: e,
                    group: g as u32,
                    mass: mass[g][slot],
                });
            }
            let event_mass = cells[start..].iter().map(|c| c.mass).sum();
            event_ranges.push(EventCells {
                key: e,
                cells: start..cells.len(),
                mass: event_mass,
            });
        }
        let cell_event = cells
            .iter()
            .map(|c| events.iter().position(|&e| e == c.event).unwrap_or(0))
            .collect();
        let row_cell = codes
            .iter()
            .zip(&row_event)
            .map(|(&g, e)| e.map_or(u32::MAX, |e| cell_index[g as usize][event_slot(e)]))
            .collect();

        // GridSearch basis: events and groups in order of first appearance.
        let mut events_seen = Vec::new();
        for e in row_event.iter().flatten() {
            if !events_seen.contains(e) {
                events_seen.push(*e);
            }
        }
        let first_groups = groups.first_appearance();

        let (ratio, c) = self.bound.ratio_and_bound();
        let m = 2 * cells.len();
        Ok(LoadedUtilityParity {
            spec: *self,
            ratio,
            bound: vec![c; m],
            n,
            labels: labels.to_vec(),
            weights,
            row_cell,
            cells,
            cell_event,
            events: event_ranges,
            events_seen,
            first_groups,
            group_labels: schema.labels(),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Cell {
    event: EventKey,
    group: u32,
    /// `Σ ω` over the cell's rows (`n·P(e,a)`).
    mass: f64,
}

#[derive(Debug, Clone, PartialEq)]
struct EventCells {
    key: EventKey,
    cells: std::ops::Range<usize>,
    /// `Σ ω` over the event's rows (`n·P(e)`).
    mass: f64,
}

/// A [`UtilityParity`] bound to a dataset. Constraint `k < K` is `(+, cell k)` and `K + k` is
/// `(−, cell k)`, where the `K` cells are the (event, group) pairs that occur, ordered by event
/// and then group code: fairlearn's lexicographic index order.
///
/// `U` (docs/reductions.md#constraint-values) has at most 4 non-zeros per row and is never built:
/// `Uλ` and `Uᵀp` are computed per cell.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedUtilityParity {
    spec: UtilityParity,
    ratio: f64,
    bound: Vec<f64>,
    n: usize,
    labels: Vec<bool>,
    weights: Option<Vec<f64>>,
    /// Cell of each row, `u32::MAX` for rows without an event.
    row_cell: Vec<u32>,
    cells: Vec<Cell>,
    /// Index into `events` of each cell.
    cell_event: Vec<usize>,
    events: Vec<EventCells>,
    events_seen: Vec<EventKey>,
    first_groups: Vec<u32>,
    group_labels: Vec<String>,
}

impl LoadedUtilityParity {
    /// The unloaded parameters.
    pub fn spec(&self) -> &UtilityParity {
        &self.spec
    }

    /// The constraint ids in index order.
    pub fn constraints(&self) -> Vec<ConstraintId> {
        [Sign::Plus, Sign::Minus]
            .into_iter()
            .flat_map(|sign| {
                self.cells.iter().map(move |c| ConstraintId {
                    sign,
                    event: c.event,
                    group: c.group,
                })
            })
            .collect()
    }

    /// `P(e)` for every event, in index order.
    pub fn event_probabilities(&self) -> Vec<(EventKey, f64)> {
        self.events
            .iter()
            .map(|e| (e.key, e.mass / self.n as f64))
            .collect()
    }

    /// `P(e, a)` for every cell, in index order.
    pub fn cell_probabilities(&self) -> Vec<(EventKey, u32, f64)> {
        self.cells
            .iter()
            .map(|c| (c.event, c.group, c.mass / self.n as f64))
            .collect()
    }

    /// `(u0_i, d_i)`: the utility of predicting 0 and the gain of predicting 1.
    #[inline]
    fn utilities(&self, i: usize) -> (f64, f64) {
        match self.spec.utility {
            Utility::Prediction => (0.0, 1.0),
            Utility::Error => {
                if self.labels[i] {
                    (1.0, -1.0)
                } else {
                    (0.0, 1.0)
                }
            }
        }
    }

    /// `(Uλ)` for a row of each cell.
    fn u_lambda_per_cell(&self, lambda: &[f64]) -> Vec<f64> {
        let k = self.cells.len();
        let r = self.ratio;
        let event_term: Vec<f64> = self
            .events
            .iter()
            .map(|e| {
                let plus: f64 = lambda[e.cells.clone()].iter().sum();
                let minus: f64 = e.cells.clone().map(|c| lambda[k + c]).sum();
                (plus - r * minus) / (e.mass / self.n as f64)
            })
            .collect();
        self.cells
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let p_cell = cell.mass / self.n as f64;
                event_term[self.cell_event[c]] + (lambda[k + c] - r * lambda[c]) / p_cell
            })
            .collect()
    }
}

impl LoadedMoment for LoadedUtilityParity {
    fn n_rows(&self) -> usize {
        self.n
    }

    fn n_constraints(&self) -> usize {
        2 * self.cells.len()
    }

    fn constraint_labels(&self) -> Vec<String> {
        self.constraints()
            .iter()
            .map(|id| {
                let sign = if id.sign == Sign::Plus { '+' } else { '-' };
                format!(
                    "{sign},{},{}",
                    id.event, self.group_labels[id.group as usize]
                )
            })
            .collect()
    }

    fn gamma(&self, predictions: &[f64]) -> Vec<f64> {
        debug_assert_eq!(predictions.len(), self.n);
        let k = self.cells.len();
        let mut sums = vec![0.0; k];
        for (i, (&cell, &h)) in self.row_cell.iter().zip(predictions).enumerate() {
            if cell == u32::MAX {
                continue;
            }
            let (u0, d) = self.utilities(i);
            sums[cell as usize] += weight_at(self.weights.as_deref(), i) * (u0 + d * h);
        }
        let event_mean: Vec<f64> = self
            .events
            .iter()
            .map(|e| sums[e.cells.clone()].iter().sum::<f64>() / e.mass)
            .collect();
        let r = self.ratio;
        let mut gamma = vec![0.0; 2 * k];
        for (c, cell) in self.cells.iter().enumerate() {
            let group_mean = sums[c] / cell.mass;
            let e = event_mean[self.cell_event[c]];
            gamma[c] = r * group_mean - e;
            gamma[k + c] = r * e - group_mean;
        }
        gamma
    }

    fn bound(&self) -> &[f64] {
        &self.bound
    }

    fn project_lambda(&self, lambda: &[f64]) -> Vec<f64> {
        if self.ratio != 1.0 {
            return lambda.to_vec();
        }
        let k = self.cells.len();
        let mut delta: Vec<f64> = (0..k).map(|c| lambda[c] - lambda[k + c]).collect();
        if self.spec.projection == Projection::WeightedMedian {
            for e in &self.events {
                let idx: Vec<usize> = e.cells.clone().collect();
                let pi: Vec<f64> = idx.iter().map(|&c| self.cells[c].mass / e.mass).collect();
                let normalized: Vec<f64> =
                    idx.iter().zip(&pi).map(|(&c, p)| delta[c] / p).collect();
                let mut order: Vec<usize> = (0..idx.len()).collect();
                order.sort_by(|&a, &b| normalized[a].total_cmp(&normalized[b]));
                let half = pi.iter().sum::<f64>() / 2.0;
                let mut cumulative = 0.0;
                let mut shift = normalized[order[order.len() - 1]];
                for &o in &order {
                    cumulative += pi[o];
                    if cumulative >= half {
                        shift = normalized[o];
                        break;
                    }
                }
                for (j, &c) in idx.iter().enumerate() {
                    delta[c] -= pi[j] * shift;
                }
            }
        }
        let mut out = vec![0.0; 2 * k];
        for (c, &d) in delta.iter().enumerate() {
            out[c] = d.max(0.0);
            out[k + c] = (-d).max(0.0);
        }
        out
    }

    fn signed_weights(&self, lambda: &[f64]) -> Vec<f64> {
        debug_assert_eq!(lambda.len(), self.n_constraints());
        let per_cell = self.u_lambda_per_cell(lambda);
        // Each row alone, rows in parallel (the same values on any number of threads).
        self.row_cell
            .par_iter()
            .enumerate()
            .map(|(i, &cell)| {
                if cell == u32::MAX {
                    return 0.0;
                }
                let (_, d) = self.utilities(i);
                weight_at(self.weights.as_deref(), i) * d * per_cell[cell as usize]
            })
            .collect()
    }

    fn grid_basis(&self) -> GridBasis {
        let k = self.cells.len();
        let mut pos = Vec::new();
        let mut neg = Vec::new();
        let groups = &self.first_groups[..self.first_groups.len().saturating_sub(1)];
        for &e in &self.events_seen {
            for &g in groups {
                if let Some(c) = self.cells.iter().position(|c| c.event == e && c.group == g) {
                    pos.push(c);
                    neg.push(Some(k + c));
                }
            }
        }
        GridBasis {
            pos,
            neg,
            objective_in_span: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use fairkit_core::Groups;
    use ndarray::Array2;
    use proptest::prelude::*;

    /// O1 (docs/test-oracles.md#o1): groups, labels and predictions.
    fn o1() -> (FairDataset, Vec<f64>) {
        let g: Vec<&str> = [["a"; 6], ["b"; 6]].concat();
        let y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0]
            .map(|v| v == 1)
            .to_vec();
        let h = vec![1., 1., 0., 1., 0., 0., 1., 0., 0., 0., 0., 0.];
        let data = FairDataset::new(
            Array2::zeros((12, 1)),
            y,
            Groups::from_labels("g", &g).unwrap(),
        )
        .unwrap();
        (data, h)
    }

    fn assert_all_close(got: &[f64], expected: &[f64], eps: f64) {
        assert_eq!(got.len(), expected.len(), "{got:?}");
        for (g, e) in got.iter().zip(expected) {
            assert_abs_diff_eq!(*g, *e, epsilon = eps);
        }
    }

    #[test]
    fn o7_demographic_parity_gamma_bound_and_signed_weights() {
        let (data, h) = o1();
        let dp = UtilityParity::demographic_parity().load(&data).unwrap();
        assert_eq!(
            dp.constraint_labels(),
            vec!["+,all,a", "+,all,b", "-,all,a", "-,all,b"]
        );
        assert_all_close(
            &dp.gamma(&h),
            &[1. / 6., -1. / 6., -1. / 6., 1. / 6.],
            1e-15,
        );
        assert_eq!(dp.bound(), &[0.01; 4]);
        let sw = dp.signed_weights(&[0.5, 0.0, 0.0, 0.2]);
        let expected: Vec<f64> = [[-0.7; 6], [0.7; 6]].concat();
        assert_all_close(&sw, &expected, 1e-12);
    }

    #[test]
    fn o7_project_lambda_release_and_old() {
        let (data, _) = o1();
        let lambda = [0.5, 0.3, 0.1, 0.4];
        let release = UtilityParity::demographic_parity().load(&data).unwrap();
        assert_all_close(
            &release.project_lambda(&lambda),
            &[0.5, 0.0, 0.0, 0.0],
            1e-15,
        );
        let old = UtilityParity::demographic_parity()
            .with_projection(Projection::NoShift)
            .load(&data)
            .unwrap();
        assert_all_close(&old.project_lambda(&lambda), &[0.4, 0.0, 0.0, 0.1], 1e-15);
    }

    #[test]
    fn o7_equalized_odds_gamma() {
        let (data, h) = o1();
        let eo = UtilityParity::equalized_odds().load(&data).unwrap();
        assert_eq!(
            eo.constraint_labels(),
            vec![
                "+,label=0,a",
                "+,label=0,b",
                "+,label=1,a",
                "+,label=1,b",
                "-,label=0,a",
                "-,label=0,b",
                "-,label=1,a",
                "-,label=1,b"
            ]
        );
        let plus = [4. / 21., -1. / 7., 1. / 15., -1. / 10.];
        let minus = plus.map(|v: f64| -v);
        assert_all_close(&eo.gamma(&h), &[plus, minus].concat(), 1e-15);
    }

    #[test]
    fn o7_ratio_bounds() {
        let (data, h) = o1();
        let ratio = |slack| {
            UtilityParity::demographic_parity()
                .with_bound(Bound::Ratio { ratio: 0.8, slack })
                .load(&data)
                .unwrap()
        };
        let dp = ratio(0.01);
        assert_all_close(
            &dp.gamma(&h),
            &[
                0.8 / 2. - 1. / 3.,
                0.8 / 6. - 1. / 3.,
                0.8 / 3. - 0.5,
                0.8 / 3. - 1. / 6.,
            ],
            1e-15,
        );
        assert_all_close(&dp.gamma(&h), &[0.066667, -0.2, -0.233333, 0.1], 1e-6);
        assert_eq!(dp.bound(), &[0.01; 4]);
        assert_eq!(ratio(0.0).bound(), &[0.0; 4]);
        // Ratio bounds leave λ unprojected.
        assert_eq!(
            dp.project_lambda(&[0.5, 0.3, 0.1, 0.4]),
            vec![0.5, 0.3, 0.1, 0.4]
        );
    }

    #[test]
    fn error_rate_parity_compares_error_rates() {
        let (data, h) = o1();
        let erp = UtilityParity::error_rate_parity().load(&data).unwrap();
        // Errors: a 2/6 (rows 2, 3), b 1/6 (row 7), overall 3/12.
        assert_all_close(
            &erp.gamma(&h),
            &[
                1. / 3. - 0.25,
                1. / 6. - 0.25,
                0.25 - 1. / 3.,
                0.25 - 1. / 6.,
            ],
            1e-15,
        );
        // d = 1 − 2y flips the sign of the signed weights of positives.
        let sw = erp.signed_weights(&[0.5, 0.0, 0.0, 0.2]);
        assert_abs_diff_eq!(sw[0], 0.7, epsilon = 1e-12);
        assert_abs_diff_eq!(sw[3], -0.7, epsilon = 1e-12);
        assert_abs_diff_eq!(sw[6], -0.7, epsilon = 1e-12);
        assert_abs_diff_eq!(sw[8], 0.7, epsilon = 1e-12);
    }

    #[test]
    fn o1_weights_enter_every_probability() {
        let (data, h) = o1();
        let w = vec![2., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 3.];
        let weighted = data.clone().with_weights(w.clone()).unwrap();
        let dp = UtilityParity::demographic_parity().load(&weighted).unwrap();
        // SR_a = 4/7, SR_b = 1/8, overall 5/15.
        let gamma = dp.gamma(&h);
        assert_all_close(
            &gamma,
            &[
                4. / 7. - 1. / 3.,
                1. / 8. - 1. / 3.,
                1. / 3. - 4. / 7.,
                1. / 3. - 1. / 8.,
            ],
            1e-15,
        );
        let cells = dp.cell_probabilities();
        assert_abs_diff_eq!(cells[0].2, 7. / 15., epsilon = 1e-15);
        // Integer weights act as duplicated rows: same γ, signed weights up to one global scale.
        let dup: Vec<usize> = w
            .iter()
            .enumerate()
            .flat_map(|(i, &k)| std::iter::repeat_n(i, k as usize))
            .collect();
        let copies = data.select(&dup);
        let h_dup: Vec<f64> = dup.iter().map(|&i| h[i]).collect();
        let dp_dup = UtilityParity::equalized_odds().load(&copies).unwrap();
        let eo = UtilityParity::equalized_odds().load(&weighted).unwrap();
        assert_all_close(&eo.gamma(&h), &dp_dup.gamma(&h_dup), 1e-12);
        let lambda = [0.3, 0.1, 0.0, 0.7, 0.2, 0.0, 0.4, 0.05];
        let sw = eo.signed_weights(&lambda);
        let sw_dup = dp_dup.signed_weights(&lambda);
        let scale = 12.0 / 15.0; // ω = w·n/Σw
        for (k, &i) in dup.iter().enumerate() {
            assert_abs_diff_eq!(sw[i] / w[i], sw_dup[k] * scale, epsilon = 1e-12);
        }
    }

    #[test]
    fn unit_weights_reproduce_the_unweighted_arithmetic_exactly() {
        let (data, h) = o1();
        let unit = data.clone().with_weights(vec![1.0; 12]).unwrap();
        for c in [
            UtilityParity::demographic_parity(),
            UtilityParity::equalized_odds(),
            UtilityParity::error_rate_parity(),
        ] {
            let a = c.load(&data).unwrap();
            let b = c.load(&unit).unwrap();
            let lambda = [0.3, 0.1, 0.0, 0.7, 0.2, 0.0, 0.4, 0.05];
            let lambda = &lambda[..a.n_constraints()];
            assert_eq!(a.gamma(&h), b.gamma(&h));
            assert_eq!(a.signed_weights(lambda), b.signed_weights(lambda));
            assert_eq!(a.project_lambda(lambda), b.project_lambda(lambda));
        }
    }

    #[test]
    fn intersectional_groups_skip_empty_intersections() {
        // sex x race with (F, y) empty: 3 groups present, 6 constraints.
        let sex = vec!["F", "F", "M", "M", "M", "M"];
        let race = vec!["x", "x", "x", "x", "y", "y"];
        let groups = Groups::from_columns(&["sex", "race"], &[sex, race]).unwrap();
        let y = vec![true, false, true, false, true, false];
        let data = FairDataset::new(Array2::zeros((6, 1)), y, groups).unwrap();
        let dp = UtilityParity::demographic_parity().load(&data).unwrap();
        assert_eq!(
            dp.constraint_labels(),
            vec![
                "+,all,F,x",
                "+,all,M,x",
                "+,all,M,y",
                "-,all,F,x",
                "-,all,M,x",
                "-,all,M,y"
            ]
        );
        let gamma = dp.gamma(&[1., 1., 0., 0., 0., 0.]);
        assert_all_close(&gamma[..3], &[1. - 1. / 3., -1. / 3., -1. / 3.], 1e-15);
        // Basis: first-appearance order F,x then M,x then M,y; the last is dropped.
        let basis = dp.grid_basis();
        assert_eq!(basis.pos, vec![0, 1]);
        assert_eq!(basis.neg, vec![Some(3), Some(4)]);
    }

    #[test]
    fn bad_inputs_are_refused() {
        let (data, _) = o1();
        let invalid = |b: Bound| {
            matches!(
                UtilityParity::demographic_parity()
                    .with_bound(b)
                    .load(&data),
                Err(crate::ReductionsError::Core(Error::InvalidParameter { .. }))
            )
        };
        assert!(invalid(Bound::Ratio {
            ratio: 0.0,
            slack: 0.0
        }));
        assert!(invalid(Bound::Ratio {
            ratio: 1.5,
            slack: 0.0
        }));
        assert!(invalid(Bound::Ratio {
            ratio: 0.8,
            slack: -0.1
        }));
        assert!(invalid(Bound::Difference(-0.01)));
        assert!(invalid(Bound::Difference(f64::NAN)));
        assert!(!invalid(Bound::Ratio {
            ratio: 1.0,
            slack: 0.0
        }));

        // Group b without positives: TPR parity and equalized odds need them, DP does not.
        let g: Vec<&str> = [["a"; 3], ["b"; 3]].concat();
        let y = vec![true, false, true, false, false, false];
        let data = FairDataset::new(
            Array2::zeros((6, 1)),
            y,
            Groups::from_labels("g", &g).unwrap(),
        )
        .unwrap();
        for c in [
            UtilityParity::true_positive_rate_parity(),
            UtilityParity::equalized_odds(),
        ] {
            let err = c.load(&data).unwrap_err();
            assert!(
                matches!(&err, crate::ReductionsError::Core(Error::SingleClass { class, context })
                    if class == "0" && context.contains("g=b")),
                "{err}"
            );
        }
        assert!(
            UtilityParity::false_positive_rate_parity()
                .load(&data)
                .is_ok()
        );
        assert!(UtilityParity::demographic_parity().load(&data).is_ok());

        // A single group.
        let one = FairDataset::new(
            Array2::zeros((2, 1)),
            vec![true, false],
            Groups::from_labels("g", &["a", "a"]).unwrap(),
        )
        .unwrap();
        assert!(matches!(
            UtilityParity::demographic_parity().load(&one),
            Err(crate::ReductionsError::Core(Error::SingleGroup { .. }))
        ));
        // A group whose weights are all zero.
        let zero = data.with_weights(vec![1., 1., 1., 0., 0., 0.]).unwrap();
        assert!(matches!(
            UtilityParity::demographic_parity().load(&zero),
            Err(crate::ReductionsError::Core(Error::EmptyGroup { .. }))
        ));
    }

    fn random_data(codes: &[u32], labels: &[bool]) -> Option<FairDataset> {
        let names: Vec<String> = codes.iter().map(|c| format!("g{c}")).collect();
        let groups = Groups::from_labels("g", &names).ok()?;
        FairDataset::new(Array2::zeros((codes.len(), 1)), labels.to_vec(), groups).ok()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The projection keeps multipliers non-negative, never increases their L1 norm and
        /// keeps `λ·γ(h)` for every `h` (the shift is along a direction orthogonal to γ).
        #[test]
        fn projection_is_non_negative_and_keeps_lambda_dot_gamma(
            rows in prop::collection::vec((0u32..4, any::<bool>(), 0.0f64..1.0), 8..40),
            raw in prop::collection::vec(0.0f64..5.0, 16),
        ) {
            let codes: Vec<u32> = rows.iter().map(|r| r.0).collect();
            let labels: Vec<bool> = rows.iter().map(|r| r.1).collect();
            let h: Vec<f64> = rows.iter().map(|r| r.2).collect();
            let Some(data) = random_data(&codes, &labels) else { return Ok(()) };
            for c in [UtilityParity::demographic_parity(), UtilityParity::equalized_odds()] {
                let Ok(loaded) = c.load(&data) else { continue };
                let m = loaded.n_constraints();
                let lambda = &raw[..m.min(raw.len())];
                if lambda.len() < m { continue; }
                let projected = loaded.project_lambda(lambda);
                prop_assert!(projected.iter().all(|&v| v >= 0.0));
                let l1 = |v: &[f64]| v.iter().sum::<f64>();
                prop_assert!(l1(&projected) <= l1(lambda) + 1e-9);
                let gamma = loaded.gamma(&h);
                let dot = |a: &[f64]| a.iter().zip(&gamma).map(|(x, y)| x * y).sum::<f64>();
                prop_assert!((dot(&projected) - dot(lambda)).abs() < 1e-9);
                // Signed weights are the gradient of λ·γ: λ·γ(h) = −(1/n)Σ sw_i h_i + const.
                let sw = loaded.signed_weights(lambda);
                let zero = loaded.gamma(&vec![0.0; h.len()]);
                let lhs = dot(lambda) - zero.iter().zip(lambda).map(|(g, l)| g * l).sum::<f64>();
                let rhs = -sw.iter().zip(&h).map(|(s, x)| s * x).sum::<f64>() / h.len() as f64;
                prop_assert!((lhs - rhs).abs() < 1e-9);
            }
        }
    }
}
