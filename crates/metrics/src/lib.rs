//! Group fairness metrics.
//!
//! The foundation is [`ConfusionTable`]: one pass over `(y_true, y_pred, group, weight)` that
//! accumulates each group's confusion counts. Tables are mergeable, so shards of a dataset give
//! the same counts as the whole. Every rate of [`Metric`] is then a function of a group's
//! [`Confusion`], computed with fairlearn's conventions for zero denominators (see
//! [`Confusion::rate`]).
//!
//! ```
//! use fairkit_metrics::{ConfusionTable, Metric};
//!
//! // SPEC O1: 12 rows, groups a and b.
//! let g = [0u32, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
//! let y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0].map(|v| v == 1);
//! let p = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0].map(|v| v == 1);
//! let table = ConfusionTable::accumulate(&y, &p, &g, 2, None).unwrap();
//! assert_eq!(table.group(0).rate(Metric::SelectionRate), 0.5);
//! assert_eq!(table.overall().rate(Metric::TruePositiveRate), 0.6);
//! ```
#![deny(missing_docs)]

mod counts;
mod rates;

pub use counts::{Confusion, ConfusionTable};
pub use rates::{Metric, ZeroDivision};
