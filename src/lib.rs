//! fairkit: assess and mitigate unfairness in binary classifiers.
//!
//! This facade re-exports the workspace's library crates so that examples and downstream users
//! need one dependency. Each crate also stands on its own:
//!
//! | module | crate | what it does |
//! |---|---|---|
//! | [`core`] | `fairkit-core` | datasets, groups, learner traits, errors, seeded RNG |
//! | [`data`] | `fairkit-data` | CSV tables, feature encoding, Adult / COMPAS loaders, simulator |
//! | [`learners`] | `fairkit-learners` | weighted logistic regression, decision tree, boosting |
//! | [`metrics`] | `fairkit-metrics` | per-group rates, grouped reports, disparities, audit |
//! | [`reductions`] | `fairkit-reductions` | exponentiated gradient and grid search |
//! | [`postprocessing`] | `fairkit-postprocessing` | threshold optimizer: randomized per-group thresholds |
//! | [`preprocessing`] | `fairkit-preprocessing` | reweighing, disparate-impact remover, correlation remover |
//! | [`harness`] | `fairkit-harness` | single runs, comparisons, reports, saved models, atomic files |
//! | [`gate`] | `fairkit-gate` | the CI fairness gate |
//! | [`monitor`] | `fairkit-monitor` | the streaming fairness monitor |
//!
//! ```
//! use fairkit::harness::single::SingleRun;
//! use fairkit::harness::{data::DataSource, method::MethodSpec};
//!
//! // The baseline on a small sample of the built-in biased-credit scenario.
//! let source = DataSource::Scenario { name: "biased-credit".into(), rows: 1000, seed: 0 };
//! let run = SingleRun::execute(
//!     &source,
//!     &Default::default(),
//!     &MethodSpec::Baseline,
//!     &"logistic".parse()?,
//!     0,
//!     &fairkit::metrics::GroupedReport::params(),
//! )?;
//! assert_eq!(run.data.test.n_rows(), 300);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub use fairkit_core as core;
pub use fairkit_data as data;
pub use fairkit_gate as gate;
pub use fairkit_harness as harness;
pub use fairkit_learners as learners;
pub use fairkit_metrics as metrics;
pub use fairkit_monitor as monitor;
pub use fairkit_postprocessing as postprocessing;
pub use fairkit_preprocessing as preprocessing;
pub use fairkit_reductions as reductions;
