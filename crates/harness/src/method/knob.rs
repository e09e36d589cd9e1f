//! Each method's main knob, the one `fairkit compare --sweep` varies (docs/sweeps.md): its
//! name, its default grid, the values it accepts and how to set it. [`MethodSpec::knob`] is
//! the one table; a new method with a knob adds one line there.

use fairkit_postprocessing::Constraint;
use fairkit_reductions::Bound;

use super::MethodSpec;

/// The bound of exponentiated gradient (a difference bound) and the threshold optimizer's
/// tolerance: 0.001 to 0.1, as Agarwal et al. (2018) sweep it.
pub const BOUND_GRID: [f64; 6] = [0.001, 0.005, 0.01, 0.02, 0.05, 0.1];

/// A mixing level in `[0, 1]` (the disparate-impact remover's repair level, the correlation
/// remover's alpha): none to full.
pub const LEVEL_GRID: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];

/// Reject option's symmetric bound `b` on the disparity (`metric_lb = -b`, `metric_ub = b`).
pub const REJECT_GRID: [f64; 5] = [0.01, 0.025, 0.05, 0.1, 0.2];

/// The prejudice remover's `eta`: from AIF360's default 1 to the strong settings of
/// Kamishima et al.'s experiments.
pub const ETA_GRID: [f64; 6] = [0.0, 1.0, 5.0, 10.0, 25.0, 100.0];

/// GerryFair's `gamma`, the subgroup disparity it tolerates: around AIF360's default 0.01.
pub const GAMMA_GRID: [f64; 5] = [0.001, 0.005, 0.01, 0.02, 0.05];

/// Adversarial debiasing's adversary loss weight: none, AIF360's default 0.1, and stronger.
pub const ADVERSARY_GRID: [f64; 5] = [0.0, 0.1, 0.5, 1.0, 5.0];

/// LFR's `Az`, the weight of the groups' prototype-assignment gap: none, weak, AIF360's
/// default 50 and stronger.
pub const AZ_GRID: [f64; 5] = [0.0, 1.0, 10.0, 50.0, 100.0];

/// How a knob is varied: the values of its default grid and the whole fitted grid (grid
/// search's grid points, read from one fit) are the two ways.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KnobGrid {
    /// Refit the method at each value; these are the defaults.
    Values(&'static [f64]),
    /// One fit; every point of the method's own grid is a point of the curve (grid search,
    /// whose knob value is the index of the grid point).
    Fitted,
}

/// A method's main knob.
#[derive(Debug, Clone, Copy)]
pub struct Knob {
    /// Its name as the method's parameters spell it, e.g. `bound`, `repair_level`.
    pub name: &'static str,
    /// The default grid.
    pub grid: KnobGrid,
    /// The smallest and largest value accepted (inclusive).
    pub range: (f64, f64),
    set: fn(&mut MethodSpec, f64),
}

impl Knob {
    /// `spec` with the knob set to `value` (a spec of another method is returned unchanged).
    pub fn set(&self, spec: &MethodSpec, value: f64) -> MethodSpec {
        let mut spec = spec.clone();
        (self.set)(&mut spec, value);
        spec
    }

    /// Whether `value` is one the knob accepts.
    pub fn accepts(&self, value: f64) -> bool {
        value.is_finite() && value >= self.range.0 && value <= self.range.1
    }
}

impl MethodSpec {
    /// The method's main knob, or `None` for a method swept as a single point (the baseline,
    /// reweighing, the threshold optimizer under equalized odds (which has no relaxed
    /// tolerance), equalized-odds and calibrated equalized-odds post-processing, massaging). The
    /// default grids are documented in docs/sweeps.md.
    pub fn knob(&self) -> Option<Knob> {
        use MethodSpec as M;
        type Set = fn(&mut MethodSpec, f64);
        let (name, grid, range, set): (_, _, _, Set) = match self {
            M::Expgrad(_) => (
                "bound",
                KnobGrid::Values(&BOUND_GRID),
                (0.0, 1.0),
                |s, v| {
                    if let M::Expgrad(m) = s {
                        m.bound = Bound::Difference(v);
                    }
                },
            ),
            M::Gridsearch(_) => ("grid_point", KnobGrid::Fitted, (0.0, f64::MAX), |_, _| {}),
            // Equalized odds has no relaxed solve: one point.
            M::Threshold(t) if t.constraint == Constraint::EqualizedOdds => return None,
            M::Threshold(_) => ("tol", KnobGrid::Values(&BOUND_GRID), (0.0, 1.0), |s, v| {
                if let M::Threshold(m) = s {
                    m.tol = Some(v);
                }
            }),
            M::DiRemover(_) => (
                "repair_level",
                KnobGrid::Values(&LEVEL_GRID),
                (0.0, 1.0),
                |s, v| {
                    if let M::DiRemover(m) = s {
                        m.repair_level = v;
                    }
                },
            ),
            M::CorrelationRemover(_) => (
                "alpha",
                KnobGrid::Values(&LEVEL_GRID),
                (0.0, 1.0),
                |s, v| {
                    if let M::CorrelationRemover(m) = s {
                        m.alpha = v;
                    }
                },
            ),
            M::RejectOption(_) => (
                "bound",
                KnobGrid::Values(&REJECT_GRID),
                (0.0, 1.0),
                |s, v| {
                    if let M::RejectOption(m) = s {
                        m.metric_lb = -v;
                        m.metric_ub = v;
                    }
                },
            ),
            M::PrejudiceRemover(_) => ("eta", KnobGrid::Values(&ETA_GRID), (0.0, 1e6), |s, v| {
                if let M::PrejudiceRemover(m) = s {
                    m.eta = v;
                }
            }),
            M::Gerryfair(_) => (
                "gamma",
                KnobGrid::Values(&GAMMA_GRID),
                (0.0, 1.0),
                |s, v| {
                    if let M::Gerryfair(m) = s {
                        m.gamma = v;
                    }
                },
            ),
            M::Adversarial(_) => (
                "adversary_loss_weight",
                KnobGrid::Values(&ADVERSARY_GRID),
                (0.0, 1e6),
                |s, v| {
                    if let M::Adversarial(m) = s {
                        m.adversary_loss_weight = v;
                    }
                },
            ),
            M::Lfr(_) => ("az", KnobGrid::Values(&AZ_GRID), (0.0, 1e6), |s, v| {
                if let M::Lfr(m) = s {
                    m.az = v;
                }
            }),
            M::Baseline
            | M::Reweighing
            | M::EqOdds(_)
            | M::CalibratedEqOdds(_)
            | M::Massaging(_) => return None,
        };
        Some(Knob {
            name,
            grid,
            range,
            set,
        })
    }
}
