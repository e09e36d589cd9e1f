//! Checks against the shared reference files (`../shared` beside the repository). A missing
//! file skips its test with a notice, unless `FAIRKIT_REQUIRE_SHARED=1`.

use std::fs::File;
use std::path::{Path, PathBuf};

use fairkit_data::{DatasetSpec, Prepared, Table};

/// The path of a shared file, or `None` (with a notice) when it is absent and not required.
fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("FAIRKIT_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!("required shared file {} is missing", path.display());
    }
    eprintln!("skipping: shared file {} is absent", path.display());
    None
}

fn read_table(path: &Path) -> Table {
    let name = path.file_name().unwrap().to_string_lossy();
    Table::from_csv(File::open(path).unwrap(), &name).unwrap()
}

/// The prepared file's feature columns and label/sensitive, parsed independently.
fn prepared_pair(dataset: &str) -> Option<(Table, Table)> {
    let train = shared(&format!("reference/prepared/{dataset}_train.csv"))?;
    let test = shared(&format!("reference/prepared/{dataset}_test.csv"))?;
    Some((read_table(&train), read_table(&test)))
}

fn assert_bit_identical(table: &Table, data: &fairkit_core::FairDataset) {
    let features: Vec<&String> = table
        .header()
        .iter()
        .filter(|h| *h != "label" && *h != "sensitive")
        .collect();
    assert_eq!(data.feature_names().iter().collect::<Vec<_>>(), features);
    assert_eq!(data.n_rows(), table.n_rows());
    for (j, name) in features.iter().enumerate() {
        let col = table.column(name).unwrap();
        for (i, v) in col.iter().enumerate() {
            let want: f64 = v.parse().unwrap();
            let got = data.features()[[i, j]];
            assert_eq!(
                got.to_bits(),
                want.to_bits(),
                "{} row {i} column {name}",
                table.file()
            );
        }
    }
    let labels = table.column("label").unwrap();
    for (i, v) in labels.iter().enumerate() {
        assert_eq!(data.labels()[i], v == "1");
    }
    let sensitive = table.column("sensitive").unwrap();
    let schema = data.groups().schema();
    for (i, v) in sensitive.iter().enumerate() {
        assert_eq!(schema.label(data.groups().codes()[i]), v);
    }
}

#[test]
fn prepared_files_read_bit_identical() {
    for dataset in ["credit", "compas", "adult"] {
        let Some((train, test)) = prepared_pair(dataset) else {
            continue;
        };
        let spec = DatasetSpec {
            standardize: false,
            ..DatasetSpec::new("label", ["sensitive"])
        };
        let p = Prepared::from_tables(&spec, &train, &test).unwrap();
        assert_bit_identical(&train, &p.train);
        assert_bit_identical(&test, &p.test);
        assert_eq!(p.train.groups().n_groups(), 2);
    }
}
