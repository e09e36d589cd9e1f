//! COMPAS reference (../shared/reference): reweighing factors against compas.json.

use fairkit_core::FairDataset;
use fairkit_data::{DatasetSpec, Prepared, Table};
use fairkit_preprocessing::Reweighing;

use crate::common::shared_file;

/// The prepared COMPAS train and test sets, as the reference used them (no standardization:
/// the prepared files are standardized already).
fn compas() -> Option<(FairDataset, FairDataset)> {
    let train = shared_file("reference/prepared/compas_train.csv")?;
    let test = shared_file("reference/prepared/compas_test.csv")?;
    let read = |p: &std::path::Path| {
        let file = std::fs::File::open(p).unwrap();
        Table::from_csv(file, &p.display().to_string()).unwrap()
    };
    let spec = DatasetSpec {
        standardize: false,
        ..DatasetSpec::new("label", ["sensitive"])
    };
    let p = Prepared::from_tables(&spec, &read(&train), &read(&test)).unwrap();
    Some((p.train, p.test))
}

#[test]
fn compas_reweighing_factors_match_the_reference() {
    let (Some((data, _)), Some(expected)) =
        (compas(), shared_file("reference/expected/compas.json"))
    else {
        return;
    };
    let rw = Reweighing::fit(&data).unwrap();
    let json = std::fs::read_to_string(expected).unwrap();
    let mut checked = 0;
    for group in ["African-American", "Caucasian"] {
        let code = data.groups().schema().code_of_label(group).unwrap();
        for label in [false, true] {
            let key = format!("\"{group}|y={}\"", u8::from(label));
            let expected = json_number_after(&json, &key, "\"weight\":");
            let count = json_number_after(&json, &key, "\"count\":");
            let got = rw.factor(code, label).unwrap();
            assert!((got - expected).abs() < 1e-12, "{key}: {got} vs {expected}");
            assert_eq!(rw.cell_mass(code, label), count);
            checked += 1;
        }
    }
    assert_eq!(checked, 4);
}

/// The number following `field` in the JSON object that follows `key` (a flat reader that is
/// enough for compas.json's weight table).
fn json_number_after(json: &str, key: &str, field: &str) -> f64 {
    let start = json
        .find(key)
        .unwrap_or_else(|| panic!("{key} not in compas.json"));
    let rest = &json[start..];
    let at = rest.find(field).unwrap() + field.len();
    let number: String = rest[at..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E' | '+'))
        .collect();
    number.parse().unwrap()
}
