//! Data in for fairkit: CSV tables, the feature encoder, loaders for the public Adult and
//! COMPAS files, and seeded simulators.
//!
//! The crate does no file I/O: readers take any [`std::io::Read`] plus a source name that error
//! messages quote, and writers take any [`std::io::Write`].
//!
//! * [`Table`]: a header and string columns, read from CSV ([`Table::from_csv`]).
//! * [`DatasetSpec`] and [`Encoder`]: which columns are the label, the sensitive attributes,
//!   the weights and the features; the encoder fitted on a training table one-hot encodes
//!   categorical columns and standardizes numeric ones, and turns any table into a
//!   [`fairkit_core::FairDataset`]. [`Prepared`] does both sides of a train/test pair.
//! * [`public`]: Adult and COMPAS prepared exactly as the reference results were.
//! * [`counts`]: pre-aggregated predictions (a count per sensitive values, label and
//!   prediction) and the SQL that makes them.
//! * [`predictions`]: a classifier's predictions in a table (label, predicted label, groups,
//!   weights), as `fairkit assess` and `fairkit gate` read them.
//! * [`sim`]: the default `biased-credit` scenario and the reference `credit` generator.

//! * [`DataError`]: every error names the file, line, row and column where known.
//!
//! ```
//! use fairkit_data::{DatasetSpec, Prepared, Table};
//!
//! let train = Table::from_csv(&b"income,city,sex,y\n10,x,F,1\n20,y,M,0\n30,x,M,1\n"[..], "train.csv")?;
//! let test = Table::from_csv(&b"income,city,sex,y\n25,z,F,0\n"[..], "test.csv")?;
//! let p = Prepared::from_tables(&DatasetSpec::new("y", ["sex"]), &train, &test)?;
//! assert_eq!(p.encoder.feature_names(), ["income", "city=x", "city=y"]);
//! assert_eq!(p.test.features().row(0).to_vec(), [0.6123724356957945, 0.0, 0.0]);
//! # Ok::<(), fairkit_data::DataError>(())
//! ```
#![deny(missing_docs)]

pub mod counts;
mod encode;
mod error;
mod layout;
pub mod predictions;
pub mod public;
pub mod sim;
mod table;

pub use encode::{DatasetSpec, Encoder, FeatureColumn, Prepared};
pub use error::{DataError, Result};
pub use layout::{CsvLayout, Delimiter, FileFormat};
pub use table::{CsvFormat, Table, TextColumn};
