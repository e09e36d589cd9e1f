//! Reports from pre-aggregated rows (docs/counts.md) equal the reports of the rows they stand
//! for: every value, with and without weights and control features, and unweighted bootstrap
//! intervals too.

use std::collections::BTreeMap;

use fairkit_core::Groups;
use fairkit_metrics::{BootstrapParams, ComputeReport, GroupedReport, ReportInput};
use fairkit_testkit::json::assert_close;
use proptest::prelude::*;
use serde_json::Value;

/// Rows: (y, ŷ, group, control, weight).
type Row = (bool, bool, u32, u32, f64);

fn rows() -> impl Strategy<Value = Vec<Row>> {
    (1..=4u32).prop_flat_map(|g| {
        prop::collection::vec(
            (any::<bool>(), any::<bool>(), 0..g, 0..2u32, 0.0..5.0f64),
            1..150,
        )
    })
}

/// The report of the rows and the report of their counts by (group, control, label,
/// prediction), listed in reverse order.
fn both(rows: &[Row], weighted: bool, control: bool, boot: Option<u64>) -> (Value, Value) {
    let label = |g: u32| format!("g{g}");
    let level = |c: u32| format!("c{c}");
    let y: Vec<bool> = rows.iter().map(|r| r.0).collect();
    let p: Vec<bool> = rows.iter().map(|r| r.1).collect();
    let g = Groups::from_labels("g", &rows.iter().map(|r| label(r.2)).collect::<Vec<_>>()).unwrap();
    let c = Groups::from_labels("c", &rows.iter().map(|r| level(r.3)).collect::<Vec<_>>()).unwrap();
    let w: Vec<f64> = rows.iter().map(|r| r.4).collect();
    let mut params = GroupedReport::params();
    if let Some(n) = boot {
        params = params.bootstrap(BootstrapParams::new(n as usize, 17));
    }
    let mut input = ReportInput::new(&y, &p, &g);
    if weighted {
        input = input.weights(&w);
    }
    if control {
        input = input.control(&c);
    }
    let raw = params.compute(input).unwrap();

    let mut cells: BTreeMap<(u32, u32, bool, bool), (u64, f64)> = BTreeMap::new();
    for r in rows {
        let e = cells.entry((r.2, r.3, r.0, r.1)).or_default();
        e.0 += 1;
        e.1 += r.4;
    }
    let listed: Vec<_> = cells.into_iter().rev().collect();
    let cy: Vec<bool> = listed.iter().map(|e| e.0.2).collect();
    let cp: Vec<bool> = listed.iter().map(|e| e.0.3).collect();
    let cg = Groups::new(
        g.schema_arc().clone(),
        listed.iter().map(|e| code(&g, &label(e.0.0))).collect(),
    )
    .unwrap();
    let cc = Groups::new(
        c.schema_arc().clone(),
        listed.iter().map(|e| code(&c, &level(e.0.1))).collect(),
    )
    .unwrap();
    let counts: Vec<u64> = listed.iter().map(|e| e.1.0).collect();
    let sums: Vec<f64> = listed.iter().map(|e| e.1.1).collect();
    let mut input = ReportInput::new(&cy, &cp, &cg).counts(&counts);
    if weighted {
        input = input.weights(&sums);
    }
    if control {
        input = input.control(&cc);
    }
    let from_counts = params.compute(input).unwrap();
    (
        serde_json::to_value(&raw).unwrap(),
        serde_json::to_value(&from_counts).unwrap(),
    )
}

fn code(groups: &Groups, label: &str) -> u32 {
    (0..groups.n_groups() as u32)
        .find(|&k| groups.schema().label(k) == label)
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn counts_report_equals_rows_report(rows in rows(), weighted: bool, control: bool) {
        let (raw, counts) = both(&rows, weighted, control, None);
        assert_close(&raw, &counts, "report");
    }
}

/// Unweighted, the bootstrap from counts draws the raw rows' resamples (same seed): the
/// intervals agree too, control levels included.
#[test]
fn unweighted_intervals_equal_the_rows() {
    let rows: Vec<Row> = (0..300u32)
        .map(|i| {
            let h = i.wrapping_mul(2_654_435_761) >> 7;
            (h % 3 == 0, h % 5 < 2, h % 4, (h >> 3) % 2, 1.0)
        })
        .collect();
    for control in [false, true] {
        let (raw, counts) = both(&rows, false, control, Some(200));
        assert!(raw["intervals"].is_object(), "{raw}");
        assert_close(&raw, &counts, "report");
    }
}

/// Counts that add to zero in a group leave it empty, as an empty intersection of rows.
#[test]
fn zero_counts_make_an_empty_group() {
    let g = Groups::from_labels("g", &["a", "a", "b", "c"]).unwrap();
    let (y, p) = ([true, false, true, false], [true, false, false, true]);
    let report = GroupedReport::params()
        .compute(ReportInput::new(&y, &p, &g).counts(&[3, 4, 5, 0]))
        .unwrap();
    assert!(report.sizes()[2].warnings.empty);
    assert_eq!(report.sizes()[2].count, 0);
    assert_eq!(report.overall_size().count, 12);
    let none = ReportInput::new(&y, &p, &g).counts(&[0, 0, 0, 0]);
    assert!(GroupedReport::params().compute(none).is_err());
    let short = ReportInput::new(&y, &p, &g).counts(&[1, 2]);
    assert!(GroupedReport::params().compute(short).is_err());
}
