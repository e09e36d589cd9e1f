//! Integration tests of the threshold optimizer: SPEC oracles, Fairlearn golden runs,
//! invariants and the shared reference data.

mod util;

mod compas;
mod errors;
mod golden;
mod oracle;
mod properties;
