//! The comparison harness: methods x seeds on one dataset, summarised with mean and standard
//! deviation, the Pareto front of accuracy against a chosen disparity, and reports.
//!
//! Every (method, seed) job is independent and deterministic; jobs run in parallel with rayon
//! and are collected in a fixed order, so the results are identical on any thread count.

use std::path::{Path, PathBuf};

use fairkit_core::limits;
use fairkit_core::suggest::annotate_unknown;
use fairkit_data::Prepared;
use fairkit_learners::Estimator;
use fairkit_metrics::GroupedReport;
use fairkit_metrics::small::{MIN_ROWS, SmallGroup, small_groups};
use rayon::prelude::*;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::data::{DataSource, LoadedData, SplitPolicy};
use crate::evaluate::{GroupRates, Headline, TestReports, evaluate, evaluate_predictions};
use crate::evidence::Evidence;
use crate::method::{FittedMethod, KnobGrid, MethodSpec, SubgroupReport, run};
use crate::plot::{Curve, TradeoffPoint, curves_svg, tradeoff_svg};
use crate::resume::{Json, RowScores};
use crate::summary::mean_std;
use crate::{HarnessError, Result, io, pareto};
use fairkit_core::text::config_message;

/// One method of a comparison: a display name, the method, and optionally its own estimator.
/// It serializes as an experiment file lists a method: `name`, then the method's own keys
/// (`method`, its parameters), then `estimator` when it has its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodEntry {
    /// The name shown in tables and plots (unique within a comparison).
    pub name: String,
    /// The method and its parameters.
    #[serde(flatten)]
    pub spec: MethodSpec,
    /// The estimator of this entry; the comparison's estimator when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimator: Option<Estimator>,
    /// The values of the method's knob ([`MethodSpec::knob`]) to sweep: the method is run
    /// once per value (docs/sweeps.md). Absent: the knob's default grid when the comparison
    /// sweeps ([`CompareConfig::sweep`]), else the method's own parameters alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<Vec<f64>>,
}

/// The baseline with each estimator of [`Estimator::NAMES`], as `--methods` names them.
pub const BASELINE_PRESETS: [&str; Estimator::NAMES.len()] = [
    "baseline-logistic",
    "baseline-tree",
    "baseline-forest",
    "baseline-naive-bayes",
    "baseline-svm",
    "baseline-boosting",
    "baseline-linfa-tree",
    "baseline-linfa-logistic",
];

impl MethodEntry {
    /// Every name [`preset`](Self::preset) accepts: `baseline`, the [`BASELINE_PRESETS`],
    /// then the other [`crate::method::PRESETS`].
    pub fn names() -> Vec<&'static str> {
        let mut names = vec![crate::method::PRESETS[0]];
        names.extend(BASELINE_PRESETS);
        names.extend(&crate::method::PRESETS[1..]);
        names
    }

    /// An entry named after a preset (see [`crate::method::PRESETS`]); `baseline-NAME`
    /// ([`BASELINE_PRESETS`]) is the baseline with the estimator NAME.
    ///
    /// # Errors
    /// An unknown name (the message lists [`names`](Self::names) and suggests the closest).
    pub fn preset(name: &str) -> Result<Self> {
        let unknown =
            || HarnessError::Input(fairkit_core::Error::unknown("method", name, &Self::names()));
        if let Some(estimator) = name.strip_prefix("baseline-") {
            return Ok(Self {
                name: name.to_string(),
                spec: MethodSpec::Baseline,
                estimator: Some(estimator.parse().map_err(|_| unknown())?),
                sweep: None,
            });
        }
        Ok(Self {
            name: name.to_string(),
            spec: name.parse().map_err(|_| unknown())?,
            estimator: None,
            sweep: None,
        })
    }
}

/// The word of a method list that stands for every method at its defaults: each of
/// [`crate::method::PRESETS`] (the baseline with the run's estimator, not the `baseline-NAME`
/// variants).
pub const ALL_METHODS: &str = "all";

impl MethodEntry {
    /// The entries of one word of a method list: [`ALL_METHODS`] gives every preset of
    /// [`crate::method::PRESETS`] in that order; any other word is [`preset`](Self::preset).
    ///
    /// # Errors
    /// As [`preset`](Self::preset).
    pub fn presets(word: &str) -> Result<Vec<Self>> {
        if word == ALL_METHODS {
            return crate::method::PRESETS
                .iter()
                .map(|name| Self::preset(name))
                .collect();
        }
        Ok(vec![Self::preset(word)?])
    }
}

impl MethodEntry {
    /// Checks the entry's [`sweep`](Self::sweep) values: the method has a knob that takes
    /// values, and every value is one it accepts, listed once.
    ///
    /// # Errors
    /// A `sweep` list for a method without such a knob, an empty or too long list, a value out
    /// of the knob's range, or a repeated value (the message names the method and the value).
    pub fn check_sweep(&self) -> Result<()> {
        let Some(values) = &self.sweep else {
            return Ok(());
        };
        let invalid = |value: String, reason: String| {
            Err(HarnessError::Input(fairkit_core::Error::invalid(
                "sweep", &value, &reason,
            )))
        };
        let list = || format!("{values:?}");
        let Some(knob) = self.spec.knob() else {
            return invalid(
                list(),
                format!(
                    "method {} has no knob to sweep (it is a single point); remove `sweep`",
                    self.name
                ),
            );
        };
        if knob.grid == KnobGrid::Fitted {
            return invalid(
                list(),
                format!(
                    "method {} contributes its whole grid to a sweep; set its grid_size instead of `sweep`",
                    self.name
                ),
            );
        }
        if values.is_empty() || values.len() > MAX_SWEEP_VALUES {
            return invalid(
                list(),
                format!("list 1 to {MAX_SWEEP_VALUES} values of {}", knob.name),
            );
        }
        for (i, &v) in values.iter().enumerate() {
            if !knob.accepts(v) {
                return invalid(
                    v.to_string(),
                    format!(
                        "{} of method {} must be in [{}, {}]",
                        knob.name, self.name, knob.range.0, knob.range.1
                    ),
                );
            }
            if values[..i].contains(&v) {
                return invalid(
                    v.to_string(),
                    format!("is listed twice for method {}", self.name),
                );
            }
        }
        Ok(())
    }
}

/// The most values a method's `sweep` list may hold.
pub const MAX_SWEEP_VALUES: usize = 1000;

/// How an experiment file names an estimator: `"tree"`, or a table with its parameters
/// (`{ name = "tree", max_depth = 3 }`).
#[derive(Debug, Clone)]
enum EstimatorItem {
    Name(String),
    Full(Estimator),
}

impl<'de> Deserialize<'de> for EstimatorItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Item;
        impl<'de> Visitor<'de> for Item {
            type Value = EstimatorItem;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "an estimator name (\"logistic\", \"tree\", \"boosting\", \
                     \"linfa-logistic\") or a table such as { name = \"tree\", max_depth = 3 }",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(EstimatorItem::Name(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Estimator::deserialize(MapAccessDeserializer::new(map)).map(EstimatorItem::Full)
            }
        }
        d.deserialize_any(Item)
    }
}

impl EstimatorItem {
    fn resolve(self) -> Result<Estimator> {
        match self {
            EstimatorItem::Name(name) => Ok(name.parse()?),
            EstimatorItem::Full(e) => Ok(e),
        }
    }
}

/// How an experiment file lists a method: a preset name, or a table with a `name`, a
/// `method` and its parameters (and optionally an `estimator`).
#[derive(Debug, Clone)]
enum MethodItem {
    Preset(String),
    Custom(Box<CustomMethod>),
}

/// A method table of an experiment file.
#[derive(Debug, Clone, Deserialize)]
struct CustomMethod {
    name: String,
    #[serde(default)]
    estimator: Option<EstimatorItem>,
    #[serde(default)]
    sweep: Option<Vec<f64>>,
    #[serde(flatten)]
    spec: MethodSpec,
}

impl<'de> Deserialize<'de> for MethodItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Item;
        impl<'de> Visitor<'de> for Item {
            type Value = MethodItem;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a method name such as \"expgrad-dp\", or a table such as { name = \"eg\", \
                     method = \"expgrad\", constraint = \"demographic_parity\" }",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MethodItem::Preset(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                CustomMethod::deserialize(MapAccessDeserializer::new(map))
                    .map(|m| MethodItem::Custom(Box::new(m)))
            }
        }
        d.deserialize_any(Item)
    }
}

/// Which disparity the trade-off plot and the Pareto front use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisparityAxis {
    /// Demographic parity difference.
    #[default]
    DemographicParity,
    /// Equalized odds difference.
    EqualizedOdds,
}

impl DisparityAxis {
    /// The metric key, e.g. `demographic_parity_difference`.
    pub fn key(self) -> &'static str {
        match self {
            DisparityAxis::DemographicParity => "demographic_parity_difference",
            DisparityAxis::EqualizedOdds => "equalized_odds_difference",
        }
    }

    /// The position of [`key`](Self::key) in [`Headline::KEYS`].
    pub(crate) fn index(self) -> usize {
        Headline::KEYS
            .iter()
            .position(|k| *k == self.key())
            .expect("the axis is a headline key")
    }
}

impl std::str::FromStr for DisparityAxis {
    type Err = fairkit_core::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "demographic_parity" | "dp" => Ok(DisparityAxis::DemographicParity),
            "equalized_odds" | "eo" => Ok(DisparityAxis::EqualizedOdds),
            _ => Err(fairkit_core::Error::unknown(
                "disparity",
                s,
                &["demographic_parity", "equalized_odds"],
            )),
        }
    }
}

/// The files of a comparison's output directory; `results.json` is in every run,
/// `experiment.toml` is the resolved configuration (what `fairkit compare --config` runs again)
/// and `evidence.json` the record `fairkit verify` replays
/// ([`evidence`](crate::evidence); earlier runs may lack it).
pub const RUN_FILES: [&str; 7] = [
    "results.json",
    "results.csv",
    "report.md",
    "tradeoff.svg",
    "report.html",
    "experiment.toml",
    crate::evidence::EVIDENCE_FILE,
];

/// Claims `dir` (named by `flag`) as a comparison's output directory: it must not exist, be
/// empty, or hold an earlier run (only [`RUN_FILES`] and a multi-dataset run's per-dataset
/// plots, [`crate::multi::DATASET_PLOT_PATTERN`]); anything else is refused before the run
/// starts, so nothing of the user's is ever replaced. An earlier run is replaced as a whole at
/// the commit, which reports it in [`io::Committed::replaced_runs`].
///
/// # Errors
/// As [`io::Outputs::dir`].
pub fn claim_run_dir(outputs: &mut io::Outputs, dir: &Path, flag: &str) -> Result<io::OutputId> {
    let mut files = RUN_FILES.to_vec();
    files.push(crate::multi::DATASET_PLOT_PATTERN);
    outputs.dir(dir, flag, &files)
}

/// The methods of `fairkit compare` with no arguments.
pub const DEFAULT_METHODS: [&str; 9] = [
    "baseline",
    "baseline-tree",
    "reweighing",
    "di-remover",
    "expgrad-dp",
    "expgrad-eo",
    "gridsearch-dp",
    "threshold-dp",
    "threshold-eo",
];

/// Seeds as an experiment file gives them: a count (`0..n`) or a list.
#[derive(Debug, Clone)]
enum SeedsItem {
    Count(u64),
    List(Vec<u64>),
}

impl<'de> Deserialize<'de> for SeedsItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Item;
        impl<'de> Visitor<'de> for Item {
            type Value = SeedsItem;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a number of seeds (5 runs seeds 0 to 4, as --seeds 5) or a list of seeds \
                     such as [1, 7, 42]",
                )
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(SeedsItem::Count(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                u64::try_from(v)
                    .map(SeedsItem::Count)
                    .map_err(|_| E::custom(format!("{v} seeds: the count must be at least 0")))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::<u64>::deserialize(SeqAccessDeserializer::new(seq)).map(SeedsItem::List)
            }
        }
        d.deserialize_any(Item)
    }
}

/// An experiment: data, split, methods, estimator, seeds and the plot's disparity. It reads
/// from TOML (`fairkit compare --config FILE`) and is recorded, resolved, in `results.json`,
/// so that re-running the recorded config gives the same results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareConfig {
    /// The data source.
    pub data: DataSource,
    /// How each seed splits the data.
    pub split: SplitPolicy,
    /// The default estimator.
    pub estimator: Estimator,
    /// The methods, in table order.
    pub methods: Vec<MethodEntry>,
    /// One run per seed: it seeds the split and sampled predictions.
    pub seeds: Vec<u64>,
    /// The plot's and the Pareto front's disparity.
    pub disparity: DisparityAxis,
    /// Several datasets in one run (`[[datasets]]`, `--datasets`): each is compared in turn
    /// with the same methods, estimator, split and seeds ([`crate::multi`]). Empty: the one
    /// dataset of `data`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<DataSource>,
    /// Whether every method runs over its knob's default grid (`--sweep`; docs/sweeps.md);
    /// a method's own `sweep` values apply either way.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sweep: bool,
}

/// One point of a comparison's methods: a method entry, and its knob's value when the method
/// is swept ([`CompareConfig::points`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPoint {
    /// The index of the method entry in [`CompareConfig::methods`].
    pub method: usize,
    /// The method's parameters with the knob set.
    pub spec: MethodSpec,
    /// The knob's name and value; `None` for an unswept method.
    pub knob: Option<(&'static str, f64)>,
    /// Whether the fit contributes its whole grid (grid search): one row per grid point,
    /// the knob's value being the point's index.
    pub whole_grid: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    data: DataSource,
    #[serde(default = "resplit")]
    split: SplitPolicy,
    estimator: Option<EstimatorItem>,
    methods: Option<Vec<MethodItem>>,
    seeds: Option<SeedsItem>,
    #[serde(default)]
    disparity: DisparityAxis,
    #[serde(default)]
    datasets: Vec<DataSource>,
    #[serde(default)]
    sweep: bool,
}

fn resplit() -> SplitPolicy {
    SplitPolicy {
        fixed: false,
        ..SplitPolicy::default()
    }
}

impl Default for CompareConfig {
    fn default() -> Self {
        Self {
            data: DataSource::default(),
            split: resplit(),
            estimator: Estimator::default(),
            methods: DEFAULT_METHODS
                .iter()
                .map(|m| MethodEntry::preset(m).expect("default presets parse"))
                .collect(),
            seeds: (0..5).collect(),
            disparity: DisparityAxis::default(),
            datasets: Vec::new(),
            sweep: false,
        }
    }
}

impl CompareConfig {
    /// Reads an experiment file: TOML, or JSON, either a `results.json` (its `config`, which
    /// records the run completely) or the configuration alone. A JSON file starts with `{`,
    /// which a TOML file cannot.
    ///
    /// # Errors
    /// As [`from_toml`](Self::from_toml) and [`from_json`](Self::from_json).
    pub fn from_text(text: &str, source: &str) -> Result<Self> {
        if text.trim_start().starts_with('{') {
            Self::from_json(text, source)
        } else {
            Self::from_toml(text, source)
        }
    }

    /// Reads the configuration a `results.json` records (its `config` object), or a JSON
    /// object of the same keys as an experiment file. Running it gives the recorded results.
    ///
    /// # Errors
    /// Malformed JSON, and every error of [`from_toml`](Self::from_toml).
    pub fn from_json(text: &str, source: &str) -> Result<Self> {
        let invalid = |e: &dyn std::fmt::Display| {
            HarnessError::Input(fairkit_core::Error::invalid(
                "config",
                source,
                &annotate_unknown(&e.to_string()),
            ))
        };
        let mut value: serde_json::Value = serde_json::from_str(text).map_err(|e| invalid(&e))?;
        // A results.json: its `config` beside its `results`.
        if value.get("results").is_some()
            && let Some(config) = value.get_mut("config")
        {
            value = config.take();
        }
        let file: ConfigFile = serde_json::from_value(value).map_err(|e| invalid(&e))?;
        Self::from_file(file, source, text)
    }

    /// The configuration as an experiment file (TOML) that [`from_toml`](Self::from_toml)
    /// reads back to the same configuration: every default spelled out.
    ///
    /// # Errors
    /// A value TOML cannot hold (a seed above 2^63 - 1, a path that is not UTF-8).
    pub fn to_toml(&self) -> Result<String> {
        let mut text = toml::to_string(self).map_err(|e| {
            HarnessError::Input(fairkit_core::Error::invalid(
                "config",
                "experiment.toml",
                &e.to_string(),
            ))
        })?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }

    /// Reads an experiment file; missing keys take the defaults of `fairkit compare`.
    ///
    /// # Errors
    /// Malformed TOML, unknown keys or methods, duplicate method names, no seeds.
    pub fn from_toml(text: &str, source: &str) -> Result<Self> {
        let file: ConfigFile = toml::from_str(text).map_err(|mut e| {
            let span = e.span();
            e.set_input(None);
            HarnessError::Located(config_message(
                source,
                text,
                span,
                &annotate_unknown(&e.to_string()),
            ))
        })?;
        Self::from_file(file, source, text)
    }

    /// The configuration an experiment file describes, defaults filled in; `source` and
    /// `text` (the file's name and content) place an invalid value at its key.
    fn from_file(file: ConfigFile, source: &str, text: &str) -> Result<Self> {
        // A value that parsed but is not valid is placed at its key.
        let at = |key: &str| {
            let source = source.to_string();
            let text = text.to_string();
            let key = key.to_string();
            move |e: HarnessError| {
                HarnessError::Located(config_message(
                    &source,
                    &text,
                    None,
                    &format!("{e}\nin `{key}`"),
                ))
            }
        };
        let test_size = file.split.test_size;
        if !(test_size > 0.0 && test_size < 1.0) {
            return Err(HarnessError::Located(config_message(
                source,
                text,
                None,
                &format!(
                    "invalid value {test_size}: the test share must be in (0, 1)\nin `test-size`"
                ),
            )));
        }
        let defaults = Self::default();
        let methods = match file.methods {
            None => defaults.methods,
            Some(items) => items
                .into_iter()
                .map(|item| match item {
                    MethodItem::Preset(name) => MethodEntry::presets(&name),
                    MethodItem::Custom(custom) => {
                        let CustomMethod {
                            name,
                            estimator,
                            sweep,
                            spec,
                        } = *custom;
                        Ok(vec![MethodEntry {
                            name,
                            spec,
                            estimator: estimator.map(EstimatorItem::resolve).transpose()?,
                            sweep,
                        }])
                    }
                })
                .collect::<Result<Vec<_>>>()
                .map_err(at("methods"))?
                .into_iter()
                .flatten()
                .collect(),
        };
        let seeds = match file.seeds {
            None => defaults.seeds,
            Some(SeedsItem::Count(n)) => (0..limits::SEEDS
                .check("seeds", n)
                .map_err(|e| at("seeds")(e.into()))?)
                .collect(),
            Some(SeedsItem::List(list)) => list,
        };
        let config = Self {
            data: file.data,
            split: file.split,
            estimator: match file.estimator {
                Some(e) => e.resolve().map_err(at("estimator"))?,
                None => defaults.estimator,
            },
            methods,
            seeds,
            disparity: file.disparity,
            datasets: file.datasets,
            sweep: file.sweep,
        };
        for entry in &config.methods {
            entry.check_sweep().map_err(|e| {
                // At the method's `sweep` key: the first one after its name.
                let quoted = [format!("\"{}\"", entry.name), format!("'{}'", entry.name)];
                let after = quoted
                    .iter()
                    .filter_map(|q| text.find(q.as_str()))
                    .min()
                    .unwrap_or(0);
                let at = text[after..]
                    .match_indices("sweep")
                    .map(|(i, _)| after + i)
                    .find(|&i| {
                        let rest = text[i + "sweep".len()..].trim_start();
                        rest.starts_with('=') || rest.starts_with("\":")
                    })
                    .unwrap_or(after);
                HarnessError::Located(config_message(
                    source,
                    text,
                    Some(at..at),
                    &format!("{e}\nin `sweep`"),
                ))
            })?;
        }
        config.check().map_err(|e| {
            let key = match &e {
                HarnessError::Input(fairkit_core::Error::InvalidParameter { name, .. })
                    if name == "seeds" =>
                {
                    "seeds"
                }
                HarnessError::Input(fairkit_core::Error::InvalidParameter { name, .. })
                    if name == "datasets" =>
                {
                    "datasets"
                }
                _ => "methods",
            };
            at(key)(e)
        })?;
        Ok(config)
    }

    /// Every point the comparison runs, methods in table order: an unswept method is one
    /// point; a swept one (its `sweep` values, or its knob's default grid under
    /// [`sweep`](Self::sweep)) one point per value in the order given; grid search one point
    /// whose fit contributes its whole grid.
    pub fn points(&self) -> Vec<SweepPoint> {
        let mut points = Vec::new();
        for (method, entry) in self.methods.iter().enumerate() {
            let unswept = SweepPoint {
                method,
                spec: entry.spec.clone(),
                knob: None,
                whole_grid: false,
            };
            let knob = entry
                .spec
                .knob()
                .filter(|_| self.sweep || entry.sweep.is_some());
            let Some(knob) = knob else {
                points.push(unswept);
                continue;
            };
            let values = match (&entry.sweep, knob.grid) {
                (_, KnobGrid::Fitted) => {
                    points.push(SweepPoint {
                        whole_grid: true,
                        ..unswept
                    });
                    continue;
                }
                (Some(values), _) => values.as_slice(),
                (None, KnobGrid::Values(grid)) => grid,
            };
            points.extend(values.iter().map(|&v| SweepPoint {
                method,
                spec: knob.set(&entry.spec, v),
                knob: Some((knob.name, v)),
                whole_grid: false,
            }));
        }
        points
    }

    /// Whether some method runs over its knob (the results record knob values).
    pub fn sweeps(&self) -> bool {
        self.points()
            .iter()
            .any(|p| p.knob.is_some() || p.whole_grid)
    }

    /// Checks that there is something to run, that names are unique and that no method reads
    /// a score column of the data (a comparison fits every method on the same features).
    ///
    /// # Errors
    /// No methods, no seeds, a repeated method name, or a score column.
    pub fn check(&self) -> Result<()> {
        let invalid = |name: &str, value: &str, reason: &str| {
            Err(HarnessError::Input(fairkit_core::Error::invalid(
                name, value, reason,
            )))
        };
        if self.methods.is_empty() {
            return invalid("methods", "(none)", "list at least one method");
        }
        if self.seeds.is_empty() {
            return invalid("seeds", "0", "run at least one seed");
        }
        limits::SEEDS.check_usize("seeds", self.seeds.len())?;
        for (i, d) in self.datasets.iter().enumerate() {
            if self.datasets[..i].iter().any(|o| o.name() == d.name()) {
                return invalid("datasets", &d.name(), "is listed twice");
            }
        }
        for (i, m) in self.methods.iter().enumerate() {
            if self.methods[..i].iter().any(|o| o.name == m.name) {
                return invalid("methods", &m.name, "is listed twice");
            }
            if let (Some(learner), Some(estimator)) = (m.spec.own_learner(), &m.estimator) {
                return invalid(
                    "estimator",
                    &estimator.to_string(),
                    &format!(
                        "method {} fits {learner}; remove the entry's estimator",
                        m.name
                    ),
                );
            }
            m.check_sweep()?;
            if let Some(column) = m.spec.score_column() {
                return invalid(
                    "score",
                    column,
                    &format!(
                        "method {} thresholds a score column, but a comparison fits every \
                         method on the same features; use `fairkit mitigate --score` instead",
                        m.name
                    ),
                );
            }
        }
        Ok(())
    }
}

/// One (dataset, method, knob value, seed) result. It reads back from `results.json`
/// ([`crate::resume`]) to the same bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    /// The dataset's name ([`LoadedData::name`]): `adult`, `german`, a scenario, a file name.
    pub dataset: String,
    /// The method entry's name.
    pub method: String,
    /// The estimator used.
    pub estimator: String,
    /// The seed.
    pub seed: u64,
    /// The swept knob's name ([`MethodSpec::knob`]); absent for a method that is not swept
    /// (and in results written before sweeps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knob: Option<String>,
    /// The swept knob's value; absent with [`knob`](Self::knob).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knob_value: Option<f64>,
    /// The headline of the predicted labels (sampled with the seed for randomized methods).
    #[serde(flatten)]
    pub predicted: Headline,
    /// Wall-clock seconds of the fit.
    #[serde(deserialize_with = "crate::resume::nan_null::deserialize")]
    pub fit_seconds: f64,
    /// The same headline in expectation over the method's randomization.
    pub expected: Headline,
    /// Each group's selection rate, TPR and FPR in expectation (as `expected`), in group
    /// order: the per-group bars of `report.html`.
    pub by_group: Vec<GroupRates>,
    /// Score metrics by group of the method's own scores (docs/metrics.md#score-metrics), for
    /// methods whose score is a probability; absent otherwise.
    /// Its values overall and by group and their aggregates
    /// ([`fairkit_metrics::scores::ScoreReport::compact`]), and each group's calibration curve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scores: Option<RowScores>,
    /// GerryFair: the most unfair subgroup its auditor finds on the training rows (a
    /// [`SubgroupReport`] as JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subgroup: Option<Json>,
}

/// Mean and standard deviation of one method (at one knob value, in a sweep) across seeds,
/// of the expected headline.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// The dataset's name, as in [`ResultRow::dataset`].
    pub dataset: String,
    /// The method entry's name.
    pub method: String,
    /// The swept knob's name, when the method is swept.
    pub knob: Option<String>,
    /// The swept knob's value, when the method is swept.
    pub knob_value: Option<f64>,
    /// `(mean, sd)` of each of [`Headline::KEYS`], in order.
    pub metrics: Vec<(f64, f64)>,
    /// `(mean, sd)` of the fit seconds.
    pub fit_seconds: (f64, f64),
    /// Whether the method is on the Pareto front of mean accuracy against the mean chosen
    /// disparity.
    pub pareto: bool,
}

impl SummaryRow {
    /// The method's name with its knob value, e.g. `expgrad-dp bound=0.01`, as tables and
    /// plots show it.
    pub fn label(&self) -> String {
        point_label(&self.method, self.knob.as_deref(), self.knob_value)
    }
}

/// `method knob=value`, or the method alone.
pub(crate) fn point_label(method: &str, knob: Option<&str>, value: Option<f64>) -> String {
    match (knob, value) {
        (Some(k), Some(v)) => format!("{method} {k}={v}"),
        _ => method.to_string(),
    }
}

impl Serialize for SummaryRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let num = |v: f64| fairkit_metrics::Num(v);
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("dataset", &self.dataset)?;
        map.serialize_entry("method", &self.method)?;
        if let (Some(knob), Some(value)) = (&self.knob, self.knob_value) {
            map.serialize_entry("knob", knob)?;
            map.serialize_entry("knob_value", &value)?;
        }
        for (key, (mean, sd)) in Headline::KEYS.iter().zip(&self.metrics) {
            map.serialize_entry(&format!("{key}_mean"), &num(*mean))?;
            map.serialize_entry(&format!("{key}_std"), &num(*sd))?;
        }
        map.serialize_entry("fit_seconds_mean", &num(self.fit_seconds.0))?;
        map.serialize_entry("fit_seconds_std", &num(self.fit_seconds.1))?;
        map.serialize_entry("pareto", &self.pareto)?;
        map.end()
    }
}

/// A finished comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The dataset's name.
    pub dataset: String,
    /// The fairkit version that ran it.
    pub fairkit_version: String,
    /// The resolved configuration (re-running it reproduces the results).
    pub config: CompareConfig,
    /// Every (method, seed) result, methods in config order, seeds in config order.
    pub results: Vec<ResultRow>,
    /// One row per method.
    pub summary: Vec<SummaryRow>,
    /// The groups too small in some seed's test split for their rates to mean much: one per
    /// group, at the seed where it has the fewest test rows.
    pub warnings: Vec<SplitWarning>,
}

/// A group too small in a seed's test split ([`fairkit_metrics::small`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SplitWarning {
    /// The seed of the split where the group is smallest.
    pub seed: u64,
    /// How many splits there are.
    pub splits: usize,
    /// The group and its counts in that split.
    pub group: SmallGroup,
}

impl std::fmt::Display for SplitWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.splits == 1 {
            write!(f, "test split (seed {}): {}", self.seed, self.group)
        } else {
            write!(
                f,
                "test split of seed {} (its smallest of {} splits): {}",
                self.seed, self.splits, self.group
            )
        }
    }
}

/// `{"seed", "group", "rows", "positives", "negatives", "message"}`.
impl Serialize for SplitWarning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(6))?;
        map.serialize_entry("seed", &self.seed)?;
        map.serialize_entry("group", &self.group.group)?;
        map.serialize_entry("rows", &self.group.rows)?;
        map.serialize_entry("positives", &self.group.positives)?;
        map.serialize_entry("negatives", &self.group.negatives)?;
        map.serialize_entry("message", &self.to_string())?;
        map.end()
    }
}

/// The small groups ([`small_groups`]) of one seed's test split.
fn test_small_groups(data: &Prepared) -> Result<Vec<SmallGroup>> {
    let test = &data.test;
    Ok(small_groups(
        test.labels(),
        test.groups(),
        test.weights(),
        MIN_ROWS,
    )?)
}

/// For each group that is small in some split (`small[i]`, the small groups of seed
/// `seeds[i]`'s test split), the split where it has the fewest rows (the first such seed on
/// ties), in group order.
fn split_warnings(seeds: &[u64], small: Vec<Vec<SmallGroup>>) -> Vec<SplitWarning> {
    let mut worst: Vec<SplitWarning> = Vec::new();
    for (&seed, groups) in seeds.iter().zip(small) {
        for group in groups {
            match worst.iter_mut().find(|w| w.group.group == group.group) {
                Some(w) if group.rows < w.group.rows => {
                    *w = SplitWarning {
                        seed,
                        splits: seeds.len(),
                        group,
                    }
                }
                Some(_) => {}
                None => worst.push(SplitWarning {
                    seed,
                    splits: seeds.len(),
                    group,
                }),
            }
        }
    }
    worst
}

/// Runs a comparison. `progress(method_index)` is called after each job, from any thread.
///
/// # Errors
/// Data errors, and the first failing job's error (naming the method and seed).
pub fn compare(config: &CompareConfig, progress: &(dyn Fn(usize) + Sync)) -> Result<Comparison> {
    compare_reusing(config, &|_, _, _, _| None, progress)
}

/// The rows a run takes instead of running a job: given the dataset's name, the method entry,
/// the point and the seed, the rows recorded for them ([`crate::resume`]), or `None` to run
/// the job.
pub(crate) type Reuse<'a> =
    &'a (dyn Fn(&str, &MethodEntry, &SweepPoint, u64) -> Option<Vec<ResultRow>> + Sync);

/// [`compare`], taking the rows `reuse` has instead of running their jobs.
pub(crate) fn compare_reusing(
    config: &CompareConfig,
    reuse: Reuse<'_>,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Comparison> {
    config.check()?;
    let loaded: LoadedData = config.data.load()?;
    let report = GroupedReport::params();
    // Each seed's split lives only while its methods run, so memory does not grow with the
    // number of seeds.
    let points = config.points();
    // Each seed gives, per point, its rows (several for a whole grid).
    type SeedRows = Vec<Vec<ResultRow>>;
    let (per_seed, small): (Vec<SeedRows>, Vec<Vec<SmallGroup>>) = config
        .seeds
        .par_iter()
        .map(|&seed| {
            let data = loaded.prepare(&config.split, seed)?;
            data.train.groups().require_two_groups()?;
            data.train.require_both_classes()?;
            let rows = points
                .par_iter()
                .map(|p| {
                    let entry = &config.methods[p.method];
                    match reuse(&loaded.name, entry, p, seed) {
                        Some(rows) => {
                            progress(p.method);
                            Ok(rows)
                        }
                        None => job(config, p, seed, &loaded, &data, &report, progress),
                    }
                })
                .collect::<Result<Vec<_>>>()?;
            Ok((rows, test_small_groups(&data)?))
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .unzip();
    // Points in order, then the rows of a point (grid points), then seeds.
    let mut results: Vec<ResultRow> = Vec::new();
    for p in 0..points.len() {
        let rows = per_seed.iter().map(|s| s[p].len()).max().unwrap_or(0);
        for r in 0..rows {
            results.extend(per_seed.iter().filter_map(|s| s[p].get(r).cloned()));
        }
    }
    let summary = summarize(config, &loaded.name, &results);
    let warnings = split_warnings(&config.seeds, small);
    Ok(Comparison {
        dataset: loaded.name,
        fairkit_version: env!("CARGO_PKG_VERSION").into(),
        config: config.clone(),
        results,
        summary,
        warnings,
    })
}

/// Runs `point` of `config` on one seed's data: one row, or one per grid point of a whole
/// grid.
fn job(
    config: &CompareConfig,
    point: &SweepPoint,
    seed: u64,
    loaded: &LoadedData,
    data: &fairkit_data::Prepared,
    report: &fairkit_metrics::ReportParams,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Vec<ResultRow>> {
    let entry = &config.methods[point.method];
    let estimator = entry.estimator.as_ref().unwrap_or(&config.estimator);
    let estimator_name = match entry.spec.own_learner() {
        Some(_) => "own learner".to_string(),
        None => estimator.to_string(),
    };
    let row = |knob: Option<(&str, f64)>,
               e: TestReports,
               fit_seconds: f64,
               subgroup: Option<SubgroupReport>|
     -> Result<ResultRow> {
        Ok(ResultRow {
            dataset: loaded.name.clone(),
            method: entry.name.clone(),
            estimator: estimator_name.clone(),
            seed,
            knob: knob.map(|k| k.0.to_string()),
            knob_value: knob.map(|k| k.1),
            predicted: Headline::of(&e.predicted),
            fit_seconds,
            expected: Headline::of(&e.expected),
            by_group: GroupRates::of(&e.expected),
            scores: e.scores.as_ref().map(RowScores::of).transpose()?,
            subgroup: subgroup.as_ref().map(Json::of).transpose()?,
        })
    };
    let rows = run(&point.spec, estimator, &data.train, &data.test, seed)
        .and_then(|r| {
            if point.whole_grid
                && let FittedMethod::Gridsearch { model } = &r.fitted
            {
                let x = data.test.features();
                return model
                    .predictors()
                    .iter()
                    .enumerate()
                    .map(|(i, h)| {
                        let predicted = h.predict(x).to_vec();
                        let expected: Vec<f64> =
                            predicted.iter().map(|&l| f64::from(u8::from(l))).collect();
                        let score = h.score(x).to_vec();
                        let e = evaluate_predictions(
                            &data.test,
                            &predicted,
                            &expected,
                            Some(&score),
                            report,
                        )?;
                        row(Some(("grid_point", i as f64)), e, r.fit_seconds, None)
                    })
                    .collect();
            }
            Ok(vec![row(
                point.knob,
                evaluate(&data.test, &r, report)?,
                r.fit_seconds,
                r.fitted.details().subgroup,
            )?])
        })
        .map_err(|e| HarnessError::Job {
            method: point_label(
                entry.name.as_str(),
                point.knob.map(|k| k.0),
                point.knob.map(|k| k.1),
            ),
            seed,
            source: Box::new(loaded.locate(e)),
        });
    progress(point.method);
    rows
}

/// One summary row per (method, knob value), in the order of `results`' first rows.
fn summarize(config: &CompareConfig, dataset: &str, results: &[ResultRow]) -> Vec<SummaryRow> {
    let key = |r: &ResultRow| {
        (
            r.method.clone(),
            r.knob.clone(),
            r.knob_value.map(f64::to_bits),
        )
    };
    let mut keys = Vec::new();
    for r in results {
        let k = key(r);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let mut rows: Vec<SummaryRow> = keys
        .into_iter()
        .map(|k| {
            let mine: Vec<&ResultRow> = results.iter().filter(|r| key(r) == k).collect();
            let column = |k: usize| {
                mean_std(
                    &mine
                        .iter()
                        .map(|r| r.expected.values()[k])
                        .collect::<Vec<_>>(),
                )
            };
            SummaryRow {
                dataset: dataset.to_string(),
                method: k.0,
                knob: k.1,
                knob_value: k.2.map(f64::from_bits),
                metrics: (0..Headline::KEYS.len()).map(column).collect(),
                fit_seconds: mean_std(&mine.iter().map(|r| r.fit_seconds).collect::<Vec<_>>()),
                pareto: false,
            }
        })
        .collect();
    let axis = config.disparity.index();
    let points: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| (r.metrics[0].0, r.metrics[axis].0))
        .collect();
    for (row, on) in rows.iter_mut().zip(pareto::front(&points)) {
        row.pareto = on;
    }
    rows
}

impl Comparison {
    /// The summary as a plain-text table (mean ± sd over seeds, Pareto methods marked `*`).
    pub fn render_table(&self) -> String {
        let headers = [
            "method",
            "accuracy",
            "bal. accuracy",
            "DP diff",
            "DP ratio",
            "EO diff",
            "EOpp diff",
            "fit s",
        ];
        let mut lines: Vec<Vec<String>> = vec![headers.iter().map(|h| h.to_string()).collect()];
        for row in &self.summary {
            let mut cells = vec![format!(
                "{}{}",
                if row.pareto { "* " } else { "  " },
                fairkit_core::text::ellipsize(&row.label(), 40)
            )];
            cells.extend(row.metrics.iter().map(|&(m, s)| pm(m, s, 3)));
            cells.push(pm(row.fit_seconds.0, row.fit_seconds.1, 3));
            lines.push(cells);
        }
        let widths: Vec<usize> = (0..headers.len())
            .map(|j| {
                lines
                    .iter()
                    .map(|l| l[j].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = format!(
            "{} on {}: {} seed(s) {:?}, expected metrics on the test split (mean ± sd)\n\n",
            self.config.estimator,
            self.dataset,
            self.config.seeds.len(),
            self.config.seeds,
        );
        for (i, l) in lines.iter().enumerate() {
            let cells: Vec<String> = l
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(j, (c, w))| {
                    if j == 0 {
                        format!("{c:<w$}")
                    } else {
                        format!("{c:>w$}")
                    }
                })
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
            if i == 0 {
                out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
                out.push('\n');
            }
        }
        out.push_str(&format!(
            "\n* Pareto-optimal: no other method has both higher mean accuracy and lower mean {}.\n",
            self.config.disparity.key().replace('_', " ")
        ));
        out
    }

    /// The summary and the runs as Markdown, with the trade-off picture.
    pub fn render_markdown(&self) -> String {
        let mut md = format!(
            "# fairkit comparison on {}\n\nfairkit {}, estimator `{}`, seeds {:?}, test share {} \
             ({}).\nMetrics are on the test split, in expectation over each method's \
             randomization; mean ± standard deviation over seeds. Pareto-optimal methods \
             (accuracy against {}) are marked **bold**.\n\n![trade-off](tradeoff.svg)\n\n",
            self.dataset,
            self.fairkit_version,
            self.config.estimator,
            self.config.seeds,
            self.config.split.test_size,
            if self.config.split.fixed {
                "fixed split"
            } else {
                "a new split per seed"
            },
            self.config.disparity.key().replace('_', " "),
        );
        md.push_str("| method | accuracy | balanced accuracy | DP difference | DP ratio | EO difference | equal opportunity difference | fit seconds |\n");
        md.push_str("|---|---|---|---|---|---|---|---|\n");
        for row in &self.summary {
            let name = if row.pareto {
                format!("**{}**", row.label())
            } else {
                row.label()
            };
            let cells: Vec<String> = row.metrics.iter().map(|&(m, s)| pm(m, s, 4)).collect();
            md.push_str(&format!(
                "| {name} | {} | {} |\n",
                cells.join(" | "),
                pm(row.fit_seconds.0, row.fit_seconds.1, 3)
            ));
        }
        md.push_str("\nEvery run is in `results.json` and `results.csv`; `results.json` records the resolved configuration.\n");
        md
    }

    /// One CSV row per (method, seed), predicted and expected headlines.
    pub fn render_csv(&self) -> String {
        // A sweep records each row's knob; other runs keep the columns they always had.
        let sweeps = self.config.sweeps();
        let mut out = String::from("method,estimator,seed");
        if sweeps {
            out.push_str(",knob,knob_value");
        }
        for k in Headline::KEYS {
            out.push_str(&format!(",{k}"));
        }
        out.push_str(",fit_seconds");
        for k in Headline::KEYS {
            out.push_str(&format!(",expected_{k}"));
        }
        out.push('\n');
        let num = |v: f64| {
            if v.is_nan() {
                String::new()
            } else {
                v.to_string()
            }
        };
        for r in &self.results {
            out.push_str(&format!("{},{},{}", r.method, r.estimator, r.seed));
            if sweeps {
                out.push_str(&format!(
                    ",{},{}",
                    r.knob.as_deref().unwrap_or_default(),
                    r.knob_value.map(|v| v.to_string()).unwrap_or_default()
                ));
            }
            for v in r.predicted.values() {
                out.push_str(&format!(",{}", num(v)));
            }
            out.push_str(&format!(",{}", num(r.fit_seconds)));
            for v in r.expected.values() {
                out.push_str(&format!(",{}", num(v)));
            }
            out.push('\n');
        }
        out
    }

    /// One point per summary entry: mean disparity (the run's axis) and mean accuracy with
    /// their standard deviations over seeds, Pareto-optimal or not.
    pub fn tradeoff_points(&self) -> Vec<TradeoffPoint> {
        let axis = self.config.disparity.index();
        self.summary
            .iter()
            .map(|r| TradeoffPoint {
                label: r.label(),
                x: r.metrics[axis].0,
                x_err: r.metrics[axis].1,
                y: r.metrics[0].0,
                y_err: r.metrics[0].1,
                pareto: r.pareto,
            })
            .collect()
    }

    /// The trade-off picture as SVG: one curve per method in a sweep, else one point per
    /// method.
    ///
    /// # Errors
    /// No method with finite accuracy and disparity.
    pub fn render_svg(&self) -> std::result::Result<String, String> {
        let title = format!(
            "accuracy vs {} on {}",
            self.config.disparity.key().replace('_', " "),
            self.dataset
        );
        let x_label = self.config.disparity.key().replace('_', " ");
        match self.curves() {
            None => tradeoff_svg(&self.tradeoff_points(), &title, &x_label),
            Some(curves) => curves_svg(&curves, &format!("trade-off curves: {title}"), &x_label),
        }
    }

    /// In a sweep, one trade-off curve per method (mean accuracy against the mean chosen
    /// disparity) through its points in order of the knob, each point labelled with its knob
    /// value; `None` when no method is swept.
    pub fn curves(&self) -> Option<Vec<Curve>> {
        if !self.config.sweeps() {
            return None;
        }
        let axis = self.config.disparity.index();
        let point = |r: &SummaryRow, label: String| TradeoffPoint {
            label,
            x: r.metrics[axis].0,
            x_err: r.metrics[axis].1,
            y: r.metrics[0].0,
            y_err: r.metrics[0].1,
            pareto: r.pareto,
        };
        let curves: Vec<Curve> = self
            .config
            .methods
            .iter()
            .map(|entry| {
                let mut rows: Vec<&SummaryRow> = self
                    .summary
                    .iter()
                    .filter(|r| r.method == entry.name)
                    .collect();
                rows.sort_by(|a, b| {
                    let v = |r: &SummaryRow| r.knob_value.unwrap_or(f64::NAN);
                    v(a).total_cmp(&v(b))
                });
                Curve {
                    name: entry.name.clone(),
                    knob: rows.first().and_then(|r| r.knob.clone()),
                    baseline: entry.spec == MethodSpec::Baseline,
                    points: rows
                        .iter()
                        .map(|r| {
                            let label = match r.knob_value {
                                Some(v) => format!("{v}"),
                                None => r.method.clone(),
                            };
                            point(r, label)
                        })
                        .collect(),
                }
            })
            .collect();
        Some(curves)
    }

    /// `results.json`: the whole comparison as JSON.
    ///
    /// # Errors
    /// A comparison that JSON cannot hold (none is expected: every key is a string).
    pub fn render_json(&self) -> Result<String> {
        Ok(
            serde_json::to_string_pretty(self).map_err(|e| HarnessError::Io {
                action: "cannot write",
                path: "results.json".into(),
                source: e.into(),
            })? + "\n",
        )
    }

    /// Writes the run's files ([`RUN_FILES`]) into the directory `dir`, replacing an earlier
    /// run there as a whole (see [`claim_run_dir`]); `command_line` is recorded in its
    /// evidence.
    ///
    /// # Errors
    /// As [`claim_run_dir`] and [`stage`](Self::stage), and a failed commit.
    pub fn write(&self, dir: &Path, command_line: &[String]) -> Result<io::Committed> {
        let mut outputs = io::Outputs::new();
        let id = claim_run_dir(&mut outputs, dir, "--out")?;
        self.stage(&mut outputs, id, command_line)?;
        outputs.commit()
    }

    /// The run's files but its evidence, rendered: `results.json`, `results.csv`, `report.md`,
    /// `tradeoff.svg`, `report.html` ([`crate::report_html::comparison`]) and `experiment.toml` (the resolved configuration, which `fairkit
    /// compare --config` runs again), in this order.
    ///
    /// # Errors
    /// A picture that cannot be drawn, or a configuration TOML cannot hold.
    pub fn files(&self) -> Result<Vec<(&'static str, String)>> {
        let json = self.render_json()?;
        let svg = self.render_svg().map_err(|message| HarnessError::Plot {
            path: "tradeoff.svg".into(),
            message,
        })?;
        let html = crate::report_html::comparison(self).map_err(|message| HarnessError::Plot {
            path: "report.html".into(),
            message,
        })?;
        let files = [
            json,
            self.render_csv(),
            self.render_markdown(),
            svg,
            html,
            self.config.to_toml()?,
        ];
        Ok(RUN_FILES.iter().copied().zip(files).collect())
    }

    /// The run's evidence without its outputs: the command line, the seeds (the split seeds,
    /// then a simulated scenario's seed) and the digest of every data file.
    ///
    /// # Errors
    /// A data file that cannot be read.
    pub fn evidence(&self, command_line: &[String]) -> Result<Evidence> {
        let mut seeds = self.config.seeds.clone();
        let inputs = evidence_inputs(&self.config.data, &mut seeds);
        let mut evidence = Evidence::new("compare", command_line.to_vec(), seeds);
        for (role, path) in inputs {
            evidence.add_input(role, &path)?;
        }
        Ok(evidence)
    }

    /// Renders the run's files ([`RUN_FILES`], see [`files`](Self::files)) and its evidence
    /// ([`evidence`](Self::evidence)) into the claimed run directory `id` of `outputs`
    /// (committed with the other outputs).
    ///
    /// # Errors
    /// As [`files`](Self::files) and [`evidence`](Self::evidence), and a staged file that
    /// cannot be written.
    pub fn stage(
        &self,
        outputs: &mut io::Outputs,
        id: io::OutputId,
        command_line: &[String],
    ) -> Result<()> {
        let files = self.files()?;
        let evidence = self.evidence(command_line)?;
        let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (*n, c.as_bytes())).collect();
        evidence.stage(outputs, id, &borrowed)
    }

    /// The wall-clock fit times of `recorded` (a `results.json` of the same configuration) in
    /// place of this run's: fit times are measurements, not part of the decision, so a replay
    /// ([`evidence`](crate::evidence)) takes them from the run it replays and compares every
    /// other byte.
    ///
    /// # Errors
    /// [`HarnessError::Located`] when `recorded` is not such a `results.json` (`source` names
    /// it).
    pub fn with_fit_seconds_of(mut self, recorded: &str, source: &str) -> Result<Self> {
        let bad = |what: &str| {
            HarnessError::Located(format!(
                "{source}: {what}: not the results of this configuration"
            ))
        };
        let value: serde_json::Value =
            serde_json::from_str(recorded).map_err(|e| bad(&format!("line {}", e.line())))?;
        let number = |v: &serde_json::Value| match v {
            serde_json::Value::Null => Some(f64::NAN),
            v => v.as_f64(),
        };
        let rows = value["results"].as_array().ok_or_else(|| bad("results"))?;
        let summary = value["summary"].as_array().ok_or_else(|| bad("summary"))?;
        if rows.len() != self.results.len() || summary.len() != self.summary.len() {
            return Err(bad("a different number of results"));
        }
        for (mine, theirs) in self.results.iter_mut().zip(rows) {
            mine.fit_seconds = number(&theirs["fit_seconds"]).ok_or_else(|| bad("fit_seconds"))?;
        }
        for (mine, theirs) in self.summary.iter_mut().zip(summary) {
            mine.fit_seconds = (
                number(&theirs["fit_seconds_mean"]).ok_or_else(|| bad("fit_seconds_mean"))?,
                number(&theirs["fit_seconds_std"]).ok_or_else(|| bad("fit_seconds_std"))?,
            );
        }
        Ok(self)
    }
}

/// The data files of `data` with their roles, for a run's evidence; a simulated scenario's
/// seed is pushed onto `seeds` instead.
pub(crate) fn evidence_inputs(
    data: &DataSource,
    seeds: &mut Vec<u64>,
) -> Vec<(&'static str, PathBuf)> {
    let mut inputs: Vec<(&str, PathBuf)> = Vec::new();
    match data {
        DataSource::Scenario { seed, .. } => seeds.push(*seed),
        DataSource::Adult { path } => {
            inputs.push(("adult", path.join("adult.data")));
            inputs.push(("adult", path.join("adult.test")));
        }
        DataSource::Compas { path } => inputs.push(("compas", path.clone())),
        DataSource::German { path } => inputs.push(("german", path.clone())),
        DataSource::Csv { path, test, .. } => {
            inputs.push(("path", path.clone()));
            inputs.extend(test.iter().map(|t| ("test", t.clone())));
        }
    }
    inputs
}

pub(crate) fn pm(mean: f64, sd: f64, digits: usize) -> String {
    match (mean.is_nan(), sd.is_nan()) {
        (true, _) => "-".into(),
        (false, true) => format!("{mean:.digits$}"),
        (false, false) => format!("{mean:.digits$} ± {sd:.digits$}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::{ExpgradSpec, ReductionConstraint};
    use fairkit_data::{CsvLayout, DatasetSpec, Delimiter};

    /// A configuration with every kind of value: a CSV source with a layout, a per-method
    /// estimator, parameters left at `None`, a ratio bound, a seed list.
    fn rich() -> CompareConfig {
        let mut eg = MethodEntry::preset("expgrad-eo").unwrap();
        if let MethodSpec::Expgrad(ExpgradSpec { bound, nu, .. }) = &mut eg.spec {
            *bound = fairkit_reductions::Bound::Ratio {
                ratio: 0.8,
                slack: 0.0,
            };
            *nu = Some(1e-3);
        }
        let tree = MethodEntry {
            name: "tree-eg".into(),
            spec: MethodSpec::expgrad(ReductionConstraint::DemographicParity),
            estimator: Some("tree".parse().unwrap()),
            sweep: Some(vec![0.02, 0.1]),
        };
        CompareConfig {
            data: DataSource::Csv {
                path: "data/german.data".into(),
                test: None,
                spec: DatasetSpec {
                    positive_label: "1".into(),
                    categorical: vec!["job".into()],
                    ..DatasetSpec::new("class", ["sex"])
                },
                layout: CsvLayout {
                    delimiter: Delimiter::Whitespace,
                    header: false,
                    columns: Some(vec!["job".into(), "sex".into(), "class".into()]),
                    ..CsvLayout::default()
                },
            },
            methods: vec![
                MethodEntry::preset("baseline-tree").unwrap(),
                MethodEntry::preset("threshold-dp").unwrap(),
                eg,
                tree,
            ],
            seeds: vec![3, 7, 11],
            disparity: DisparityAxis::EqualizedOdds,
            ..CompareConfig::default()
        }
    }

    #[test]
    fn the_recorded_configuration_reads_back_from_toml_and_json() {
        for config in [CompareConfig::default(), rich()] {
            let toml = config.to_toml().unwrap();
            assert_eq!(
                CompareConfig::from_text(&toml, "experiment.toml").unwrap(),
                config,
                "{toml}"
            );
            // A second write gives the same bytes.
            let again = CompareConfig::from_toml(&toml, "experiment.toml").unwrap();
            assert_eq!(again.to_toml().unwrap(), toml);
            // The JSON that results.json records, alone and inside a results file.
            let json = serde_json::to_string_pretty(&config).unwrap();
            assert_eq!(CompareConfig::from_text(&json, "c.json").unwrap(), config);
            let results = format!(r#"{{"dataset": "x", "config": {json}, "results": []}}"#);
            assert_eq!(
                CompareConfig::from_text(&results, "results.json").unwrap(),
                config
            );
        }
    }

    #[test]
    fn every_estimator_has_its_baseline_preset() {
        for (preset, name) in BASELINE_PRESETS.iter().zip(Estimator::NAMES) {
            assert_eq!(*preset, format!("baseline-{name}"));
            let entry = MethodEntry::preset(preset).unwrap();
            assert_eq!(entry.estimator.unwrap().to_string(), name);
        }
    }

    #[test]
    fn a_method_entry_serializes_as_an_experiment_file_lists_it() {
        let tree = &rich().methods[3];
        let json = serde_json::to_value(tree).unwrap();
        assert_eq!(json["name"], "tree-eg");
        assert_eq!(json["method"], "expgrad");
        assert_eq!(json["constraint"], "demographic_parity");
        assert_eq!(json["estimator"]["name"], "tree");
        assert!(json.get("spec").is_none());
        let e = CompareConfig::from_text("{\"seedz\": 3}", "c.json").unwrap_err();
        assert!(e.to_string().contains("seedz"), "{e}");
        let e = CompareConfig::from_text("{\"seeds\": ", "c.json").unwrap_err();
        assert!(e.to_string().contains("c.json"), "{e}");
    }

    /// Found by the `experiment_toml` fuzz target: `seeds = 5555555555538` tried to allocate
    /// 44 TB for the seed list and aborted the process. The count is now checked against
    /// `limits::SEEDS` before the list is built.
    #[test]
    fn a_huge_seed_count_is_refused_before_allocating() {
        let err = CompareConfig::from_toml("seeds = 5555555555538\n", "x.toml").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "x.toml: line 1, column 1: key 'seeds': invalid parameter seeds = 5555555555538: {}",
                limits::SEEDS.describe()
            )
        );
        let max = limits::SEEDS.max;
        let at_max = CompareConfig::from_toml(&format!("seeds = {max}\n"), "x.toml").unwrap();
        assert_eq!(at_max.seeds.len() as u64, max);
        assert_eq!(at_max.seeds.last(), Some(&(max - 1)));
    }
}
