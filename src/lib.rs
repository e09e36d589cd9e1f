//! fairkit: assess and mitigate unfairness in binary classifiers.
//!
//! This facade re-exports the workspace's library crates so that examples and downstream users
//! need one dependency. Each crate also stands on its own:
//!
//! | module | crate | what it does |
//! |---|---|---|
//! | [`core`] | `fairkit-core` | datasets, groups, learner traits, errors, seeded RNG |
//! | [`metrics`] | `fairkit-metrics` | per-group rates, grouped reports, disparities |
//! | [`postprocessing`] | `fairkit-postprocessing` | threshold optimizer: randomized per-group thresholds on a model's scores |
#![deny(missing_docs)]

pub use fairkit_core as core;
pub use fairkit_metrics as metrics;
pub use fairkit_postprocessing as postprocessing;
