//! Fixtures shared by the unit tests.

/// O1 (docs/test-oracles.md#o1): labels, predictions and groups a / b of the 12-row dataset.
pub(crate) use fairkit_testkit::fixtures::o1;
