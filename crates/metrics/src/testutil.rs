//! Fixtures shared by the unit tests.

use fairkit_core::Groups;

/// O1 (docs/test-oracles.md#o1): labels, predictions and groups a / b of the 12-row dataset.
pub(crate) fn o1() -> (Vec<bool>, Vec<bool>, Groups) {
    let y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0]
        .map(|v| v == 1)
        .to_vec();
    let p = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0]
        .map(|v| v == 1)
        .to_vec();
    let labels: Vec<&str> = (0..12).map(|i| if i < 6 { "a" } else { "b" }).collect();
    (y, p, Groups::from_labels("g", &labels).expect("two groups"))
}
