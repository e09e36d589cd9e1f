//! Integration tests of fairkit-inprocessing: AIF360's reference values on COMPAS and Adult,
//! weights, invariants and bad input.

mod adversarial;
mod common;
mod gerryfair;
mod prejudice_remover;
