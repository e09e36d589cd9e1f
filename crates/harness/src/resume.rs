//! `fairkit compare --resume`: finish a comparison that `--out` already holds part of
//! (docs/datasets.md#resuming-a-run).
//!
//! A result row is keyed by (dataset, method, knob, knob value, seed). [`resume`] reads the
//! rows of the directory's `results.json`, checks that the recorded run was configured like
//! this one in everything that changes a row ([`Recorded::check`]), takes every row whose key
//! is recorded as it is and runs only the missing (point, seed) jobs; the outputs are then
//! rendered again from all rows, so a resumed run writes what an uninterrupted run of the same
//! configuration writes, fit times aside.
//!
//! Rows are read back in document order ([`Json`]) so that a reused row is written again byte
//! for byte. Everything the reports draw of a row is in the row: its score metrics record the
//! calibration curves too ([`RowScores`]), so a resumed run's `report.html` is the one an
//! uninterrupted run writes (and `fairkit verify` replays it).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use fairkit_metrics::scores::{ScoreMetric, ScoreReport};
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::compare::{
    CompareConfig, Comparison, MethodEntry, ResultRow, SweepPoint, compare_reusing,
};
use crate::data::DataSource;
use crate::multi::{MultiComparison, compare_many_reusing};
use crate::{HarnessError, Result, io};

/// A JSON value that keeps the order of an object's keys, so that a value read from a file is
/// written again with the same bytes (numbers read as written: integers stay integers, and a
/// float reads to the `f64` it was written from).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    U64(u64),
    /// A negative integer.
    I64(i64),
    /// A number with a fraction or an exponent.
    F64(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, keys in document order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// `value` as JSON (serialized, then read back in order).
    ///
    /// # Errors
    /// A value JSON cannot hold (a map with non-string keys).
    pub fn of<T: Serialize>(value: &T) -> Result<Json> {
        let text = serde_json::to_string(value).map_err(|e| HarnessError::Io {
            action: "cannot write",
            path: "results.json".into(),
            source: e.into(),
        })?;
        serde_json::from_str(&text).map_err(|e| HarnessError::Io {
            action: "cannot write",
            path: "results.json".into(),
            source: e.into(),
        })
    }

    /// The value of `key` in an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// An object's entries in order (none for other values).
    pub fn entries(&self) -> &[(String, Json)] {
        match self {
            Json::Object(entries) => entries,
            _ => &[],
        }
    }

    /// The value as a number: NaN for `null` (how results record undefined values) and for
    /// anything that is not a number.
    pub fn number(&self) -> f64 {
        match *self {
            Json::U64(v) => v as f64,
            Json::I64(v) => v as f64,
            Json::F64(v) => v,
            _ => f64::NAN,
        }
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::U64(v) => s.serialize_u64(*v),
            Json::I64(v) => s.serialize_i64(*v),
            Json::F64(v) => s.serialize_f64(*v),
            Json::String(v) => s.serialize_str(v),
            Json::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct JsonVisitor;
        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> std::result::Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_none<E>(self) -> std::result::Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Json, D::Error> {
                Json::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<Json, E> {
                Ok(Json::Bool(v))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Json, E> {
                Ok(Json::U64(v))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Json, E> {
                Ok(if v >= 0 {
                    Json::U64(v as u64)
                } else {
                    Json::I64(v)
                })
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Json, E> {
                Ok(Json::F64(v))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Json, E> {
                Ok(Json::String(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> std::result::Result<Json, E> {
                Ok(Json::String(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Json, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Json>()? {
                    entries.push((k, v));
                }
                Ok(Json::Object(entries))
            }
        }
        d.deserialize_any(JsonVisitor)
    }
}

/// A number that results record as `null` when it is undefined (NaN or infinite), written and
/// read back: `#[serde(with = "crate::resume::nan_null")]`.
pub mod nan_null {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `value`, `null` when it is not finite ([`fairkit_metrics::nan_as_null`]).
    ///
    /// # Errors
    /// Whatever the serializer returns.
    pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        fairkit_metrics::nan_as_null(value, serializer)
    }

    /// Reads a number, `null` as NaN.
    ///
    /// # Errors
    /// A value that is neither a number nor `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// The score metrics of a result row as `results.json` records them: the compact form of a
/// [`ScoreReport`] (values overall and by group, and their aggregates) and each group's
/// calibration curve in uniform bins (`calibration`: per group, `prob_pred` and `prob_true`),
/// so that everything `report.html` draws of a row survives in the row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowScores {
    recorded: Json,
}

/// A calibration curve: each bin's mean score, and its share of truly positive rows.
pub type CurvePoints = (Vec<f64>, Vec<f64>);

/// Numbers as JSON, undefined ones as `null`.
fn numbers(values: &[f64]) -> Json {
    Json::Array(
        values
            .iter()
            .map(|&v| {
                if v.is_finite() {
                    Json::F64(v)
                } else {
                    Json::Null
                }
            })
            .collect(),
    )
}

impl RowScores {
    /// The scores of a fitted row.
    ///
    /// # Errors
    /// None expected (the compact form is plain JSON).
    pub fn of(report: &ScoreReport) -> Result<Self> {
        let mut recorded = Json::of(&report.compact())?;
        let curves = report
            .labels()
            .iter()
            .enumerate()
            .filter_map(|(code, label)| {
                let curve = &report.calibration(code as u32)?.uniform;
                let entries = vec![
                    ("prob_pred".to_string(), numbers(&curve.prob_pred)),
                    ("prob_true".to_string(), numbers(&curve.prob_true)),
                ];
                Some((label.clone(), Json::Object(entries)))
            })
            .collect();
        if let Json::Object(entries) = &mut recorded {
            entries.push(("calibration".into(), Json::Object(curves)));
        }
        Ok(Self { recorded })
    }

    /// The group labels, in group order.
    pub fn labels(&self) -> Vec<String> {
        self.by_group().iter().map(|(k, _)| k.clone()).collect()
    }

    fn by_group(&self) -> &[(String, Json)] {
        self.recorded.get("by_group").map_or(&[], Json::entries)
    }

    /// The value of `metric` over all rows (NaN when undefined).
    pub fn overall(&self, metric: ScoreMetric) -> f64 {
        self.recorded
            .get("overall")
            .and_then(|o| o.get(metric.name()))
            .map_or(f64::NAN, Json::number)
    }

    /// The value of `metric` in group `code` (NaN when undefined or absent).
    pub fn value(&self, metric: ScoreMetric, code: usize) -> f64 {
        self.by_group()
            .get(code)
            .and_then(|(_, g)| g.get(metric.name()))
            .map_or(f64::NAN, Json::number)
    }

    /// The calibration curve of the group `label` in uniform bins: each bin's mean score and
    /// share of truly positive rows; `None` when the group has none (no rows).
    pub fn calibration(&self, label: &str) -> Option<CurvePoints> {
        let curve = self.recorded.get("calibration")?.get(label)?;
        let read = |key: &str| match curve.get(key) {
            Some(Json::Array(items)) => Some(items.iter().map(Json::number).collect()),
            _ => None,
        };
        Some((read("prob_pred")?, read("prob_true")?))
    }
}

impl Serialize for RowScores {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.recorded.serialize(s)
    }
}

impl<'de> Deserialize<'de> for RowScores {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(Self {
            recorded: Json::deserialize(d)?,
        })
    }
}

/// The run an output directory holds: its `results.json`'s fairkit version, configuration
/// and rows.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The `results.json` read.
    pub path: PathBuf,
    /// The fairkit version that wrote it.
    pub fairkit_version: String,
    /// Its configuration.
    pub config: CompareConfig,
    /// Its result rows.
    pub rows: Vec<ResultRow>,
}

/// The part of `results.json` that [`Recorded`] reads besides the configuration.
#[derive(Deserialize)]
struct RecordedFile {
    fairkit_version: String,
    results: Vec<ResultRow>,
}

/// The sources a configuration runs: its `datasets`, or its one `data`.
fn sources(config: &CompareConfig) -> Vec<&DataSource> {
    if config.datasets.is_empty() {
        vec![&config.data]
    } else {
        config.datasets.iter().collect()
    }
}

/// Whether `row` is a row of `point` (of the method `entry`).
fn row_of(row: &ResultRow, entry: &MethodEntry, point: &SweepPoint) -> bool {
    row.method == entry.name
        && if point.whole_grid {
            row.knob.as_deref() == Some("grid_point")
        } else {
            match point.knob {
                Some((k, v)) => {
                    row.knob.as_deref() == Some(k)
                        && row.knob_value.map(f64::to_bits) == Some(v.to_bits())
                }
                None => row.knob.is_none(),
            }
        }
}

impl Recorded {
    /// Reads `results.json` in the output directory `dir`.
    ///
    /// # Errors
    /// A missing or unreadable file, and one that is not a comparison's `results.json`
    /// (naming the file, line and column).
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join("results.json");
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(HarnessError::Located(format!(
                    "--resume: {shown} does not exist: there is no run to resume in {} (run \
                     without --resume)",
                    dir.display()
                )));
            }
            Err(e) => {
                return Err(HarnessError::Io {
                    action: "cannot read",
                    path,
                    source: e,
                });
            }
        };
        let file: RecordedFile = serde_json::from_str(&text).map_err(|e| {
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            HarnessError::Located(format!(
                "{shown}: line {}, column {}: not the results.json of a fairkit comparison \
                 ({message})",
                e.line(),
                e.column()
            ))
        })?;
        let config = CompareConfig::from_json(&text, &shown)?;
        Ok(Self {
            path,
            fairkit_version: file.fairkit_version,
            config,
            rows: file.results,
        })
    }

    /// Checks that the recorded run was configured as `config` in everything that changes a
    /// row: the fairkit version, the split policy, the estimator, the source of each dataset
    /// both name, the parameters and estimator of each method both name (its `sweep` values
    /// aside: they are part of the key); and that `config` asks for every recorded row, so
    /// that resuming never drops one. Seeds, knob values, datasets and methods may be added;
    /// the disparity axis, which changes no row, may differ.
    ///
    /// # Errors
    /// [`HarnessError::Located`]: one line naming the file and the setting that differs.
    pub fn check(&self, config: &CompareConfig) -> Result<()> {
        let file = self.path.display().to_string();
        let differs = |setting: &str, recorded: String, now: String| {
            Err(HarnessError::Located(format!(
                "{file}: {setting} differs from the recorded run's (recorded {recorded}, now \
                 {now}): resume only with the recorded settings, or write to a new --out"
            )))
        };
        let version = env!("CARGO_PKG_VERSION");
        if self.fairkit_version != version {
            return differs(
                "the fairkit version",
                self.fairkit_version.clone(),
                version.into(),
            );
        }
        let (old, new) = (&self.config, config);
        if old.split != new.split {
            return differs("the split", compact(&old.split), compact(&new.split));
        }
        if old.estimator != new.estimator {
            return differs(
                "the estimator",
                compact(&old.estimator),
                compact(&new.estimator),
            );
        }
        let recorded_sources = sources(old);
        for source in sources(new) {
            let name = source.name();
            if let Some(before) = recorded_sources.iter().find(|s| s.name() == name)
                && *before != source
            {
                return differs(
                    &format!("the data source of dataset {name}"),
                    compact(*before),
                    compact(source),
                );
            }
        }
        let plain = |e: &MethodEntry| MethodEntry {
            sweep: None,
            ..e.clone()
        };
        for entry in &new.methods {
            if let Some(before) = old.methods.iter().find(|m| m.name == entry.name)
                && plain(before) != plain(entry)
            {
                return differs(
                    &format!("method {}", entry.name),
                    compact(&plain(before)),
                    compact(&plain(entry)),
                );
            }
        }
        let names: Vec<String> = sources(new).iter().map(|s| s.name()).collect();
        let points = new.points();
        for row in &self.rows {
            let wanted = names.contains(&row.dataset)
                && new.seeds.contains(&row.seed)
                && points
                    .iter()
                    .any(|p| row_of(row, &new.methods[p.method], p));
            if !wanted {
                return Err(HarnessError::Located(format!(
                    "{file}: the recorded run has a row this run does not ask for (dataset {}, \
                     {}, seed {}), which resuming would drop: list its dataset, method, knob \
                     value and seed again, or write to a new --out",
                    row.dataset,
                    crate::compare::point_label(&row.method, row.knob.as_deref(), row.knob_value),
                    row.seed
                )));
            }
        }
        Ok(())
    }

    /// The recorded rows of `point` (of the method `entry`) on `dataset` at `seed`: one row,
    /// or a whole grid's; `None` when the run did not record them.
    pub fn rows(
        &self,
        dataset: &str,
        entry: &MethodEntry,
        point: &SweepPoint,
        seed: u64,
    ) -> Option<Vec<ResultRow>> {
        let mine = self
            .rows
            .iter()
            .filter(|r| r.dataset == dataset && r.seed == seed && row_of(r, entry, point));
        let rows: Vec<ResultRow> = if point.whole_grid {
            mine.cloned().collect()
        } else {
            mine.take(1).cloned().collect()
        };
        (!rows.is_empty()).then_some(rows)
    }
}

/// A setting as compact JSON, for an error message.
fn compact<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A finished comparison of one dataset or of several.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// One dataset ([`crate::compare::compare`]).
    One(Comparison),
    /// Several datasets ([`crate::multi::compare_many`]).
    Many(MultiComparison),
}

impl Outcome {
    /// Renders the run's files and evidence into the claimed run directory `id`.
    ///
    /// # Errors
    /// As [`Comparison::stage`] and [`MultiComparison::stage`].
    pub fn stage(
        &self,
        outputs: &mut io::Outputs,
        id: io::OutputId,
        command_line: &[String],
    ) -> Result<()> {
        match self {
            Outcome::One(c) => c.stage(outputs, id, command_line),
            Outcome::Many(m) => m.stage(outputs, id, command_line),
        }
    }
}

/// A resumed comparison and how many of its rows were reused and fitted.
#[derive(Debug, Clone)]
pub struct Resumed {
    /// The comparison, every row included.
    pub outcome: Outcome,
    /// Rows taken from the recorded `results.json`.
    pub reused: usize,
    /// Rows fitted in this invocation.
    pub fitted: usize,
}

/// Runs `config` into the output directory `dir` that holds part of its rows: the rows
/// `dir/results.json` records are reused as they are, the others are run (jobs in parallel,
/// as [`crate::compare::compare`]); `progress(dataset_index, method_index)` is called after
/// each job, reused or run.
///
/// # Errors
/// As [`Recorded::read`] and [`Recorded::check`], and every error of the comparison.
pub fn resume(
    config: &CompareConfig,
    dir: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Resumed> {
    config.check()?;
    let recorded = Recorded::read(dir)?;
    recorded.check(config)?;
    let reused = AtomicUsize::new(0);
    let reuse = |dataset: &str, entry: &MethodEntry, point: &SweepPoint, seed: u64| {
        let rows = recorded.rows(dataset, entry, point, seed)?;
        reused.fetch_add(rows.len(), Ordering::Relaxed);
        Some(rows)
    };
    let (outcome, total) = if config.datasets.is_empty() {
        let c = compare_reusing(config, &reuse, &|m| progress(0, m))?;
        let total = c.results.len();
        (Outcome::One(c), total)
    } else {
        let m = compare_many_reusing(config, &reuse, progress)?;
        let total = m.runs.iter().map(|r| r.results.len()).sum();
        (Outcome::Many(m), total)
    };
    let reused = reused.into_inner();
    Ok(Resumed {
        outcome,
        reused,
        fitted: total - reused,
    })
}

#[cfg(test)]
mod tests;
