//! Integration tests of fairkit-learners: weight conformance of every learner, the baselines on
//! the shared reference data, the comparison with scikit-learn, and the exact tree at scale.

mod common;
mod conformance;
mod reference;
mod scale;
mod sklearn;
