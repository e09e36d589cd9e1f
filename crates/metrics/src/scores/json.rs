//! The JSON shape of a [`ScoreReport`] (docs/metrics.md#score-metrics-json): keys in a fixed
//! order, undefined values as `null`.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{Calibration, CalibrationCurve, ScoreMetric, ScoreReport, ScoreSection, ScoreSize};
use crate::aggregate::AggregateJson;
use crate::ser::{MapOf, Num, Stat, StatRef};

impl Serialize for ScoreSize {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("count", &self.count)?;
        map.serialize_entry("positives", &self.positives)?;
        map.serialize_entry("weight", &Num(self.weight))?;
        map.end()
    }
}

impl Serialize for CalibrationCurve {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let nums = |v: &[f64]| v.iter().map(|&x| Num(x)).collect::<Vec<_>>();
        let mut map = serializer.serialize_map(Some(7))?;
        map.serialize_entry("binning", self.binning.name())?;
        map.serialize_entry("edges", &nums(&self.edges))?;
        map.serialize_entry("bins", &self.bins)?;
        map.serialize_entry("count", &self.counts)?;
        map.serialize_entry("weight", &nums(&self.weights))?;
        map.serialize_entry("prob_true", &nums(&self.prob_true))?;
        map.serialize_entry("prob_pred", &nums(&self.prob_pred))?;
        map.end()
    }
}

impl Serialize for Calibration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("uniform", &self.uniform)?;
        map.serialize_entry("quantile", &self.quantile)?;
        map.end()
    }
}

/// Writes `overall`, `by_group` and `aggregates` of a section into an open map.
fn write_section<M: SerializeMap, T: Stat>(
    map: &mut M,
    section: &ScoreSection<T>,
    labels: &[String],
) -> Result<(), M::Error> {
    let values = |row| ValuesJson(row);
    map.serialize_entry("overall", &values(&section.overall))?;
    let by_group = MapOf(|| {
        labels
            .iter()
            .zip(&section.by_group)
            .map(|(l, row)| (l.as_str(), values(row)))
    });
    map.serialize_entry("by_group", &by_group)?;
    let aggregates = MapOf(|| {
        ScoreMetric::ALL.iter().map(|m| {
            (
                m.name(),
                AggregateJson {
                    aggregate: &section.aggregates[m.index()],
                    labels,
                },
            )
        })
    });
    map.serialize_entry("aggregates", &aggregates)
}

/// One value per metric, by name.
struct ValuesJson<'a, T>(&'a [T]);

impl<T: Stat> Serialize for ValuesJson<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(ScoreMetric::ALL.len()))?;
        for m in ScoreMetric::ALL {
            map.serialize_entry(m.name(), &StatRef(&self.0[m.index()]))?;
        }
        map.end()
    }
}

struct SectionJson<'a, T>(&'a ScoreSection<T>, &'a [String]);

impl<T: Stat> Serialize for SectionJson<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        write_section(&mut map, self.0, self.1)?;
        map.end()
    }
}

/// `n_bins`, `weighted`, `overall`, `by_group`, `aggregates`, `sizes`, `calibration`, and
/// `intervals` when bootstrapped.
impl Serialize for ScoreReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("n_bins", &self.n_bins)?;
        map.serialize_entry("weighted", &self.weighted)?;
        write_section(&mut map, &self.section, &self.labels)?;
        let labels = &self.labels;
        let names = || labels.iter().map(String::as_str);
        let sizes = OverallAndGroups(&self.overall_size, MapOf(|| names().zip(&self.sizes)));
        map.serialize_entry("sizes", &sizes)?;
        let calibration = OverallAndGroups(
            &self.overall_calibration,
            MapOf(|| names().zip(&self.calibration)),
        );
        map.serialize_entry("calibration", &calibration)?;
        if let Some(iv) = &self.intervals {
            let head = IntervalsJson {
                n_boot: iv.params.n_boot(),
                seed: iv.params.seed(),
                quantiles: iv.params.quantiles(),
                section: SectionJson(&iv.section, labels),
            };
            map.serialize_entry("intervals", &head)?;
        }
        map.end()
    }
}

struct IntervalsJson<'a> {
    n_boot: usize,
    seed: u64,
    quantiles: &'a [f64],
    section: SectionJson<'a, Vec<f64>>,
}

impl Serialize for IntervalsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("n_boot", &self.n_boot)?;
        map.serialize_entry("seed", &self.seed)?;
        map.serialize_entry("quantiles", self.quantiles)?;
        write_section(&mut map, self.section.0, self.section.1)?;
        map.end()
    }
}

/// `{"overall": .., "by_group": ..}`.
struct OverallAndGroups<'a, A, B>(&'a A, B);

impl<A: Serialize, B: Serialize> Serialize for OverallAndGroups<'_, A, B> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("overall", self.0)?;
        map.serialize_entry("by_group", &self.1)?;
        map.end()
    }
}

/// The compact JSON of a [`ScoreReport`]: `weighted`, `overall`, `by_group` and `aggregates`
/// (no sizes, curves or intervals), as `fairkit compare` records it per result row.
#[derive(Debug, Clone, Copy)]
pub struct CompactScores<'a>(&'a ScoreReport);

impl Serialize for CompactScores<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("weighted", &self.0.weighted)?;
        write_section(&mut map, &self.0.section, &self.0.labels)?;
        map.end()
    }
}

impl ScoreReport {
    /// The compact JSON form ([`CompactScores`]).
    pub fn compact(&self) -> CompactScores<'_> {
        CompactScores(self)
    }
}
