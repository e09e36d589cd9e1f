//! Feature repairs on their own: the disparate-impact remover and the correlation remover
//! fitted on a table and applied to tables, for `fairkit transform`.
//!
//! The output of a repair is a table of the *encoded* features (named as the [`Encoder`] names
//! them: `col` for numbers, `col=level` for one-hot columns) with repaired values, followed by
//! the sensitive columns, the weights column and the label column as they were. Read back with
//! the same label and sensitive columns and without standardization, it is exactly the data the
//! methods `di-remover` and `correlation-remover` fit their estimator on.

use fairkit_core::Error;
use fairkit_core::text::quote;
use fairkit_data::{DataError, DatasetSpec, Encoder, Table};
use fairkit_preprocessing::FeatureTransform;

use crate::Result;
use crate::method::MethodSpec;

/// A repair fitted on a training table, with the encoding of that table.
pub struct TableRepair {
    /// How raw rows become features and groups (fitted on the training table).
    pub encoder: Encoder,
    /// The repair.
    pub repair: Box<dyn FeatureTransform + Send + Sync>,
}

impl TableRepair {
    /// Encodes `train` with `spec` and fits the repair of `method` (a method that is a
    /// [feature repair](crate::method::Method::repair)) on it.
    ///
    /// # Errors
    /// A method that is not a feature repair, every encoding error of `fairkit-data`, fewer
    /// than two groups, invalid parameters (a repair level or alpha outside `[0, 1]`), and
    /// every fit error of the repair.
    pub fn fit(method: &MethodSpec, spec: &DatasetSpec, train: &Table) -> Result<Self> {
        let Some(fit) = method.method().repair() else {
            return Err(Error::invalid(
                "method",
                method.name(),
                "is not a feature repair: expected di-remover or correlation-remover",
            )
            .into());
        };
        let encoder = Encoder::fit(spec, train, &[])?;
        let data = encoder.transform(train)?;
        data.groups().require_two_groups()?;
        let repair = fit.fit_repair(&data)?;
        Ok(Self { encoder, repair })
    }

    /// The error for a repaired value that is not finite although every input was: row `i`,
    /// encoded feature `j`.
    fn non_finite(&self, table: &Table, i: usize, j: usize, v: f64) -> DataError {
        let feature = &self.encoder.feature_names()[j];
        // A numeric input column has the feature's name; a one-hot feature has none to show.
        let value = table.column(feature).ok().map(|c| c.get(i).to_string());
        let name = self.repair.name();
        let value = value.map_or_else(|| "the value".into(), |v| format!("value {}", quote(&v)));
        DataError::NonFiniteResult {
            file: table.file().to_string(),
            line: table.line(i),
            row: i + 1,
            column: feature.clone(),
            message: format!(
                "{value} is a finite input, but repairing the row with the {name} gives a \
                 non-finite result ({v}); the features are too large for the repair's \
                 arithmetic: rescale column '{feature}' (or leave standardization on)"
            ),
        }
    }

    /// Repairs the rows of `table` (the training table or another one with the same feature
    /// and sensitive columns; its label and weights columns are copied when present).
    ///
    /// The result holds the encoded, repaired features (numbers in Rust's shortest round-trip
    /// form), then the sensitive columns, the weights column and the label column.
    ///
    /// # Errors
    /// Missing feature or sensitive columns, values the encoder cannot read, a group without
    /// training rows, a repaired value that is not finite (naming the column and the row's
    /// line), and an encoded feature name that clashes with a copied column.
    pub fn apply(&self, table: &Table) -> Result<Table> {
        let x = self.encoder.features(table)?;
        if let Some(w) = &self.encoder.spec().weights
            && table.column_index(w).is_some()
        {
            self.encoder.weights(table)?;
        }
        let groups = self.encoder.open_groups(table)?;
        let repaired = self.repair.transform_features(x.view(), &groups)?;
        // fairkit refuses a non-finite number on reading, so none is written.
        if let Some(((i, j), v)) = repaired.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(self.non_finite(table, i, j, *v).into());
        }
        let spec = self.encoder.spec();
        let mut header: Vec<String> = self.encoder.feature_names().to_vec();
        let mut columns: Vec<Vec<String>> = repaired
            .columns()
            .into_iter()
            .map(|c| c.iter().map(f64::to_string).collect())
            .collect();
        let copied = spec
            .sensitive
            .iter()
            .map(|s| (s, true))
            .chain(spec.weights.iter().map(|w| (w, false)))
            .chain([(&spec.label, false)]);
        for (name, required) in copied {
            if required || table.column_index(name).is_some() {
                header.push(name.clone());
                columns.push(table.column(name)?.iter().map(str::to_string).collect());
            }
        }
        Ok(Table::from_columns(table.file(), header, &columns)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::from_csv(text.as_bytes(), "t.csv").unwrap()
    }

    const TRAIN: &str = "x,c,g,y\n1,u,a,1\n2,v,a,0\n3,u,a,1\n5,u,b,0\n7,v,b,1\n9,v,b,0\n";

    #[test]
    fn level_zero_keeps_the_encoded_features() {
        let spec = DatasetSpec {
            standardize: false,
            ..DatasetSpec::new("y", ["g"])
        };
        let method = MethodSpec::DiRemover(crate::method::DiRemoverSpec {
            repair_level: 0.0,
            aif360_binning: false,
        });
        let fitted = TableRepair::fit(&method, &spec, &table(TRAIN)).unwrap();
        let out = fitted.apply(&table(TRAIN)).unwrap();
        assert_eq!(out.header(), ["x", "c=u", "c=v", "g", "y"]);
        let col = |name: &str| out.column(name).unwrap().iter().collect::<Vec<_>>();
        assert_eq!(col("x"), ["1", "2", "3", "5", "7", "9"]);
        assert_eq!(col("c=u"), ["1", "0", "1", "1", "0", "0"]);
        assert_eq!(col("g"), ["a", "a", "a", "b", "b", "b"]);
        // Without a label column the rest is the same.
        let out = fitted.apply(&table("x,c,g\n4,w,b\n")).unwrap();
        assert_eq!(out.header(), ["x", "c=u", "c=v", "g"]);
        assert_eq!(out.column("c=u").unwrap().get(0), "0");
    }

    #[test]
    fn full_repair_equalizes_the_groups_distributions() {
        let spec = DatasetSpec {
            standardize: false,
            features: Some(vec!["x".into()]),
            ..DatasetSpec::new("y", ["g"])
        };
        let method: MethodSpec = "di-remover".parse().unwrap();
        let fitted = TableRepair::fit(&method, &spec, &table(TRAIN)).unwrap();
        let out = fitted.apply(&table(TRAIN)).unwrap();
        let x: Vec<&str> = out.column("x").unwrap().iter().collect();
        // Rank k of group a and rank k of group b get the same value.
        assert_eq!(x[..3], x[3..]);
        let err = fitted.apply(&table("x,g\n1,z\n")).unwrap_err();
        assert!(err.to_string().contains("g=z"), "{err}");
    }

    #[test]
    fn a_repair_that_overflows_is_refused_naming_the_column() {
        let spec = DatasetSpec {
            standardize: false,
            ..DatasetSpec::new("y", ["g"])
        };
        let big = "x,g,y\n1e308,a,1\n-1e308,a,0\n1.5e308,b,1\n-1.7e308,b,0\n1e308,b,0\n";
        let method: MethodSpec = "correlation-remover".parse().unwrap();
        let fitted = TableRepair::fit(&method, &spec, &table(big)).unwrap();
        let err = fitted.apply(&table(big)).unwrap_err().to_string();
        assert!(
            err.starts_with("t.csv: line 2, row 1, column 'x': value '1e308' is a finite input")
                && err.contains("rescale column 'x'"),
            "{err}"
        );
        assert!(err.contains("correlation remover"), "{err}");
    }

    #[test]
    fn other_methods_are_not_repairs() {
        let spec = DatasetSpec::new("y", ["g"]);
        for method in ["baseline", "expgrad-dp", "threshold-eo"] {
            let method: MethodSpec = method.parse().unwrap();
            let err = TableRepair::fit(&method, &spec, &table(TRAIN))
                .err()
                .unwrap();
            assert_eq!(
                err.to_string(),
                format!(
                    "invalid parameter method = {method}: is not a feature repair: expected \
                     di-remover or correlation-remover"
                )
            );
        }
    }
}
