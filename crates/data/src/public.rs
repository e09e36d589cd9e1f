//! Loaders for the public Adult and COMPAS files, prepared exactly as Fairlearn's reference
//! results were (data/README.md), and for the Statlog German credit file.
//!
//! The caller opens the files (data/README.md says where they live and where their provenance is
//! recorded); these functions take readers. Each returns a [`PublicData`]: raw training and test
//! [`Table`]s and the [`DatasetSpec`] that encodes them, so that `PublicData::prepare` gives the
//! same matrices as the prepared reference CSVs (to rounding: within 1e-12).

use std::io::Read;

use rand_mt::Mt;

use crate::{CsvFormat, DataError, DatasetSpec, Prepared, Result, Table};

/// Raw training and test tables of a public dataset and the spec that encodes them.
#[derive(Debug, Clone)]
pub struct PublicData {
    /// The training rows.
    pub train: Table,
    /// The test rows.
    pub test: Table,
    /// Label, positive label, sensitive column and features of the reference preprocessing.
    pub spec: DatasetSpec,
}

impl PublicData {
    /// Fits the encoder on the training table and encodes both tables.
    ///
    /// # Errors
    /// As [`Prepared::from_tables`].
    pub fn prepare(&self) -> Result<Prepared> {
        Prepared::from_tables(&self.spec, &self.train, &self.test)
    }
}

/// The 15 columns of the UCI Adult files, in file order.
pub const ADULT_COLUMNS: [&str; 15] = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education-num",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
    "native-country",
    "income",
];

/// Reads UCI Adult: `adult.data` (training) and `adult.test` (test; its banner line, starting
/// with `|` or `#`, is skipped, and the trailing `.` of its labels is removed).
///
/// Label `income` (positive `>50K`), sensitive `sex` (not a feature), features: every other
/// column; `?` is kept as a category of its own.
///
/// # Errors
/// As [`Table::from_csv_with`]; the messages name `adult.data` or `adult.test`.
pub fn adult(data: impl Read, test: impl Read) -> Result<PublicData> {
    let format = CsvFormat {
        trim: true,
        names: Some(ADULT_COLUMNS.iter().map(|c| c.to_string()).collect()),
        ..CsvFormat::default()
    };
    let train = Table::from_csv_with(data, "adult.data", &format)?;
    let mut test_bytes = Vec::new();
    let mut test = test;
    test.read_to_end(&mut test_bytes)
        .map_err(|e| DataError::Read {
            file: "adult.test".into(),
            line: None,
            message: e.to_string(),
        })?;
    if matches!(test_bytes.first(), Some(b'|' | b'#')) {
        // Blank out the banner but keep its newline, so that line numbers stay true.
        let end = test_bytes
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(test_bytes.len());
        test_bytes.drain(..end);
    }
    let mut test = Table::from_csv_with(&test_bytes[..], "adult.test", &format)?;
    test.map_column("income", |v| v.strip_suffix('.').unwrap_or(v))?;
    Ok(PublicData {
        train,
        test,
        spec: DatasetSpec {
            positive_label: ">50K".into(),
            ..DatasetSpec::new("income", ["sex"])
        },
    })
}

/// The COMPAS features of the reference preprocessing, in output order.
pub const COMPAS_FEATURES: [&str; 7] = [
    "age",
    "priors_count",
    "juv_fel_count",
    "juv_misd_count",
    "juv_other_count",
    "c_charge_degree",
    "sex",
];

/// Reads ProPublica's `compas-scores-two-years.csv`, applies ProPublica's filters
/// (`|days_b_screening_arrest| <= 30`, `is_recid != -1`, `c_charge_degree != 'O'`,
/// `score_text != 'N/A'`), keeps African-American and Caucasian defendants (5,278 rows), and
/// splits them as scikit-learn's `train_test_split(np.arange(n), test_size=0.3,
/// random_state=42)` does ([`train_test_split`]).
///
/// The tables hold `id`, the [`COMPAS_FEATURES`], the label `two_year_recid` (positive `1`:
/// re-offended) and the sensitive `race`, rows in split order; the spec lists the features
/// explicitly, so `id` is not one. The repeated header names (`decile_score`, `priors_count`)
/// are read as pandas does (`priors_count.1`); the first copy is used.
///
/// # Errors
/// As [`Table::from_csv_with`], a missing column, or a non-numeric filter value.
pub fn compas(raw: impl Read) -> Result<PublicData> {
    let file = "compas-scores-two-years.csv";
    let format = CsvFormat {
        rename_duplicates: true,
        ..CsvFormat::default()
    };
    let table = Table::from_csv_with(raw, file, &format)?;
    let days = table.column("days_b_screening_arrest")?;
    let is_recid = table.column("is_recid")?;
    let degree = table.column("c_charge_degree")?;
    let score = table.column("score_text")?;
    let race = table.column("race")?;
    let mut keep = Vec::new();
    for i in 0..table.n_rows() {
        // An empty `days_b_screening_arrest` is NaN to pandas, and fails both comparisons.
        let days_ok = match days.get(i).trim() {
            "" => false,
            d => number(&table, "days_b_screening_arrest", i, d)?.abs() <= 30.0,
        };
        let recid_ok = number(&table, "is_recid", i, is_recid.get(i))? != -1.0;
        if days_ok
            && recid_ok
            && degree.get(i) != "O"
            && score.get(i) != "N/A"
            && matches!(race.get(i), "African-American" | "Caucasian")
        {
            keep.push(i);
        }
    }
    let mut columns = vec!["id"];
    columns.extend(COMPAS_FEATURES);
    columns.extend(["two_year_recid", "race"]);
    let kept = table.select_columns(&columns)?.select_rows(&keep)?;
    let (train, test) = train_test_split(kept.n_rows(), 0.3, 42)?;
    Ok(PublicData {
        train: kept.select_rows(&train)?,
        test: kept.select_rows(&test)?,
        spec: DatasetSpec {
            features: Some(COMPAS_FEATURES.iter().map(|c| c.to_string()).collect()),
            ..DatasetSpec::new("two_year_recid", ["race"])
        },
    })
}

/// The 21 columns of the Statlog German credit file `german.data`, in file order (the UCI
/// attribute names), except that attribute 9, "personal status and sex", is read as `sex` and
/// holds `female` or `male` after loading (see [`german`]).
pub const GERMAN_COLUMNS: [&str; 21] = [
    "checking_status",
    "duration",
    "credit_history",
    "purpose",
    "credit_amount",
    "savings",
    "employment",
    "installment_rate",
    "sex",
    "other_debtors",
    "residence_since",
    "property",
    "age",
    "other_installment_plans",
    "housing",
    "existing_credits",
    "job",
    "num_dependents",
    "telephone",
    "foreign_worker",
    "class",
];

/// The sex that a code of German credit's attribute 9 ("personal status and sex") documents:
/// A91 male divorced/separated, A92 female divorced/separated/married, A93 male single, A94
/// male married/widowed, A95 female single. `None` for any other value.
pub fn german_sex(code: &str) -> Option<&'static str> {
    match code {
        "A91" | "A93" | "A94" => Some("male"),
        "A92" | "A95" => Some("female"),
        _ => None,
    }
}

/// Reads the Statlog German credit file `german.data` (1,000 rows, no header, fields separated
/// by runs of spaces) into one table to be split per seed (the file has no official split).
///
/// Label `class`, positive `1` (good credit; `2` is bad). Sensitive `sex`, derived from
/// attribute 9 as [`german_sex`] documents (AIF360's `GermanDataset` derives it the same way);
/// the marital status that attribute 9 also codes is dropped with it, since it is entangled
/// with sex (no male code shares a status with a female one) and would hand the feature
/// matrix the sensitive attribute. Features: the other 19 attributes, text codes one-hot
/// encoded, numbers standardized.
///
/// # Errors
/// As [`Table::from_csv_with`] (the messages name `german.data`), and a value of attribute 9
/// that is not one of A91..A95 (naming its line).
pub fn german(raw: impl Read) -> Result<(Table, DatasetSpec)> {
    let file = "german.data";
    let format = CsvFormat {
        delimiter: crate::Delimiter::Whitespace,
        names: Some(GERMAN_COLUMNS.iter().map(|c| c.to_string()).collect()),
        ..CsvFormat::default()
    };
    let mut table = Table::from_csv_with(raw, file, &format)?;
    let codes = table.column("sex")?;
    if let Some(i) = (0..table.n_rows()).find(|&i| german_sex(codes.get(i)).is_none()) {
        return Err(DataError::Read {
            file: file.into(),
            line: Some(table.line(i)),
            message: format!(
                "column 9 (personal status and sex) holds {}; expected one of A91, A92, A93, \
                 A94, A95",
                fairkit_core::text::quote(codes.get(i))
            ),
        });
    }
    table.map_column("sex", |v| german_sex(v).unwrap_or(v))?;
    Ok((table, DatasetSpec::new("class", ["sex"])))
}

fn number(table: &Table, column: &str, i: usize, v: &str) -> Result<f64> {
    v.trim().parse().map_err(|_| DataError::NonNumeric {
        file: table.file().to_string(),
        line: table.line(i),
        row: i + 1,
        column: column.to_string(),
        value: v.to_string(),
        hint: String::new(),
    })
}

/// numpy's legacy `RandomState(seed).permutation(n)`: MT19937 seeded with `init_genrand`, then
/// a Fisher-Yates shuffle from the end whose index `j <= i` is drawn by masked rejection
/// sampling on 32-bit outputs (64-bit ones above `u32::MAX`), as numpy's `random_interval`.
///
/// ```
/// // np.random.RandomState(42).permutation(10)
/// assert_eq!(
///     fairkit_data::public::legacy_permutation(42, 10),
///     [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]
/// );
/// ```
pub fn legacy_permutation(seed: u32, n: usize) -> Vec<usize> {
    let mut mt = Mt::new(seed);
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let max = i as u64;
        let mut mask = max;
        for shift in [1, 2, 4, 8, 16, 32] {
            mask |= mask >> shift;
        }
        let j = loop {
            let v = if max <= u64::from(u32::MAX) {
                u64::from(mt.next_u32()) & mask
            } else {
                let hi = u64::from(mt.next_u32());
                ((hi << 32) | u64::from(mt.next_u32())) & mask
            };
            if v <= max {
                break v as usize;
            }
        };
        p.swap(i, j);
    }
    p
}

/// scikit-learn's `train_test_split(np.arange(n), test_size=test_size, random_state=seed)`
/// without stratification: the first `ceil(test_size * n)` entries of
/// [`legacy_permutation`] are the test rows, the rest the training rows, both in permutation
/// order. Returns `(train, test)`.
///
/// # Errors
/// `test_size` outside `(0, 1)` or a split that leaves either side empty.
pub fn train_test_split(n: usize, test_size: f64, seed: u32) -> Result<(Vec<usize>, Vec<usize>)> {
    let n_test = (test_size * n as f64).ceil() as usize;
    if !(test_size > 0.0 && test_size < 1.0) || n_test == 0 || n_test >= n {
        return Err(fairkit_core::Error::invalid(
            "test-size",
            test_size,
            &format!("must be in (0, 1) and leave rows on both sides of {n}"),
        )
        .into());
    }
    let mut p = legacy_permutation(seed, n);
    let train = p.split_off(n_test);
    Ok((train, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutation_matches_numpy() {
        // np.random.RandomState(0).permutation(20) and RandomState(7).permutation(1).
        assert_eq!(
            legacy_permutation(0, 20),
            [
                18, 1, 19, 8, 10, 17, 6, 13, 4, 2, 5, 14, 9, 7, 16, 11, 3, 0, 15, 12
            ]
        );
        assert_eq!(legacy_permutation(7, 1), [0]);
        assert!(legacy_permutation(7, 0).is_empty());
    }

    #[test]
    fn split_takes_the_test_rows_first() {
        let (train, test) = train_test_split(10, 0.3, 42).unwrap();
        assert_eq!(test, [8, 1, 5]);
        assert_eq!(train, [0, 7, 2, 9, 4, 3, 6]);
        assert!(train_test_split(10, 1.0, 42).is_err());
        assert!(train_test_split(1, 0.3, 42).is_err());
    }

    #[test]
    fn adult_strips_the_banner_and_label_dots() {
        let row = "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States";
        let row2 = "50, ?, 83311, Bachelors, 13, Married-civ-spouse, ?, Husband, White, Female, 0, 0, 13, ?";
        let data = format!("{row}, <=50K\n{row2}, >50K\n\n");
        let test = format!("|1x3 Cross validator\n{row}, >50K.\n{row2}, <=50K.\n");
        let d = adult(data.as_bytes(), test.as_bytes()).unwrap();
        assert_eq!(d.test.column("income").unwrap().get(0), ">50K");
        assert_eq!(d.test.line(0), 2);
        assert_eq!(d.train.column("workclass").unwrap().get(1), "?");
        let p = d.prepare().unwrap();
        assert_eq!(p.test.labels(), [true, false]);
        assert_eq!(p.encoder.feature_names().len(), 18);
        let bad = adult(format!("{row}\n").as_bytes(), test.as_bytes()).unwrap_err();
        assert!(matches!(bad, DataError::ColumnNames { line: 1, .. }));
    }
}
