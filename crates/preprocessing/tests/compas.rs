//! COMPAS reference (../shared/reference): reweighing factors against compas.json.

use fairkit_core::{FairDataset, Groups};
use fairkit_preprocessing::Reweighing;
use ndarray::Array2;

use crate::common::shared_file;

/// Labels and the sensitive column of a prepared CSV (the last two columns), features ignored.
fn labels_and_groups(path: &std::path::Path) -> FairDataset {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[header.len() - 2..], ["label", "sensitive"]);
    let (mut y, mut g) = (Vec::new(), Vec::new());
    for line in lines.filter(|l| !l.is_empty()) {
        let fields: Vec<&str> = line.split(',').collect();
        y.push(fields[fields.len() - 2] == "1");
        g.push(fields[fields.len() - 1].to_string());
    }
    let groups = Groups::from_labels("race", &g).unwrap();
    FairDataset::new(Array2::zeros((y.len(), 0)), y, groups).unwrap()
}

#[test]
fn compas_reweighing_factors_match_the_reference() {
    let (Some(train), Some(expected)) = (
        shared_file("reference/prepared/compas_train.csv"),
        shared_file("reference/expected/compas.json"),
    ) else {
        return;
    };
    let data = labels_and_groups(&train);
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
