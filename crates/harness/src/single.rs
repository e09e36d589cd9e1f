//! One method on one dataset and seed: what `fairkit train` and `fairkit mitigate` print.

use fairkit_data::Prepared;
use fairkit_learners::Estimator;
use fairkit_metrics::{GroupedReport, ReportParams};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::data::{DataSource, SplitPolicy};
use crate::evaluate::{Headline, TestReports, evaluate};
use crate::method::{MethodDetails, MethodRun, MethodSpec, run};
use crate::{Result, data::LoadedData};

/// A single run's result.
#[derive(Debug, Clone)]
pub struct SingleRun {
    /// The dataset's name.
    pub dataset: String,
    /// The method.
    pub method: MethodSpec,
    /// The base estimator.
    pub estimator: Estimator,
    /// The seed of the split and of sampled predictions.
    pub seed: u64,
    /// The encoded training and test data.
    pub data: Prepared,
    /// The fit and the test predictions.
    pub run: MethodRun,
    /// The test reports.
    pub reports: TestReports,
}

impl SingleRun {
    /// Loads the data, fits the method on the training rows and evaluates it on the test rows.
    ///
    /// # Errors
    /// Data errors, fewer than two groups or one label class in the training data, and every
    /// fit error of the method.
    pub fn execute(
        source: &DataSource,
        split: &SplitPolicy,
        method: &MethodSpec,
        estimator: &Estimator,
        seed: u64,
        report: &ReportParams,
    ) -> Result<Self> {
        let loaded = source.load()?;
        let data = prepare(&loaded, split, method, seed)?;
        let dataset = loaded.name.clone();
        // The raw tables are not needed past the encoding: they are dropped before the fit
        // (docs/csv.md#memory), and read again only to locate an error that needs them.
        drop(loaded);
        Self::on_prepared(dataset, data, method, estimator, seed, report, |e| {
            if !LoadedData::locatable(&e) {
                return e;
            }
            match source.load() {
                Ok(loaded) => loaded.locate(e),
                Err(_) => e,
            }
        })
    }

    /// As [`execute`](Self::execute) on data already loaded.
    ///
    /// # Errors
    /// As [`execute`](Self::execute).
    pub fn on_loaded(
        loaded: &LoadedData,
        split: &SplitPolicy,
        method: &MethodSpec,
        estimator: &Estimator,
        seed: u64,
        report: &ReportParams,
    ) -> Result<Self> {
        let data = prepare(loaded, split, method, seed)?;
        Self::on_prepared(
            loaded.name.clone(),
            data,
            method,
            estimator,
            seed,
            report,
            |e| loaded.locate(e),
        )
    }

    /// Fits and evaluates on data already encoded; `locate` adds the file and line to a fit
    /// error where it can.
    fn on_prepared(
        dataset: String,
        data: Prepared,
        method: &MethodSpec,
        estimator: &Estimator,
        seed: u64,
        report: &ReportParams,
        locate: impl Fn(crate::HarnessError) -> crate::HarnessError,
    ) -> Result<Self> {
        data.train.groups().require_two_groups()?;
        data.train.require_both_classes()?;
        let run = run(method, estimator, &data.train, &data.test, seed).map_err(locate)?;
        let reports = evaluate(&data.test, &run, report)?;
        Ok(Self {
            dataset,
            method: method.clone(),
            estimator: estimator.clone(),
            seed,
            data,
            run,
            reports,
        })
    }

    /// The method's own numbers.
    pub fn details(&self) -> MethodDetails {
        self.run.fitted.details()
    }

    /// A plain-text report: the run, the predicted labels' report table, the expected headline
    /// of randomized methods, the fit time and the method's details.
    pub fn render_table(&self) -> String {
        let scores = match (self.method.score_column(), self.method.own_learner()) {
            (Some(column), _) => format!("the scores of column '{column}'"),
            (None, Some(learner)) => learner.to_string(),
            (None, None) => self.estimator.to_string(),
        };
        let mut out = format!(
            "{} with {} on {} (seed {}): {} training rows, {} test rows\n\n",
            self.method,
            scores,
            self.dataset,
            self.seed,
            self.data.train.n_rows(),
            self.data.test.n_rows(),
        );
        out.push_str(&self.reports.predicted.render_table());
        if self.run.fitted.is_randomized() {
            let h = Headline::of(&self.reports.expected);
            out.push_str(&format!(
                "\nexpected under the method's randomization: accuracy {:.4}, balanced accuracy \
                 {:.4}, DP difference {:.4}, DP ratio {:.4}, EO difference {:.4}\n",
                h.accuracy,
                h.balanced_accuracy,
                h.demographic_parity_difference,
                h.demographic_parity_ratio,
                h.equalized_odds_difference,
            ));
        }
        out.push_str(&format!("\nfit: {:.3} s\n", self.run.fit_seconds));
        let d = self.details();
        if let (Some(it), Some(calls), Some(gap)) = (d.iterations, d.oracle_calls, d.best_gap) {
            out.push_str(&format!(
                "iterations {it}, oracle calls {calls}, best gap {gap:.3e}, predictors with \
                 weight {}\n",
                d.predictors.unwrap_or(0)
            ));
        }
        if let (Some(it), Some(loss), Some(converged)) = (d.iterations, d.loss, d.converged) {
            out.push_str(&format!(
                "L-BFGS iterations {it}, training loss {loss:.6}, {}\n",
                if converged {
                    "converged"
                } else {
                    "stopped before meeting its tolerance"
                }
            ));
        }
        if let Some(i) = d.best_index {
            out.push_str(&format!(
                "grid point {i} of {} selected\n",
                d.predictors.unwrap_or(0)
            ));
        }
        if !d.rules.is_empty() {
            out.push_str("\nthresholds (fitted on the training data):\n");
            for r in &d.rules {
                out.push_str(&format!("  {r}\n"));
            }
        }
        if let Some(g) = &d.subgroup {
            out.push_str(&format!(
                "\nmost unfair subgroup (the auditor, training rows): {}\n",
                g.describe()
            ));
        }
        if !d.weights.is_empty() {
            out.push_str("\nreweighing factors P(group) P(label) / P(group, label):\n");
            for w in &d.weights {
                let f = w.factor.map_or_else(|| "-".into(), |f| format!("{f:.6}"));
                out.push_str(&format!("  {} label {}: {f}\n", w.group, u8::from(w.label)));
            }
        }
        out
    }
}

/// The encoded train and test rows of `loaded` for `method` (whose data spec may differ from
/// the source's: a score column) and `seed`.
fn prepare(
    loaded: &LoadedData,
    split: &SplitPolicy,
    method: &MethodSpec,
    seed: u64,
) -> Result<Prepared> {
    let spec = method.data_spec(&loaded.spec)?;
    if spec == loaded.spec {
        loaded.prepare(split, seed)
    } else {
        LoadedData {
            spec,
            ..loaded.clone()
        }
        .prepare(split, seed)
    }
}

/// Serializes as the predicted labels' report (`overall`, `by_group`, `disparities`, ...), then
/// `expected` (the same keys under the method's randomization), `fit_seconds`, the method's
/// details, and the run's identity.
impl Serialize for SingleRun {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let report =
            serde_json::to_value(&self.reports.predicted).map_err(serde::ser::Error::custom)?;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("dataset", &self.dataset)?;
        map.serialize_entry("method", &self.method.name())?;
        map.serialize_entry("method_params", &self.method)?;
        // A method that thresholds a score column or fits its own learner fits no estimator.
        match (self.method.score_column(), self.method.own_learner()) {
            (Some(column), _) => {
                map.serialize_entry("estimator", &None::<Estimator>)?;
                map.serialize_entry("score_column", column)?;
            }
            (None, Some(learner)) => {
                map.serialize_entry("estimator", &None::<Estimator>)?;
                map.serialize_entry("learner", learner)?;
            }
            (None, None) => map.serialize_entry("estimator", &self.estimator)?,
        }
        map.serialize_entry("seed", &self.seed)?;
        map.serialize_entry("train_rows", &self.data.train.n_rows())?;
        map.serialize_entry("test_rows", &self.data.test.n_rows())?;
        if let serde_json::Value::Object(fields) = report {
            for (k, v) in fields {
                map.serialize_entry(&k, &v)?;
            }
        }
        map.serialize_entry("expected", &ExpectedJson(&self.reports.expected))?;
        map.serialize_entry("fit_seconds", &self.run.fit_seconds)?;
        let details = serde_json::to_value(self.details()).map_err(serde::ser::Error::custom)?;
        if let serde_json::Value::Object(fields) = details {
            for (k, v) in fields {
                map.serialize_entry(&k, &v)?;
            }
        }
        map.end()
    }
}

/// The expected report's values and disparities (no sizes or settings, which repeat).
struct ExpectedJson<'a>(&'a GroupedReport);

impl Serialize for ExpectedJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let value = serde_json::to_value(self.0).map_err(serde::ser::Error::custom)?;
        let mut map = serializer.serialize_map(None)?;
        if let serde_json::Value::Object(fields) = value {
            for key in ["overall", "by_group", "disparities"] {
                if let Some(v) = fields.get(key) {
                    map.serialize_entry(key, v)?;
                }
            }
        }
        map.end()
    }
}
