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

/// The eight scored rows `(group, prediction, label)` of the monitor's `/metrics` tests: group
/// `a` has 3 of 4 rows selected and every label right; group `b` has 1 of 4 selected and one
/// false negative (selection rates 0.75 and 0.25, true positive rates 1 and 0.5).
pub const MONITOR_ROWS: [(&str, bool, bool); 8] = [
    ("a", true, true),
    ("a", true, true),
    ("a", true, true),
    ("a", false, false),
    ("b", true, true),
    ("b", false, true),
    ("b", false, false),
    ("b", false, false),
];

/// Sample lines of the `/metrics` body once [`MONITOR_ROWS`] are predicted and labelled (ids
/// 0 to 7) with the monitor's default window and alert thresholds: the group gauges, both
/// differences over 0.5, the window, the 16 events and the alert states.
pub const MONITOR_SAMPLES: [&str; 12] = [
    "fairkit_monitor_selection_rate{group=\"a\"} 0.75",
    "fairkit_monitor_selection_rate{group=\"b\"} 0.25",
    "fairkit_monitor_predictions{group=\"a\"} 4.0",
    "fairkit_monitor_labelled{group=\"b\"} 4.0",
    "fairkit_monitor_true_positive_rate{group=\"b\"} 0.5",
    "fairkit_monitor_demographic_parity_difference 0.5",
    "fairkit_monitor_equalized_odds_difference 0.5",
    "fairkit_monitor_window_size 8.0",
    "fairkit_monitor_events 16.0",
    "fairkit_monitor_alert{metric=\"demographic_parity_difference\"} 1.0",
    "fairkit_monitor_alert{metric=\"equalized_odds_difference\"} 1.0",
    "fairkit_monitor_alert{metric=\"accuracy\"} 0.0",
];

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
