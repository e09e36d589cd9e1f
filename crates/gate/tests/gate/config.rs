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
    assert!(matches!(
        GateConfig::from_toml("dp_max = 0.1"),
        Err(GateError::Toml(_))
    ));
    assert!(matches!(
        GateConfig::from_toml("dp_difference_max = 1.5"),
        Err(GateError::Core(_))
    ));
}
