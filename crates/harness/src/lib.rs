//! The fairkit comparison harness and the only library crate that touches files.
//!
//! * [`io`]: reading input files with their path in every error, and atomic writes
//!   (temporary file + rename), so a failed run never leaves a partial output file.
//! * [`pareto`]: the accuracy-versus-disparity Pareto front.
//! * [`summary`]: mean and standard deviation across seeds.
//! * [`plot`]: the trade-off picture as SVG.
//! * [`model`]: saved models and their predictions on new CSV rows.
//! * [`repair`]: the feature repairs on their own (`fairkit transform`).
//! * [`evidence`]: evidence directories that `fairkit verify` replays.
#![deny(missing_docs)]

pub mod compare;
pub mod data;
mod error;
pub mod evaluate;
pub mod evidence;
#[cfg(test)]
mod experiment_tests;
pub mod io;
pub mod method;
pub mod model;
pub mod pareto;
pub mod plot;
pub mod repair;
pub mod single;
pub mod summary;

pub use error::{HarnessError, Result};
