//! Small data sets that the tests of several crates use, from `docs/test-oracles.md`.

use fairkit_core::Groups;

/// The labels of O1 (docs/test-oracles.md#o1), rows 1 to 12.
pub const O1_LABELS: [u8; 12] = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0];
/// The predictions of O1, rows 1 to 12.
pub const O1_PREDICTIONS: [u8; 12] = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0];
/// The groups of O1 (sensitive column `g`), rows 1 to 12.
pub const O1_GROUPS: [&str; 12] = ["a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b"];

/// O1 (docs/test-oracles.md#o1): the labels, predictions and groups (`a`, `b`; column `g`) of
/// the 12-row data set.
pub fn o1() -> (Vec<bool>, Vec<bool>, Groups) {
    let bits = |v: [u8; 12]| v.iter().map(|&b| b == 1).collect::<Vec<bool>>();
    let groups = match Groups::from_labels("g", &O1_GROUPS) {
        Ok(groups) => groups,
        Err(e) => panic!("the O1 groups: {e}"),
    };
    (bits(O1_LABELS), bits(O1_PREDICTIONS), groups)
}

#[cfg(test)]
mod tests {
    #[test]
    fn o1_has_six_rows_per_group_and_the_oracle_counts() {
        let (y, p, g) = super::o1();
        assert_eq!(g.codes().iter().filter(|&&c| c == 0).count(), 6);
        assert_eq!(y.iter().filter(|&&v| v).count(), 5);
        assert_eq!(p.iter().filter(|&&v| v).count(), 4);
        let both = y.iter().zip(&p).filter(|(a, b)| **a && **b).count();
        assert_eq!(both, 3);
    }
}
