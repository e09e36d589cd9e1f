//! Checks against the shared reference files (`../shared` beside the repository). A missing
//! file skips its test with a notice, unless `FAIRKIT_REQUIRE_SHARED=1`.

use std::fs::File;
use std::path::Path;

use fairkit_data::{DatasetSpec, Prepared, Table};
use fairkit_testkit::shared;

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

/// The encoded data agrees with a prepared reference file: same feature names, labels and
/// groups, features bit-identical.
fn assert_matches_prepared(data: &fairkit_core::FairDataset, prepared: &Table) {
    let spec = DatasetSpec {
        standardize: false,
        ..DatasetSpec::new("label", ["sensitive"])
    };
    let reference = fairkit_data::Encoder::fit(&spec, prepared, &[])
        .unwrap()
        .transform(prepared)
        .unwrap();
    assert_eq!(data.feature_names(), reference.feature_names());
    assert_eq!(data.n_rows(), reference.n_rows());
    assert_eq!(data.labels(), reference.labels());
    let worst = (data.features().to_owned() - reference.features())
        .iter()
        .fold(0.0f64, |m, d| m.max(d.abs()));
    // The brief asks for 1e-12; the encoder sums as numpy does, so the values are identical.
    assert_eq!(
        worst,
        0.0,
        "{}: max feature difference {worst:e}",
        prepared.file()
    );
    let label =
        |d: &fairkit_core::FairDataset, i: usize| d.groups().schema().label(d.groups().codes()[i]);
    for i in 0..data.n_rows() {
        assert_eq!(label(data, i), label(&reference, i), "row {i}");
    }
}

#[test]
fn adult_reproduces_the_prepared_files() {
    let (Some(data), Some(test), Some((train_ref, test_ref))) = (
        shared("data/adult/adult.data"),
        shared("data/adult/adult.test"),
        prepared_pair("adult"),
    ) else {
        return;
    };
    let d =
        fairkit_data::public::adult(File::open(data).unwrap(), File::open(test).unwrap()).unwrap();
    assert_eq!((d.train.n_rows(), d.test.n_rows()), (32_561, 16_281));
    let p = d.prepare().unwrap();
    assert_eq!(p.encoder.feature_names().len(), 106);
    assert_matches_prepared(&p.train, &train_ref);
    assert_matches_prepared(&p.test, &test_ref);
}

#[test]
fn compas_reproduces_the_prepared_split_and_files() {
    let (Some(raw), Some(ids), Some((train_ref, test_ref))) = (
        shared("data/compas/compas-scores-two-years.csv"),
        shared("reference/prepared/compas_split_ids.csv"),
        prepared_pair("compas"),
    ) else {
        return;
    };
    let d = fairkit_data::public::compas(File::open(raw).unwrap()).unwrap();
    assert_eq!((d.train.n_rows(), d.test.n_rows()), (3_694, 1_584));
    let ids = read_table(&ids);
    let side = |name: &str| -> Vec<&str> {
        let split = ids.column("split").unwrap();
        ids.column("id")
            .unwrap()
            .iter()
            .zip(split.iter())
            .filter(|(_, s)| *s == name)
            .map(|(id, _)| id)
            .collect()
    };
    let train_ids: Vec<&str> = d.train.column("id").unwrap().iter().collect();
    let test_ids: Vec<&str> = d.test.column("id").unwrap().iter().collect();
    assert_eq!(train_ids, side("train"));
    assert_eq!(test_ids, side("test"));
    let p = d.prepare().unwrap();
    assert_matches_prepared(&p.train, &train_ref);
    assert_matches_prepared(&p.test, &test_ref);
}

/// German credit: 1,000 rows; `sex` from attribute 9 (A92, A95 female; A91, A93, A94 male);
/// the label's base rate by sex as counted here from the file's own text (split on
/// whitespace, field 9 and field 21), independently of the loader.
#[test]
fn german_rows_groups_and_base_rates_match_the_file() {
    let Some(path) = shared("data/german/german.data") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    // (rows, good) per sex, counted from the raw text.
    let mut counts: std::collections::BTreeMap<&str, (u32, u32)> = Default::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields.len(), 21, "{line}");
        let sex = if matches!(fields[8], "A92" | "A95") {
            "female"
        } else {
            "male"
        };
        let c = counts.entry(sex).or_default();
        c.0 += 1;
        c.1 += u32::from(fields[20] == "1");
    }
    // The README's counts of attribute 9: A92 310, A91 + A93 + A94 = 50 + 548 + 92 = 690.
    assert_eq!(counts["female"].0, 310);
    assert_eq!(counts["male"].0, 690);

    let (table, spec) = fairkit_data::public::german(std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(table.n_rows(), 1000);
    assert_eq!(table.n_columns(), 21);
    assert_eq!(spec.label, "class");
    assert_eq!(spec.positive_label, "1");
    assert_eq!(spec.sensitive, ["sex"]);
    let prepared = fairkit_data::Prepared::split(&spec, &table, 0.3, 0, false).unwrap();
    let n = prepared.train.n_rows() + prepared.test.n_rows();
    assert_eq!(n, 1000);
    // Base rate by sex over both sides of the split, from the loader's encoding.
    let mut got: std::collections::BTreeMap<String, (u32, u32)> = Default::default();
    for part in [&prepared.train, &prepared.test] {
        let groups = part.groups();
        for (i, &y) in part.labels().iter().enumerate() {
            let name = groups.schema().label(groups.codes()[i]);
            let c = got.entry(name).or_default();
            c.0 += 1;
            c.1 += u32::from(y);
        }
    }
    for (sex, (rows, good)) in &counts {
        let (r, g) = got[*sex];
        assert_eq!((r, g), (*rows, *good), "{sex}");
    }
    let rate = |(r, g): (u32, u32)| f64::from(g) / f64::from(r);
    // The documented 700 good / 300 bad overall.
    assert_eq!(counts.values().map(|c| c.1).sum::<u32>(), 700);
    assert!(rate(counts["male"]) > rate(counts["female"]));
}

/// An attribute-9 code outside A91..A95 is refused with its line.
#[test]
fn german_refuses_an_unknown_personal_status_code() {
    let row = "A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201 1\n";
    let bad = row.replace("A93", "A99");
    let text = format!("{row}{bad}");
    let e = fairkit_data::public::german(text.as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "german.data: cannot read at line 2: column 9 (personal status and sex) holds 'A99'; \
         expected one of A91, A92, A93, A94, A95"
    );
}

/// The prepared reference files (quote-free, over 2 MiB: read in parallel blocks) hold, row by
/// row, the fields of their lines split at commas.
#[test]
fn prepared_files_read_in_blocks_hold_their_lines() {
    for name in ["adult_train", "adult_test"] {
        let Some(path) = shared(&format!("reference/prepared/{name}.csv")) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.len() > 4 << 20 && !text.contains('"'));
        let table = Table::from_csv_bytes(text.as_bytes(), name, &Default::default()).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(table.header(), header);
        let mut rows = 0;
        for (i, line) in lines.enumerate() {
            assert_eq!(table.line(i), i as u64 + 2);
            for (j, field) in line.split(',').enumerate() {
                assert_eq!(table.column_at(j).get(i), field, "{name} line {}", i + 2);
            }
            rows += 1;
        }
        assert_eq!(table.n_rows(), rows);
    }
}
