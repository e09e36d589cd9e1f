//! Integration tests of fairkit-preprocessing: SPEC oracles O4 and O13, fairlearn's
//! CorrelationRemover values, invariants, bad input and the COMPAS reference.

mod common;
mod compas;
mod correlation_remover;
mod di_remover;
mod reweighing;
