//! The stable JSON shape of a report, written by hand: keys in a fixed order, counts as
//! integers, undefined values as `null`, sections shared by the report, its control levels
//! and its bootstrap intervals.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{GroupSize, GroupedReport, Intervals, ReportValidParams, Section};
use crate::Metric;
use crate::aggregate::AggregateJson;
use crate::disparity::DisparitiesJson;
use crate::ser::{CountRef, MapOf, Num, Stat, StatRef};

impl Serialize for GroupSize {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("count", &self.count)?;
        map.serialize_entry("weight", &Num(self.weight))?;
        map.serialize_entry("positives", &Num(self.positives))?;
        map.serialize_entry("negatives", &Num(self.negatives))?;
        map.serialize_entry("warnings", &self.warnings.names())?;
        map.end()
    }
}

/// Writes a [`Section`] into an open map: `overall`, `by_group`, `disparities`, `aggregates`.
struct SectionWriter<'a, T> {
    section: &'a Section<T>,
    labels: &'a [String],
    metrics: &'a [Metric],
}

impl<T: Stat> SectionWriter<'_, T> {
    fn metric_map<'b>(&'b self, row: &'b [T]) -> impl Serialize + 'b {
        MapOf(move || {
            self.metrics
                .iter()
                .map(move |&m| (m.name(), ValueRef(m, &row[m.index()])))
        })
    }

    fn write_values<M: SerializeMap>(&self, map: &mut M) -> std::result::Result<(), M::Error> {
        map.serialize_entry("overall", &self.metric_map(&self.section.overall))?;
        let by_group = MapOf(|| {
            self.labels
                .iter()
                .zip(&self.section.by_group)
                .map(|(l, row)| (l.as_str(), self.metric_map(row)))
        });
        map.serialize_entry("by_group", &by_group)
    }

    fn write_disparities<M: SerializeMap>(&self, map: &mut M) -> std::result::Result<(), M::Error> {
        let d = DisparitiesJson {
            disparities: &self.section.disparities,
            labels: self.labels,
            aggregates: &self.section.aggregates,
        };
        map.serialize_entry("disparities", &d)
    }

    fn write_aggregates<M: SerializeMap>(&self, map: &mut M) -> std::result::Result<(), M::Error> {
        let aggs = MapOf(|| {
            self.metrics.iter().map(|&m| {
                let a = AggregateJson {
                    aggregate: &self.section.aggregates[m.index()],
                    labels: self.labels,
                };
                (m.name(), a)
            })
        });
        map.serialize_entry("aggregates", &aggs)
    }
}

/// A metric's value, serialized as an integer for counts.
struct ValueRef<'a, T>(Metric, &'a T);

impl<T: Stat> Serialize for ValueRef<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        if self.0 == Metric::Count {
            CountRef(self.1).serialize(serializer)
        } else {
            StatRef(self.1).serialize(serializer)
        }
    }
}

/// Sizes of a set of groups: `{"overall": {...}, "by_group": {label: {...}}}`.
struct SizesJson<'a> {
    overall: &'a GroupSize,
    sizes: &'a [GroupSize],
    labels: &'a [String],
}

impl Serialize for SizesJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("overall", self.overall)?;
        let by_group = MapOf(|| self.labels.iter().map(String::as_str).zip(self.sizes));
        map.serialize_entry("by_group", &by_group)?;
        map.end()
    }
}

/// A control level: its section and sizes.
struct LevelJson<'a, T> {
    writer: SectionWriter<'a, T>,
    sizes: Option<SizesJson<'a>>,
}

impl<T: Stat> Serialize for LevelJson<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.writer.write_values(&mut map)?;
        self.writer.write_disparities(&mut map)?;
        if let Some(sizes) = &self.sizes {
            map.serialize_entry("sizes", sizes)?;
        }
        self.writer.write_aggregates(&mut map)?;
        map.end()
    }
}

/// Control levels keyed by label.
struct ControlJson<'a, T> {
    columns: &'a [String],
    levels: Vec<(&'a str, LevelJson<'a, T>)>,
}

impl<T: Stat> Serialize for ControlJson<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("columns", self.columns)?;
        let levels = MapOf(|| self.levels.iter().map(|(l, v)| (*l, v)));
        map.serialize_entry("levels", &levels)?;
        map.end()
    }
}

impl GroupedReport {
    fn writer<'a, T>(&'a self, section: &'a Section<T>) -> SectionWriter<'a, T> {
        SectionWriter {
            section,
            labels: &self.labels,
            metrics: &self.settings.metrics,
        }
    }
}

/// The intervals block.
struct IntervalsJson<'a>(&'a GroupedReport, &'a Intervals);

impl Serialize for IntervalsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let (report, iv) = (self.0, self.1);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("n_boot", &iv.params.n_boot())?;
        map.serialize_entry("seed", &iv.params.seed())?;
        map.serialize_entry("quantiles", iv.params.quantiles())?;
        let w = report.writer(&iv.section);
        w.write_values(&mut map)?;
        w.write_disparities(&mut map)?;
        w.write_aggregates(&mut map)?;
        if let Some(control) = &report.control {
            let levels = control
                .levels
                .iter()
                .zip(&iv.control)
                .map(|(l, s)| {
                    let level = LevelJson {
                        writer: report.writer(s),
                        sizes: None,
                    };
                    (l.label.as_str(), level)
                })
                .collect();
            let c = ControlJson {
                columns: &control.columns,
                levels,
            };
            map.serialize_entry("control", &c)?;
        }
        map.end()
    }
}

/// The stable JSON shape of every fairkit report: `overall`, `by_group` (keyed by group label,
/// in schema order), `disparities` (with `four_fifths` and `extreme_groups`), `intervals` (only
/// when bootstrapped), then `sizes` (counts, weight sums and warning flags), `aggregates` (per
/// metric min / max / difference / ratio and the groups attaining them), `settings`, with
/// control features `control`, and last `warnings` (the [small groups](crate::small), each with
/// its counts and a message). Undefined values are `null`.
impl Serialize for GroupedReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let w = self.writer(&self.section);
        w.write_values(&mut map)?;
        w.write_disparities(&mut map)?;
        if let Some(iv) = &self.intervals {
            map.serialize_entry("intervals", &IntervalsJson(self, iv))?;
        }
        let sizes = SizesJson {
            overall: &self.overall_size,
            sizes: &self.sizes,
            labels: &self.labels,
        };
        map.serialize_entry("sizes", &sizes)?;
        w.write_aggregates(&mut map)?;
        map.serialize_entry("settings", &SettingsJson(&self.params))?;
        if let Some(control) = &self.control {
            let levels = control
                .levels
                .iter()
                .map(|l| {
                    let level = LevelJson {
                        writer: self.writer(&l.section),
                        sizes: Some(SizesJson {
                            overall: &l.overall_size,
                            sizes: &l.sizes,
                            labels: &self.labels,
                        }),
                    };
                    (l.label.as_str(), level)
                })
                .collect();
            let c = ControlJson {
                columns: &control.columns,
                levels,
            };
            map.serialize_entry("control", &c)?;
        }
        map.serialize_entry("warnings", &self.small_groups())?;
        map.end()
    }
}

/// The settings block.
struct SettingsJson<'a>(&'a ReportValidParams);

impl Serialize for SettingsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let p = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("method", &p.method)?;
        map.serialize_entry("equalized_odds_agg", &p.eo_agg)?;
        map.serialize_entry("zero_division", &p.zero_division)?;
        map.serialize_entry("four_fifths_threshold", &p.threshold)?;
        map.serialize_entry("min_group_size", &p.min_group_size)?;
        map.end()
    }
}
