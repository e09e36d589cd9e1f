//! `gate.toml` parsing and validation.

use fairkit_gate::{GateConfig, GateError};

#[test]
fn defaults_follow_the_issue() {
    let c = GateConfig::default();
    assert_eq!(
        (c.dp_difference_max, c.eo_difference_max, c.accuracy_floor),
        (Some(0.10), Some(0.10), Some(0.70))
    );
    assert_eq!(
        (
            c.min_samples_per_group,
            c.min_positives_per_group,
            c.min_negatives_per_group
        ),
        (100, 10, 10)
    );
    assert!(c.four_fifths && !c.strict && c.confidence.is_none());
    assert_eq!(GateConfig::from_toml("").unwrap(), c);
}

#[test]
fn a_full_file_parses() {
    let text = r#"
dp_difference_max = 0.05
eo_difference_max = false
accuracy_floor = 0.8
per_group_accuracy_floor = 0.75
four_fifths = false
min_samples_per_group = 30
min_positives_per_group = 5
strict = true
confidence = 0.9
n_boot = 500
seed = 42
"#;
    let c = GateConfig::from_toml(text).unwrap();
    assert_eq!(c.dp_difference_max, Some(0.05));
    assert_eq!(c.eo_difference_max, None);
    assert_eq!(c.per_group_accuracy_floor, Some(0.75));
    assert_eq!(
        (
            c.min_samples_per_group,
            c.min_positives_per_group,
            c.min_negatives_per_group
        ),
        (30, 5, 10)
    );
    assert_eq!(
        (c.strict, c.confidence, c.n_boot, c.seed),
        (true, Some(0.9), 500, 42)
    );
}

#[test]
fn bad_files_are_errors() {
    for bad in [
        "dp_max = 0.1",                // unknown key
        "dp_difference_max = \"0.1\"", // wrong type
        "dp_difference_max = true",    // true is not a threshold
        "dp_difference_max = 1.5",     // out of range
        "confidence = 1.0",
        "four_fifths_threshold = 0",
        "confidence = 0.9\nn_boot = 0",
        "strict = ",
    ] {
        let err = GateConfig::from_toml(bad).unwrap_err();
        let _: &GateError = &err;
        assert!(!err.to_string().is_empty(), "{bad}");
    }
    let message = |text: &str| GateConfig::from_toml(text).unwrap_err().to_string();
    assert_eq!(
        message("dp_max = 0.1"),
        "line 1, column 1: key 'dp_max': unknown key 'dp_max', expected one of \
         'dp_difference_max', 'eo_difference_max', 'accuracy_floor', 'per_group_accuracy_floor', \
         'four_fifths', 'four_fifths_threshold', 'min_samples_per_group', \
         'min_positives_per_group', 'min_negatives_per_group', 'strict', 'confidence', 'n_boot', \
         'seed', 'multiplicity', 'dp_margin', 'eo_margin', 'accuracy_margin'"
    );
    assert_eq!(
        message("strict = false\ndp_difference_max = 1.5"),
        "line 2, column 1: key 'dp_difference_max': invalid value 1.5: must lie in [0, 1]"
    );
    assert_eq!(
        message("dp_difference_max = true"),
        "line 1, column 21: key 'dp_difference_max': true is not a threshold: expected a \
         number, or false to turn the check off"
    );
    assert_eq!(
        message("\n\nmin_samples_per_group = -3"),
        "line 3, column 25: key 'min_samples_per_group': invalid value: integer '-3', expected \
         a whole number of at least 0"
    );
    assert_eq!(
        message("dp_difference_max = \"0.1\""),
        "line 1, column 21: key 'dp_difference_max': invalid type: string \"0.1\", expected a \
         number, or false to turn the check off"
    );
    // Every message is one line without Rust type names.
    for bad in [
        "strict = ",
        "[x",
        "seed = 1.5",
        "n_boot = [1]",
        "four_fifths = 3",
    ] {
        let m = message(bad);
        assert!(m.starts_with("line 1, column "), "{bad}: {m}");
        assert!(
            !m.contains('\n') && !m.contains("u64") && !m.contains("usize"),
            "{bad}: {m}"
        );
    }
}
