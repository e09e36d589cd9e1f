//! Integration tests of fairkit-learners: weight conformance of every learner and the
//! baselines on the shared reference data.

mod conformance;
mod reference;
