//! Fixtures shared by the tests: the prepared COMPAS and Adult files (from `../shared`) and
//! AIF360's reference values (tests/data/aif360 in the repository).

use fairkit_core::{FairDataset, Groups};
use ndarray::Array2;
use serde_json::Value;

/// AIF360's reference values for `dataset` (committed in the repository).
pub fn reference(dataset: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/aif360")
        .join(format!("{dataset}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// One split of a prepared file: the data (groups from `sensitive`), the feature names, and
/// whether each row is in the reference's privileged group.
pub struct Prepared {
    pub data: FairDataset,
    pub names: Vec<String>,
    pub privileged: Vec<bool>,
}

impl Prepared {
    /// The 0-based indices of the named feature columns.
    pub fn columns(&self, names: &[&str]) -> Vec<usize> {
        names
            .iter()
            .map(|e| self.names.iter().position(|n| n == e).unwrap())
            .collect()
    }

    /// Accuracy and |selection rate unprivileged − privileged| of probabilities of label 1
    /// (hard labels give plain counts).
    pub fn accuracy_dp(&self, p: &[f64]) -> (f64, f64) {
        let y = self.data.labels();
        let n = p.len() as f64;
        let acc = p
            .iter()
            .zip(y)
            .map(|(&p, &y)| if y { p } else { 1.0 - p })
            .sum::<f64>()
            / n;
        let rate = |want: bool| {
            let (s, k) = p
                .iter()
                .zip(&self.privileged)
                .filter(|&(_, &g)| g == want)
                .fold((0.0, 0.0), |(s, k), (p, _)| (s + p, k + 1.0));
            s / k
        };
        (acc, (rate(false) - rate(true)).abs())
    }
}

/// `../shared/reference/prepared/<dataset>_<split>.csv`, or `None` when absent.
pub fn prepared(dataset: &str, split: &str) -> Option<Prepared> {
    let path = fairkit_testkit::shared(&format!("reference/prepared/{dataset}_{split}.csv"))?;
    let privileged_value = reference(dataset)["conventions"]["privileged_value"]
        .as_str()
        .unwrap()
        .to_string();
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let d = header.len() - 2;
    let mut values = Vec::new();
    let mut labels = Vec::new();
    let mut groups = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        values.extend(f[..d].iter().map(|v| v.parse::<f64>().unwrap()));
        labels.push(f[d] == "1");
        groups.push(f[d + 1].to_string());
    }
    let n = labels.len();
    let privileged = groups.iter().map(|g| *g == privileged_value).collect();
    let g = Groups::from_labels("sensitive", &groups).unwrap();
    let x = Array2::from_shape_vec((n, d), values).unwrap();
    Some(Prepared {
        data: FairDataset::new(x, labels, g).unwrap(),
        names: header[..d].iter().map(|s| s.to_string()).collect(),
        privileged,
    })
}

/// A float from the reference JSON.
pub fn num(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

/// tests/data/aif360/pr_compat.json: scipy's fmin_cg runs of the prejudice remover
/// (scripts/pr_compat_reference.py).
pub fn pr_compat() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/aif360/pr_compat.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}
