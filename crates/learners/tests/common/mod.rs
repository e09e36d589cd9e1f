//! What the integration tests share: the prepared reference files (located by
//! fairkit-testkit), read with fairkit-data without standardization.

use std::path::PathBuf;

use fairkit_core::FairDataset;
use fairkit_data::{DatasetSpec, Encoder, Table};
use ndarray::Array1;

pub use fairkit_testkit::shared;

/// A CSV file as a table.
pub fn table(path: &PathBuf) -> Table {
    Table::from_csv(
        std::fs::File::open(path).unwrap(),
        &path.display().to_string(),
    )
    .unwrap()
}

/// Train and test sets of a prepared dataset, features exactly as in the files.
pub fn prepared(dataset: &str) -> Option<(FairDataset, FairDataset)> {
    let train = table(&shared(&format!("reference/prepared/{dataset}_train.csv"))?);
    let test = table(&shared(&format!("reference/prepared/{dataset}_test.csv"))?);
    let spec = DatasetSpec {
        standardize: false,
        ..DatasetSpec::new("label", ["sensitive"])
    };
    let encoder = Encoder::fit(&spec, &train, &[&test]).unwrap();
    Some((
        encoder.transform(&train).unwrap(),
        encoder.transform(&test).unwrap(),
    ))
}

/// The share of rows whose prediction is the label.
pub fn accuracy(predicted: &Array1<bool>, data: &FairDataset) -> f64 {
    let correct = predicted
        .iter()
        .zip(data.labels())
        .filter(|(p, y)| p == y)
        .count();
    correct as f64 / data.n_rows() as f64
}

/// Kamiran-Calders weights `P(g) P(y) / P(g, y)` of the rows of `data`.
pub fn reweighing(data: &FairDataset) -> Array1<f64> {
    let groups = data.groups().codes();
    let y = data.labels();
    let n = data.n_rows() as f64;
    let count = |f: &dyn Fn(usize) -> bool| (0..data.n_rows()).filter(|&i| f(i)).count() as f64;
    (0..data.n_rows())
        .map(|i| {
            let pg = count(&|j| groups[j] == groups[i]) / n;
            let py = count(&|j| y[j] == y[i]) / n;
            let pgy = count(&|j| groups[j] == groups[i] && y[j] == y[i]) / n;
            pg * py / pgy
        })
        .collect()
}
