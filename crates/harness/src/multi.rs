//! Several datasets in one comparison (`fairkit compare --datasets`, `[[datasets]]`): the same
//! methods, estimator, split policy and seeds on each dataset in turn, one table and one plot
//! per dataset, the plots as small multiples in one figure, and a cross-dataset summary after
//! Friedler et al. (2019): per method and dataset, its accuracy loss and disparity reduction
//! relative to the baseline, its rank, and its standard deviation over splits
//! (docs/datasets.md).

use std::path::{Path, PathBuf};

use fairkit_data::sim;
use serde::Serialize;

use crate::compare::{
    CompareConfig, Comparison, MethodEntry, Reuse, SummaryRow, compare_reusing, evidence_inputs, pm,
};
use crate::data::DataSource;
use crate::evidence::Evidence;
use crate::method::{KnobGrid, MethodSpec};
use crate::plot::{Figure, render_svg, tradeoff_figure};
use crate::{HarnessError, Result, io};

/// The per-dataset plots of a multi-dataset run: `tradeoff-NAME.svg`, one per dataset, beside
/// the small multiples in `tradeoff.svg` (a `*` stands for the dataset's name).
pub const DATASET_PLOT_PATTERN: &str = "tradeoff-*.svg";

/// The public datasets `--datasets` names, read from `--data-dir`: `adult/` (adult.data and
/// adult.test), `compas/compas-scores-two-years.csv` and `german/german.data`.
pub const PUBLIC_DATASETS: [&str; 3] = ["adult", "compas", "german"];

/// Every name `--datasets` accepts: the [`PUBLIC_DATASETS`], then the simulator scenarios.
pub fn dataset_names() -> Vec<&'static str> {
    let mut names = PUBLIC_DATASETS.to_vec();
    names.extend(sim::SCENARIOS);
    names
}

/// The data source `--datasets` means by `name`: a public dataset in `data_dir` (laid out as
/// [`PUBLIC_DATASETS`] says), or a simulator scenario of `rows` rows from `sim_seed`.
///
/// # Errors
/// An unknown name (with the closest known one), a public dataset without `data_dir`, and a
/// `data_dir` or dataset file that does not exist (naming the path).
pub fn named_source(
    name: &str,
    data_dir: Option<&Path>,
    rows: usize,
    sim_seed: u64,
) -> Result<DataSource> {
    if sim::SCENARIOS.contains(&name) {
        return Ok(DataSource::Scenario {
            name: name.to_string(),
            rows,
            seed: sim_seed,
        });
    }
    if !PUBLIC_DATASETS.contains(&name) {
        return Err(fairkit_core::Error::unknown("--datasets", name, &dataset_names()).into());
    }
    let Some(dir) = data_dir else {
        return Err(HarnessError::Located(format!(
            "--datasets {name} needs --data-dir DIR (a folder holding adult/, compas/ and \
             german/)"
        )));
    };
    if !dir.is_dir() {
        return Err(HarnessError::Located(format!(
            "--data-dir {}: no such directory (it should hold adult/, compas/ and german/)",
            dir.display()
        )));
    }
    let (source, needed): (DataSource, Vec<PathBuf>) = match name {
        "adult" => {
            let path = dir.join("adult");
            let needed = vec![path.join("adult.data"), path.join("adult.test")];
            (DataSource::Adult { path }, needed)
        }
        "compas" => {
            let path = dir.join("compas").join("compas-scores-two-years.csv");
            (DataSource::Compas { path: path.clone() }, vec![path])
        }
        _ => {
            let path = dir.join("german").join("german.data");
            (DataSource::German { path: path.clone() }, vec![path])
        }
    };
    if let Some(missing) = needed.iter().find(|p| !p.is_file()) {
        return Err(HarnessError::Located(format!(
            "--data-dir {}: dataset {name} needs {}, which does not exist",
            dir.display(),
            missing.display()
        )));
    }
    Ok(source)
}

/// One method on one dataset, against that dataset's baseline (all means over seeds).
#[derive(Debug, Clone, PartialEq)]
pub struct CrossRow {
    /// The dataset.
    pub dataset: String,
    /// The method.
    pub method: String,
    /// The baseline's mean accuracy minus the method's (positive: the method loses accuracy).
    pub accuracy_loss: f64,
    /// The baseline's mean disparity minus the method's (positive: the method is fairer).
    pub disparity_reduction: f64,
    /// Standard deviation of the accuracy over splits (seeds).
    pub accuracy_sd: f64,
    /// Standard deviation of the disparity over splits.
    pub disparity_sd: f64,
    /// Rank by mean accuracy on this dataset (1: highest; ties share the best rank); `None`
    /// when the method has no value there (its default operating point was not swept).
    pub accuracy_rank: Option<usize>,
    /// Rank by mean disparity on this dataset (1: lowest; ties share the best rank); `None`
    /// as for [`accuracy_rank`](Self::accuracy_rank).
    pub disparity_rank: Option<usize>,
}

impl Serialize for CrossRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let num = fairkit_metrics::Num;
        let mut map = s.serialize_map(Some(8))?;
        map.serialize_entry("dataset", &self.dataset)?;
        map.serialize_entry("method", &self.method)?;
        map.serialize_entry("accuracy_loss", &num(self.accuracy_loss))?;
        map.serialize_entry("disparity_reduction", &num(self.disparity_reduction))?;
        map.serialize_entry("accuracy_sd", &num(self.accuracy_sd))?;
        map.serialize_entry("disparity_sd", &num(self.disparity_sd))?;
        map.serialize_entry("accuracy_rank", &self.accuracy_rank)?;
        map.serialize_entry("disparity_rank", &self.disparity_rank)?;
        map.end()
    }
}

/// A finished multi-dataset comparison: one [`Comparison`] per dataset and the cross-dataset
/// summary.
#[derive(Debug, Clone)]
pub struct MultiComparison {
    /// The resolved configuration (its `datasets` list the sources in run order).
    pub config: CompareConfig,
    /// One comparison per dataset, in the order of `config.datasets`.
    pub runs: Vec<Comparison>,
    /// One row per (dataset, method), datasets in run order, methods in config order.
    pub cross: Vec<CrossRow>,
    /// The method every [`CrossRow`] is measured against: the first method that is the plain
    /// baseline (`method = "baseline"`), else the first method.
    pub baseline: String,
}

/// Competition ranks ("1224") of `values`, best first by `higher_is_better`, among the
/// values that are numbers; a NaN (no value) has no rank.
fn ranks(values: &[f64], higher_is_better: bool) -> Vec<Option<usize>> {
    let key = |v: f64| if higher_is_better { -v } else { v };
    values
        .iter()
        .map(|&v| {
            (!v.is_nan()).then(|| {
                1 + values
                    .iter()
                    .filter(|&&o| !o.is_nan() && key(o) < key(v))
                    .count()
            })
        })
        .collect()
}

/// A rank as tables print it: the number, or `-` when there is none.
pub(crate) fn rank_text(rank: Option<usize>) -> String {
    rank.map_or_else(|| "-".to_string(), |r| r.to_string())
}

/// The summary row of `entry` at its default operating point: its one row when it is not
/// swept; in a sweep, the row of the knob value a run without a sweep uses (the value that
/// leaves the method's parameters unchanged); `None` when that value was not swept (grid
/// search's whole grid, the threshold optimizer's exact solve, a `sweep` list without it).
pub fn operating_point<'a>(
    entry: &MethodEntry,
    summary: &'a [SummaryRow],
) -> Option<&'a SummaryRow> {
    let mut mine = summary.iter().filter(|r| r.method == entry.name);
    mine.find(|r| match (&r.knob, r.knob_value) {
        (None, _) | (_, None) => true,
        (Some(name), Some(v)) => entry
            .spec
            .knob()
            .filter(|k| k.grid != KnobGrid::Fitted)
            .is_some_and(|k| k.name == name && k.set(&entry.spec, v) == entry.spec),
    })
}

/// The cross-dataset rows of `runs` against the method named `baseline`: per dataset, one row
/// per method of `methods` at its default operating point ([`operating_point`]); ranks are
/// among those points.
fn cross_rows(
    runs: &[Comparison],
    methods: &[MethodEntry],
    baseline: &str,
    axis: usize,
) -> Vec<CrossRow> {
    let mut rows = Vec::new();
    for run in runs {
        let points: Vec<Option<&SummaryRow>> = methods
            .iter()
            .map(|m| operating_point(m, &run.summary))
            .collect();
        let value =
            |p: &Option<&SummaryRow>, k: usize| p.map_or((f64::NAN, f64::NAN), |r| r.metrics[k]);
        let base = methods
            .iter()
            .position(|m| m.name == baseline)
            .map_or((f64::NAN, f64::NAN), |i| {
                (value(&points[i], 0).0, value(&points[i], axis).0)
            });
        let acc: Vec<f64> = points.iter().map(|p| value(p, 0).0).collect();
        let disp: Vec<f64> = points.iter().map(|p| value(p, axis).0).collect();
        let (acc_rank, disp_rank) = (ranks(&acc, true), ranks(&disp, false));
        for (i, (m, p)) in methods.iter().zip(&points).enumerate() {
            rows.push(CrossRow {
                dataset: run.dataset.clone(),
                method: m.name.clone(),
                accuracy_loss: base.0 - acc[i],
                disparity_reduction: base.1 - disp[i],
                accuracy_sd: value(p, 0).1,
                disparity_sd: value(p, axis).1,
                accuracy_rank: acc_rank[i],
                disparity_rank: disp_rank[i],
            });
        }
    }
    rows
}

/// Runs `config` on each of its `datasets` in turn (each as [`compare`] runs one dataset,
/// jobs in parallel). `progress(dataset_index, method_index)` is called after each job.
///
/// # Errors
/// No datasets, and every error of [`compare`] (data errors name their file).
pub fn compare_many(
    config: &CompareConfig,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<MultiComparison> {
    compare_many_reusing(config, &|_, _, _, _| None, progress)
}

/// [`compare_many`], taking the rows `reuse` has instead of running their jobs
/// ([`crate::resume`]).
pub(crate) fn compare_many_reusing(
    config: &CompareConfig,
    reuse: Reuse<'_>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<MultiComparison> {
    config.check()?;
    if config.datasets.is_empty() {
        return Err(fairkit_core::Error::invalid(
            "datasets",
            "(none)",
            "list at least one dataset",
        )
        .into());
    }
    let runs = config
        .datasets
        .iter()
        .enumerate()
        .map(|(d, data)| {
            let one = CompareConfig {
                data: data.clone(),
                datasets: Vec::new(),
                ..config.clone()
            };
            compare_reusing(&one, reuse, &|m| progress(d, m))
        })
        .collect::<Result<Vec<_>>>()?;
    let baseline = config
        .methods
        .iter()
        .find(|m| m.spec == MethodSpec::Baseline && m.estimator.is_none())
        .or(config.methods.first())
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let cross = cross_rows(&runs, &config.methods, &baseline, config.disparity.index());
    Ok(MultiComparison {
        config: config.clone(),
        runs,
        cross,
        baseline,
    })
}

/// `name` as part of a file name: letters, digits, `.`, `-` and `_` kept, the rest `_`.
pub(crate) fn file_part(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

impl MultiComparison {
    /// Per method, the mean over datasets of its accuracy loss, disparity reduction and ranks:
    /// `(method, accuracy loss, disparity reduction, accuracy rank, disparity rank)`.
    pub fn by_method(&self) -> Vec<(String, f64, f64, f64, f64)> {
        self.config
            .methods
            .iter()
            .map(|m| {
                let mine: Vec<&CrossRow> =
                    self.cross.iter().filter(|r| r.method == m.name).collect();
                let mean = |f: &dyn Fn(&CrossRow) -> f64| {
                    mine.iter().map(|r| f(r)).sum::<f64>() / mine.len().max(1) as f64
                };
                // A rank's mean is over the datasets where the method has one (NaN: none).
                let mean_rank = |f: &dyn Fn(&CrossRow) -> Option<usize>| {
                    let ranked: Vec<f64> =
                        mine.iter().filter_map(|r| f(r)).map(|k| k as f64).collect();
                    ranked.iter().sum::<f64>() / ranked.len() as f64
                };
                (
                    m.name.clone(),
                    mean(&|r| r.accuracy_loss),
                    mean(&|r| r.disparity_reduction),
                    mean_rank(&|r| r.accuracy_rank),
                    mean_rank(&|r| r.disparity_rank),
                )
            })
            .collect()
    }

    /// The wall-clock fit times of `recorded` (the `results.json` of a multi-dataset run of
    /// the same configuration) in place of this run's, dataset by dataset, as
    /// [`Comparison::with_fit_seconds_of`] does for one dataset (a replay compares every other
    /// byte).
    ///
    /// # Errors
    /// [`HarnessError::Located`] when `recorded` is not such a `results.json`.
    pub fn with_fit_seconds_of(mut self, recorded: &str, source: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(recorded).map_err(|e| {
            HarnessError::Located(format!(
                "{source}: line {}: not the results of this configuration",
                e.line()
            ))
        })?;
        let of = |key: &str, dataset: &str| -> serde_json::Value {
            value[key]
                .as_array()
                .map(|rows| {
                    rows.iter()
                        .filter(|r| r["dataset"] == dataset)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut runs = Vec::with_capacity(self.runs.len());
        for run in self.runs {
            let mine = serde_json::json!({
                "results": of("results", &run.dataset),
                "summary": of("summary", &run.dataset),
            });
            runs.push(run.with_fit_seconds_of(&mine.to_string(), source)?);
        }
        self.runs = runs;
        Ok(self)
    }

    /// The dataset names, in run order.
    pub fn dataset_names(&self) -> Vec<&str> {
        self.runs.iter().map(|r| r.dataset.as_str()).collect()
    }

    /// The cross-dataset summary as Markdown (a table per dataset's rows, then the means).
    fn cross_markdown(&self) -> String {
        let disparity = self.config.disparity.key().replace('_', " ");
        let mut md = format!(
            "## Across datasets\n\nAgainst `{}` on each dataset (means over seeds): accuracy \
             loss = baseline accuracy - method accuracy, {disparity} reduction = baseline \
             {disparity} - method {disparity}; ranks by mean accuracy (1 highest) and by mean \
             {disparity} (1 lowest); sd over splits (seeds).\n\n",
            self.baseline
        );
        if self.config.sweeps() {
            md.push_str(
                "Under a sweep each method enters at its default operating point (the knob \
                 value a run without `--sweep` uses), not as an average over its grid; a \
                 method whose default was not swept (grid search, the threshold optimizer's \
                 exact solve) shows `-`.\n\n",
            );
        }
        md.push_str("| dataset | method | accuracy loss | disparity reduction | accuracy sd | disparity sd | accuracy rank | disparity rank |\n");
        md.push_str("|---|---|---|---|---|---|---|---|\n");
        let f = |v: f64| pm(v, f64::NAN, 4);
        for r in &self.cross {
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                r.dataset,
                r.method,
                f(r.accuracy_loss),
                f(r.disparity_reduction),
                f(r.accuracy_sd),
                f(r.disparity_sd),
                rank_text(r.accuracy_rank),
                rank_text(r.disparity_rank)
            ));
        }
        md.push_str("\nMean over datasets:\n\n| method | accuracy loss | disparity reduction | accuracy rank | disparity rank |\n|---|---|---|---|---|\n");
        for (m, loss, red, ar, dr) in self.by_method() {
            md.push_str(&format!(
                "| {m} | {} | {} | {} | {} |\n",
                f(loss),
                f(red),
                pm(ar, f64::NAN, 2),
                pm(dr, f64::NAN, 2)
            ));
        }
        md
    }

    /// Each dataset's table ([`Comparison::render_table`]), then the cross-dataset means.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        for run in &self.runs {
            out.push_str(&run.render_table());
            out.push('\n');
        }
        out.push_str(&format!(
            "across {} datasets, against {} (means over datasets):\n\n",
            self.runs.len(),
            self.baseline
        ));
        let width = self
            .config
            .methods
            .iter()
            .map(|m| m.name.chars().count().min(40))
            .max()
            .unwrap_or(6)
            .max(6);
        out.push_str(&format!(
            "{:<width$}  {:>9}  {:>9}  {:>8}  {:>8}\n",
            "method", "acc. loss", "disp. red", "acc rank", "disp rk"
        ));
        for (m, loss, red, ar, dr) in self.by_method() {
            out.push_str(&format!(
                "{:<width$}  {:>9}  {:>9}  {:>8}  {:>8}\n",
                fairkit_core::text::ellipsize(&m, 40),
                pm(loss, f64::NAN, 4),
                pm(red, f64::NAN, 4),
                pm(ar, f64::NAN, 2),
                pm(dr, f64::NAN, 2)
            ));
        }
        out
    }

    /// `report.md`: the small multiples, the cross-dataset summary, then each dataset's
    /// report with its own plot.
    pub fn render_markdown(&self) -> String {
        let mut md = format!(
            "# fairkit comparison on {} datasets: {}\n\n![trade-off on every \
             dataset](tradeoff.svg)\n\n",
            self.runs.len(),
            self.dataset_names().join(", ")
        );
        md.push_str(&self.cross_markdown());
        for run in &self.runs {
            let own = run
                .render_markdown()
                .replace(
                    "](tradeoff.svg)",
                    &format!("](tradeoff-{}.svg)", file_part(&run.dataset)),
                )
                .replace("\n# ", "\n## ");
            md.push('\n');
            md.push_str(own.strip_prefix("# ").map_or(own.as_str(), |rest| rest));
        }
        md.replace("\nfairkit comparison on ", "\n## fairkit comparison on ")
    }

    /// `results.csv`: every dataset's rows ([`Comparison::render_csv`]) with a leading
    /// `dataset` column.
    pub fn render_csv(&self) -> String {
        let mut out = String::new();
        for (d, run) in self.runs.iter().enumerate() {
            let csv = run.render_csv();
            let mut lines = csv.lines();
            let header = lines.next().unwrap_or_default();
            if d == 0 {
                out.push_str(&format!("dataset,{header}\n"));
            }
            let name = csv_field(&run.dataset);
            for line in lines {
                out.push_str(&format!("{name},{line}\n"));
            }
        }
        out
    }

    /// The trade-off of each dataset as one panel of a figure (small multiples); a method
    /// keeps its colour and marker in every panel.
    pub fn figure(&self) -> Figure {
        let x_label = self.config.disparity.key().replace('_', " ");
        let mut panels = Vec::new();
        let mut notes = Vec::new();
        for run in &self.runs {
            let mut one = tradeoff_figure(&run.tradeoff_points(), "", &x_label);
            notes = one.notes;
            for mut panel in one.panels.drain(..) {
                panel.title = Some(run.dataset.clone());
                panels.push(panel);
            }
        }
        Figure {
            title: format!("accuracy vs {x_label} on each dataset"),
            panels,
            notes,
        }
    }

    /// `results.json`: every row and summary entry (each naming its dataset), the cross-dataset
    /// summary, and the configuration (which `fairkit compare --config` runs again).
    ///
    /// # Errors
    /// None expected (every key is a string).
    pub fn render_json(&self) -> Result<String> {
        let warnings: Vec<serde_json::Value> = self
            .runs
            .iter()
            .flat_map(|run| {
                run.warnings.iter().map(|w| {
                    let mut v = serde_json::json!({ "dataset": run.dataset });
                    if let (Some(map), Ok(serde_json::Value::Object(w))) =
                        (v.as_object_mut(), serde_json::to_value(w))
                    {
                        map.extend(w);
                    }
                    v
                })
            })
            .collect();
        let by_method: Vec<serde_json::Value> = self
            .by_method()
            .into_iter()
            .map(|(m, loss, red, ar, dr)| {
                let num =
                    |v: f64| serde_json::to_value(fairkit_metrics::Num(v)).unwrap_or_default();
                serde_json::json!({
                    "method": m,
                    "accuracy_loss_mean": num(loss),
                    "disparity_reduction_mean": num(red),
                    "accuracy_rank_mean": num(ar),
                    "disparity_rank_mean": num(dr),
                })
            })
            .collect();
        #[derive(Serialize)]
        struct Json<'a> {
            datasets: Vec<&'a str>,
            fairkit_version: &'a str,
            config: &'a CompareConfig,
            results: Vec<&'a crate::compare::ResultRow>,
            summary: Vec<&'a crate::compare::SummaryRow>,
            cross_dataset: serde_json::Value,
            warnings: Vec<serde_json::Value>,
        }
        let json = Json {
            datasets: self.dataset_names(),
            fairkit_version: env!("CARGO_PKG_VERSION"),
            config: &self.config,
            results: self.runs.iter().flat_map(|r| &r.results).collect(),
            summary: self.runs.iter().flat_map(|r| &r.summary).collect(),
            cross_dataset: serde_json::json!({
                "baseline": self.baseline,
                "disparity": self.config.disparity.key(),
                "by_dataset": self.cross,
                "by_method": by_method,
            }),
            warnings,
        };
        Ok(
            serde_json::to_string_pretty(&json).map_err(|e| HarnessError::Io {
                action: "cannot write",
                path: "results.json".into(),
                source: e.into(),
            })? + "\n",
        )
    }

    /// The run's files but its evidence: `results.json`, `results.csv`, `report.md`,
    /// `tradeoff.svg` (small multiples), `report.html` ([`crate::report_html::multi`]),
    /// `experiment.toml`, then `tradeoff-NAME.svg` per dataset.
    ///
    /// # Errors
    /// A picture that cannot be drawn, or a configuration TOML cannot hold.
    pub fn files(&self) -> Result<Vec<(String, String)>> {
        let plot_error = |path: &str, message: String| HarnessError::Plot {
            path: path.into(),
            message,
        };
        let small = render_svg(&self.figure()).map_err(|e| {
            plot_error(
                "tradeoff.svg",
                format!(
                    "{e} (one of the datasets has no method with finite accuracy and disparity)"
                ),
            )
        })?;
        let mut files = vec![
            ("results.json".to_string(), self.render_json()?),
            ("results.csv".to_string(), self.render_csv()),
            ("report.md".to_string(), self.render_markdown()),
            ("tradeoff.svg".to_string(), small),
            (
                "report.html".to_string(),
                crate::report_html::multi(self).map_err(|m| plot_error("report.html", m))?,
            ),
            ("experiment.toml".to_string(), self.config.to_toml()?),
        ];
        for run in &self.runs {
            let name = format!("tradeoff-{}.svg", file_part(&run.dataset));
            let svg = run.render_svg().map_err(|m| plot_error(&name, m))?;
            files.push((name, svg));
        }
        Ok(files)
    }

    /// Renders the run's files and its evidence (every dataset's input files and seeds) into
    /// the claimed run directory `id` of `outputs`.
    ///
    /// # Errors
    /// As [`files`](Self::files), and a data file that cannot be read for its digest.
    pub fn stage(
        &self,
        outputs: &mut io::Outputs,
        id: io::OutputId,
        command_line: &[String],
    ) -> Result<()> {
        let files = self.files()?;
        let mut seeds = self.config.seeds.clone();
        let mut inputs = Vec::new();
        for data in &self.config.datasets {
            inputs.extend(evidence_inputs(data, &mut seeds));
        }
        let mut evidence = Evidence::new("compare", command_line.to_vec(), seeds);
        for (role, path) in inputs {
            evidence.add_input(role, &path)?;
        }
        let borrowed: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, c)| (n.as_str(), c.as_bytes()))
            .collect();
        evidence.stage(outputs, id, &borrowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_share_ties_and_leave_nan_unranked() {
        assert_eq!(
            ranks(&[0.8, 0.9, 0.8, f64::NAN], true),
            [Some(2), Some(1), Some(2), None]
        );
        assert_eq!(
            ranks(&[0.1, f64::NAN, 0.05, 0.1], false),
            [Some(2), None, Some(1), Some(2)]
        );
    }

    #[test]
    fn file_parts_and_csv_fields_are_safe() {
        assert_eq!(file_part("my data.csv"), "my_data.csv");
        assert_eq!(file_part("a/b"), "a_b");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("adult"), "adult");
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let e = named_source("germna", None, 100, 0)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("germna") && e.contains("did you mean 'german'"),
            "{e}"
        );
        let e = named_source("adult", None, 100, 0).unwrap_err().to_string();
        assert_eq!(
            e,
            "--datasets adult needs --data-dir DIR (a folder holding adult/, compas/ and german/)"
        );
        let dir = std::env::temp_dir().join("fairkit-no-such-data-dir");
        let e = named_source("german", Some(&dir), 100, 0)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!(
                "--data-dir {}: no such directory (it should hold adult/, compas/ and german/)",
                dir.display()
            )
        );
        assert_eq!(
            named_source("credit", None, 100, 3).unwrap(),
            DataSource::Scenario {
                name: "credit".into(),
                rows: 100,
                seed: 3
            }
        );
    }
}
