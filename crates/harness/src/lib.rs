//! The fairkit comparison harness and the only library crate that touches files.
//!
//! * [`method`]: every mitigation method behind one interface: a [`method::MethodSpec`]
//!   (the serde shape of experiment files) fits a [`method::FittedMethod`] (the serde shape of
//!   saved models), which predicts through [`fairkit_core::Predictor`].
//! * [`evaluate`]: the reports of a run's predicted and expected test labels.
//! * [`compare`] and [`single`]: `fairkit compare` (methods x seeds) and one method on one
//!   seed (`fairkit train` and `fairkit mitigate`).
//! * [`parquet`]: Parquet files and partitioned datasets on disk, read and written through
//!   `fairkit-columnar`.
//! * [`io`]: reading input files with their path in every error, and atomic writes
//!   (temporary file + rename), so a failed run never leaves a partial output file.
//! * [`multi`]: several datasets in one comparison, with the cross-dataset summary.
//! * [`pareto`]: the accuracy-versus-disparity Pareto front.
//! * [`resume`]: `fairkit compare --resume`, finishing a run that `--out` holds part of.
//! * [`summary`]: mean and standard deviation across seeds.
//! * [`plot`]: the trade-off picture as SVG.
//! * [`report_html`]: `report.html`, the self-contained page of a comparison, an assessment
//!   or a gate decision.
//! * [`model`]: saved models and their predictions on new CSV rows.
//! * [`repair`]: the feature repairs on their own (`fairkit transform`).
//! * [`evidence`]: evidence directories that `fairkit verify` replays.
//! * [`assess`], [`gate`], [`audit`]: the library forms of `fairkit assess`, `fairkit gate`
//!   and `fairkit audit` (read the file, compute the report).
#![deny(missing_docs)]

pub mod assess;
pub mod audit;
#[cfg(test)]
mod command_tests;
pub mod compare;
#[cfg(test)]
mod compare_tests;
pub mod data;
mod error;
pub mod evaluate;
pub mod evidence;
#[cfg(test)]
mod experiment_tests;
pub mod gate;
pub mod io;
pub mod method;
pub mod model;
#[cfg(test)]
mod model_tests;
pub mod multi;
pub mod pareto;
pub mod parquet;
pub mod plot;
pub mod repair;
pub mod report_html;
pub mod resume;
pub mod single;
pub mod summary;

pub use error::{HarnessError, Result};
