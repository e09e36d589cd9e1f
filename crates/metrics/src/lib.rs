//! Group fairness metrics.
//!
//! The foundation is [`ConfusionTable`]: one pass over `(y_true, y_pred, group, weight)` that
//! accumulates each group's confusion counts. Tables are mergeable, so shards of a dataset give
//! the same counts as the whole. Every rate of [`Metric`] is then a function of a group's
//! [`Confusion`], computed with fairlearn's conventions for zero denominators (see
//! [`Confusion::rate_with`] and [`ZeroDivision`]).
//!
//! On top of it:
//!
//! * [`GroupedReport`]: fairlearn's `MetricFrame` for binary classification: overall and
//!   per-group rates, group min / max, differences and ratios between groups and to overall
//!   ([`Aggregate`]), intersectional groups, control features, sample weights, per-group sizes
//!   and warnings, the named [`Disparity`] values, the four-fifths rule ([`FourFifths`]) and
//!   bootstrap intervals ([`BootstrapParams`]). It serializes to fairkit's stable JSON shape and
//!   renders as a plain-text table ([`GroupedReport::render_table`]). Its parameters follow
//!   linfa's idiom: [`ReportParams`] checked ([`ParamGuard`]) into [`ReportValidParams`], and
//!   either computes ([`ComputeReport`]).
//! * [`inequality`]: generalized entropy, Theil and coefficient of variation indices (AIF360).
//! * [`consistency`]: individual fairness by k nearest neighbours.
//! * [`audit`]: statistics of the labels before training, and proxy candidates.
//! * [`scores`]: score metrics by group (ROC AUC, average precision, Brier score, log loss,
//!   expected calibration error, calibration curves) with scikit-learn's conventions.
//! * [`small`]: the one rule for groups too small for their rates to mean much.
//! * [`aif360`]: AIF360's two-group (privileged / unprivileged) conventions.
//!
//! ```
//! use fairkit_metrics::{ConfusionTable, Metric};
//!
//! // O1 (docs/test-oracles.md#o1): 12 rows, groups a and b.
//! let g = [0u32, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
//! let y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0].map(|v| v == 1);
//! let p = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0].map(|v| v == 1);
//! let table = ConfusionTable::accumulate(&y, &p, &g, 2, None).unwrap();
//! assert_eq!(table.group(0).rate(Metric::SelectionRate), 0.5);
//! assert_eq!(table.overall().rate(Metric::TruePositiveRate), 0.6);
//! ```
#![deny(missing_docs)]

mod aggregate;
pub mod aif360;
pub mod assessment;
pub mod audit;
mod bootstrap;
pub mod consistency;
mod counts;
mod disparity;
mod error;
pub mod inequality;
mod rates;
mod render;
mod report;
pub mod scores;
mod ser;
pub mod small;
#[cfg(test)]
mod testutil;

pub use aggregate::{Aggregate, Aggregation, EqualizedOddsAgg};
pub use bootstrap::{BootstrapParams, BootstrapValidParams, CellResampler, quantile_linear};
pub use counts::{Confusion, ConfusionTable};
pub use disparity::{Disparities, Disparity, FourFifths, RuleStatus};
pub use error::{MetricsError, Result};
pub use linfa::ParamGuard;
pub use rates::{Metric, ZeroDivision};
pub use render::{DIFFERENCE_FLAG, RATIO_FLAG, flagged};
pub use report::{
    ComputeReport, ControlBreakdown, ControlLevel, GroupSize, GroupedReport, Intervals,
    ReportInput, ReportParams, ReportValidParams, Section, Warnings,
};
pub use ser::{Num, Stat, nan_as_null, nan_as_null_seq};
