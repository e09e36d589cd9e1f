//! Saved models: a fitted method with everything needed to predict new rows of a CSV file.
//!
//! The file is JSON. It records its format name and version, the fairkit version that wrote
//! it, the base estimator and method parameters, the feature [`Encoder`] (so that new data is
//! one-hot encoded and standardized exactly as the training data was) and the fitted method.
//! A file of another format version is refused with a clear error rather than misread.

use std::path::Path;

use fairkit_core::Groups;
use fairkit_core::text::{quote, quote_list};
use fairkit_data::{Encoder, Table};
use fairkit_learners::Estimator;
use serde::{Deserialize, Serialize};

use crate::method::{FittedMethod, MethodSpec};
use crate::{HarnessError, Result, io};

/// The `format` field of every model file.
pub const MODEL_FORMAT: &str = "fairkit-model";

/// The model file version this build writes and reads. Bump it whenever the serialized form
/// of any fitted model changes.
pub const MODEL_VERSION: u32 = 1;

/// A fitted method and its encoder.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedModel {
    /// Always [`MODEL_FORMAT`].
    pub format: String,
    /// The file format version ([`MODEL_VERSION`] when written by this build).
    pub version: u32,
    /// The fairkit version that wrote the file.
    pub fairkit_version: String,
    /// The base estimator and its parameters (not fitted, and so not used, by a method that
    /// thresholds a score column).
    pub estimator: Estimator,
    /// The method and its parameters.
    pub method: MethodSpec,
    /// How raw rows become features and groups.
    pub encoder: Encoder,
    /// The fitted method.
    pub fitted: FittedMethod,
    /// The file the model was read from (empty for a model built in memory), for messages.
    #[serde(skip)]
    pub source: String,
}

/// Just the header, read first so that a file of another version gets a clear error.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

/// Predictions for the rows of a table.
#[derive(Debug, Clone)]
pub struct Predictions {
    /// Each row's group.
    pub groups: Groups,
    /// A score that increases with the positive class.
    pub score: Vec<f64>,
    /// The expected probability of a positive prediction.
    pub expected: Vec<f64>,
    /// The predicted labels (sampled with the seed for randomized methods).
    pub predicted: Vec<bool>,
}

impl SavedModel {
    /// Bundles a fitted method for saving.
    pub fn new(
        estimator: Estimator,
        method: MethodSpec,
        encoder: Encoder,
        fitted: FittedMethod,
    ) -> Self {
        Self {
            format: MODEL_FORMAT.into(),
            version: MODEL_VERSION,
            fairkit_version: env!("CARGO_PKG_VERSION").into(),
            estimator,
            method,
            encoder,
            fitted,
            source: String::new(),
        }
    }

    /// The model as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model serializes")
    }

    /// Reads a model from JSON text; `source` names it in errors.
    ///
    /// # Errors
    /// Text that is not a fairkit model, a model of another format version, or a malformed
    /// model.
    pub fn from_json(text: &str, source: &str) -> Result<Self> {
        let bad = |reason: String| {
            HarnessError::Input(fairkit_core::Error::invalid("model", source, &reason))
        };
        let header: Header = serde_json::from_str(text)
            .map_err(|e| bad(format!("not a fairkit model file ({e})")))?;
        if header.format.as_deref() != Some(MODEL_FORMAT) {
            return Err(bad(format!(
                "not a fairkit model file (format {:?}, expected {MODEL_FORMAT:?})",
                header.format.unwrap_or_default()
            )));
        }
        match header.version {
            Some(MODEL_VERSION) => {}
            v => {
                return Err(bad(format!(
                    "model format version {} is not supported; this fairkit {} reads version \
                     {MODEL_VERSION} (refit the model with this version)",
                    v.map_or_else(|| "(missing)".into(), |v| v.to_string()),
                    env!("CARGO_PKG_VERSION"),
                )));
            }
        }
        let mut model: Self =
            serde_json::from_str(text).map_err(|e| bad(format!("malformed model: {e}")))?;
        model.source = source.to_string();
        model
            .validate()
            .map_err(|e| bad(format!("corrupted model: {e}")))?;
        Ok(model)
    }

    /// Checks that the parts of a model read from a file agree (a file edited by hand or
    /// damaged must be refused here, not panic when predicting): a valid encoder, a fit of
    /// the recorded method, every fitted part consistent and reading the encoder's width,
    /// and a score thresholder's encoder reading only its score column.
    ///
    /// # Errors
    /// What does not fit, as [`fairkit_core::Error::Inconsistent`] or the part's own error.
    pub fn validate(&self) -> Result<()> {
        self.encoder.validate()?;
        if !self.fitted.is_fit_of(&self.method) {
            return Err(fairkit_core::Error::inconsistent(
                "model",
                format!("its fit is not one of method {}", self.method.name()),
            )
            .into());
        }
        if let Some(column) = self.method.score_column()
            && self.encoder.feature_names() != [column]
        {
            return Err(fairkit_core::Error::inconsistent(
                "model",
                format!("its thresholds read column '{column}' but its encoder does not"),
            )
            .into());
        }
        self.fitted.validate(self.encoder.feature_names().len())
    }

    /// Writes the model atomically.
    ///
    /// # Errors
    /// [`HarnessError::Io`].
    pub fn save(&self, path: &Path) -> Result<()> {
        io::write_bytes_atomic(path, self.to_json().as_bytes())
    }

    /// Reads a model file.
    ///
    /// # Errors
    /// As [`from_json`](Self::from_json), and unreadable files.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| HarnessError::Io {
            action: "cannot read",
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text, &path.display().to_string())
    }

    /// `e` (a failed prediction) explained by the first group of `table` that the fitted
    /// method cannot predict, if there is one: a group the encoder was not fitted on (the data
    /// holds a new group), or one it was fitted on that the fitted method has no rule for (with
    /// one sensitive column every group of the encoder had rows when the model was fitted, so
    /// the model file is inconsistent: edited or damaged).
    fn explain_groups(
        &self,
        e: HarnessError,
        x: ndarray::ArrayView2<'_, f64>,
        groups: &Groups,
        table: &Table,
    ) -> HarnessError {
        let schema = groups.schema();
        let first_row = |code: u32| groups.codes().iter().position(|&c| c == code).unwrap_or(0);
        let Some((code, row)) = groups.present().into_iter().find_map(|code| {
            let i = first_row(code);
            let one = Groups::new(std::sync::Arc::clone(groups.schema_arc()), vec![code]).ok()?;
            self.fitted
                .expected(x.slice(ndarray::s![i..i + 1, ..]), &one)
                .is_err()
                .then_some((code, i))
        }) else {
            return e;
        };
        let values = schema.values(code);
        let known = self.encoder.schema();
        let where_ = format!(
            "{}: line {}, row {}, column(s) {}",
            table.file(),
            table.line(row),
            row + 1,
            quote(&known.columns().join(","))
        );
        let model = if self.source.is_empty() {
            "the model".to_string()
        } else {
            format!("model {}", self.source)
        };
        let method = self.method.name();
        let message = if known.code(&values).is_none() {
            let labels: Vec<String> = (0..known.n_groups() as u32)
                .map(|c| known.describe(c))
                .collect();
            format!(
                "{where_}: group {} was not seen when {model} was fitted (its groups: {}); \
                 {method} needs each row's group: refit on data that holds this group, or leave \
                 its rows out",
                quote(&schema.describe(code)),
                quote_list(&labels, 8)
            )
        } else if known.columns().len() == 1 {
            format!(
                "{where_}: {model} is inconsistent: its encoding lists group {} but its fitted \
                 {method} has no rule for it, which a fit never leaves out (was the file \
                 edited?); fit and save the model again",
                quote(&schema.describe(code))
            )
        } else {
            format!(
                "{where_}: group {} had no training rows when {model} was fitted, so its \
                 {method} has no rule for it; refit on data that holds this combination",
                quote(&schema.describe(code))
            )
        };
        HarnessError::Located(message)
    }

    /// Predicts the rows of a raw table (labels not needed), encoding it with the saved
    /// encoder; randomized methods sample labels with `seed` (the same seed and rows give the
    /// same labels as the run that saved the model). A categorical level unseen in training
    /// encodes as zeros. A group unseen in training is an error for methods that use groups
    /// at prediction, and is allowed for those that do not (the baseline, reweighing).
    ///
    /// # Errors
    /// Missing feature or sensitive columns, values the encoder cannot read, groups unseen in
    /// training where the method uses them.
    pub fn predict(&self, table: &Table, seed: u64) -> Result<Predictions> {
        let x = self.encoder.features(table)?;
        let groups = self.encoder.open_groups(table)?;
        let expected = self
            .fitted
            .expected(x.view(), &groups)
            .map_err(|e| self.explain_groups(e, x.view(), &groups, table))?;
        let score = self.fitted.score(x.view(), &groups)?;
        let predicted = self.fitted.labels(&expected, seed);
        Ok(Predictions {
            groups,
            score,
            expected,
            predicted,
        })
    }
}
