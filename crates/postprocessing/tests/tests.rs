//! Integration tests of the threshold optimizer: oracles (docs/test-oracles.md), Fairlearn golden
//! runs, invariants and the shared reference data.

mod util;

mod aif360;
mod compas;
mod errors;
mod golden;
mod oracle;
mod properties;
mod two_group;
