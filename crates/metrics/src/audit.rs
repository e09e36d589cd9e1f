//! The audit before training (issue 3 item 5): who is in the data, how the labels differ by
//! group, and which features could stand in for the sensitive attribute.
//!
//! ```
//! use fairkit_core::Groups;
//! use fairkit_metrics::audit::{AuditInput, AuditParams};
//! use ndarray::array;
//!
//! // O3's dataset metric (docs/test-oracles.md#o3) on O1's labels: base rates a = 1/2, b = 1/3.
//! let g = Groups::from_labels("g", &["a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b"])?;
//! let y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0].map(|v| v == 1);
//! let x = array![[1.0], [1.0], [1.0], [1.0], [1.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0]];
//! let names = vec!["proxy".to_string()];
//! let audit = AuditParams::default()
//!     .compute(AuditInput::new(&y, &g).features(x.view(), &names))?;
//! assert_eq!(audit.groups[1].base_rate, 1.0 / 3.0);
//! assert_eq!(audit.label_disparate_impact, 2.0 / 3.0);
//! assert_eq!(audit.proxies[0].eta_squared, 1.0); // the feature is the group
//! # Ok::<(), fairkit_metrics::MetricsError>(())
//! ```

use std::fmt::Write;

use fairkit_core::{Error, Groups};
use ndarray::ArrayView2;
use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::aggregate::Aggregate;
use crate::error::Result;
use crate::render::name_cell;
use crate::ser::{MapOf, Num};
use crate::small::SmallGroup;

/// Parameters of the audit.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditParams {
    /// Groups with rows but fewer than this many are flagged (default 30).
    pub min_group_size: u64,
    /// How many proxy candidates to keep, strongest first (`None`: every feature).
    pub top_proxies: Option<usize>,
}

impl Default for AuditParams {
    fn default() -> Self {
        Self {
            min_group_size: 30,
            top_proxies: None,
        }
    }
}

/// The inputs of the audit: labels, groups, optional weights and features.
#[derive(Debug, Clone, Copy)]
pub struct AuditInput<'a> {
    /// Labels (`true` = favourable / 1).
    pub y_true: &'a [bool],
    /// Sensitive groups.
    pub groups: &'a Groups,
    /// Sample weights (used for shares and base rates).
    pub weights: Option<&'a [f64]>,
    /// Feature matrix and column names, for proxy candidates.
    pub features: Option<(ArrayView2<'a, f64>, &'a [String])>,
}

impl<'a> AuditInput<'a> {
    /// Labels and groups only.
    pub fn new(y_true: &'a [bool], groups: &'a Groups) -> Self {
        Self {
            y_true,
            groups,
            weights: None,
            features: None,
        }
    }

    /// With sample weights.
    pub fn weights(mut self, weights: &'a [f64]) -> Self {
        self.weights = Some(weights);
        self
    }

    /// With features, to rank proxy candidates.
    pub fn features(mut self, x: ArrayView2<'a, f64>, names: &'a [String]) -> Self {
        self.features = Some((x, names));
        self
    }
}

/// One group of the audit.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditGroup {
    /// The group label.
    pub label: String,
    /// Rows, unweighted.
    pub count: u64,
    /// `count / n`.
    pub share: f64,
    /// Sum of weights.
    pub weight: f64,
    /// `weight / total weight`.
    pub weight_share: f64,
    /// Weighted share of favourable labels (NaN when empty).
    pub base_rate: f64,
    /// Rows but fewer than `min_group_size`.
    pub small: bool,
}

/// A feature associated with the sensitive groups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProxyCandidate {
    /// The feature name.
    pub feature: String,
    /// The correlation ratio η² = between-group sum of squares / total sum of squares, in
    /// `[0, 1]` (1: the feature determines the group mean exactly; NaN for a constant feature).
    #[serde(serialize_with = "crate::ser::nan_as_null")]
    pub eta_squared: f64,
}

/// The statistic proxies are ranked by.
pub const PROXY_STATISTIC: &str =
    "correlation ratio eta^2 (between-group / total sum of squares, unweighted)";

/// The result of an audit.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditReport {
    /// Sensitive column names.
    pub columns: Vec<String>,
    /// Every group of the schema, by code (empty intersections included, with count 0).
    pub groups: Vec<AuditGroup>,
    /// Rows.
    pub n_rows: u64,
    /// Weighted base rate of all rows.
    pub base_rate: f64,
    /// `max − min` of the group base rates (non-empty groups).
    pub label_demographic_parity_difference: f64,
    /// `min / max` of the group base rates: the disparate impact of the labels, folded to
    /// `≤ 1` (AIF360's two-group `DI` is `min(DI, 1/DI)` of this for two groups).
    pub label_disparate_impact: f64,
    /// Group with the highest base rate.
    pub highest_base_rate_group: Option<u32>,
    /// Group with the lowest base rate.
    pub lowest_base_rate_group: Option<u32>,
    /// Human-readable warnings (small groups, empty intersections, single-class groups).
    pub warnings: Vec<String>,
    /// The groups with rows that are too small for their rates to mean much
    /// ([`crate::small`]); their messages are in `warnings` too.
    pub small_groups: Vec<SmallGroup>,
    /// Proxy candidates, strongest first (constant features last).
    pub proxies: Vec<ProxyCandidate>,
    /// Groups with rows below this size are flagged.
    pub min_group_size: u64,
}

/// η² of one feature column against group codes.
pub fn correlation_ratio(
    x: impl Iterator<Item = f64> + Clone,
    codes: &[u32],
    n_groups: usize,
) -> f64 {
    let n = codes.len() as f64;
    let mut sum = vec![0.0; n_groups];
    let mut count = vec![0usize; n_groups];
    for (v, &g) in x.clone().zip(codes) {
        sum[g as usize] += v;
        count[g as usize] += 1;
    }
    let mean = sum.iter().sum::<f64>() / n;
    let total: f64 = x.map(|v| (v - mean) * (v - mean)).sum();
    let between: f64 = sum
        .iter()
        .zip(&count)
        .filter(|&(_, &c)| c > 0)
        .map(|(&s, &c)| {
            let m = s / c as f64;
            c as f64 * (m - mean) * (m - mean)
        })
        .sum();
    if total == 0.0 {
        f64::NAN
    } else {
        (between / total).min(1.0)
    }
}

impl AuditParams {
    /// Runs the audit.
    ///
    /// # Errors
    /// No rows, inputs of different lengths, invalid weights, feature names that do not match
    /// the columns, or a non-finite feature value.
    pub fn compute(&self, input: AuditInput<'_>) -> Result<AuditReport> {
        let n = input.y_true.len();
        if n == 0 {
            return Err(Error::Empty {
                what: "labels".into(),
            }
            .into());
        }
        let groups = input.groups;
        Error::check_len("sensitive groups", n, groups.len())?;
        if let Some(w) = input.weights {
            Error::check_len("sample weights", n, w.len())?;
            Error::check_weights(w)?;
        }
        let schema = groups.schema();
        let n_groups = groups.n_groups();
        let mut count = vec![0u64; n_groups];
        let mut weight = vec![0.0; n_groups];
        let mut pos_weight = vec![0.0; n_groups];
        let mut pos_count = vec![0u64; n_groups];
        for (i, (&y, &g)) in input.y_true.iter().zip(groups.codes()).enumerate() {
            let w = input.weights.map_or(1.0, |w| w[i]);
            let g = g as usize;
            count[g] += 1;
            weight[g] += w;
            if y {
                pos_weight[g] += w;
                pos_count[g] += 1;
            }
        }
        let total_weight: f64 = weight.iter().sum();
        let mut warnings = Vec::new();
        let mut small_groups = Vec::new();
        let audit_groups: Vec<AuditGroup> = (0..n_groups)
            .map(|g| {
                let label = schema.label(g as u32);
                let small = count[g] > 0 && count[g] < self.min_group_size;
                // Warnings are messages: the name is shortened as in tables.
                let name = name_cell(&label);
                if count[g] == 0 {
                    warnings.push(format!("group {name} has no rows (empty intersection)"));
                } else {
                    if let Some(s) = SmallGroup::check(
                        &label,
                        count[g],
                        pos_weight[g],
                        weight[g] - pos_weight[g],
                        self.min_group_size,
                    ) {
                        let shown = SmallGroup {
                            group: name.to_string(),
                            ..s.clone()
                        };
                        warnings.push(shown.to_string());
                        small_groups.push(s);
                    }
                    if pos_count[g] == 0 || pos_count[g] == count[g] {
                        let class = u8::from(pos_count[g] > 0);
                        warnings.push(format!(
                            "group {name} has a single label class ({class}): its TPR or FPR will be undefined"
                        ));
                    }
                }
                AuditGroup {
                    label,
                    count: count[g],
                    share: count[g] as f64 / n as f64,
                    weight: weight[g],
                    weight_share: weight[g] / total_weight,
                    base_rate: if count[g] == 0 {
                        f64::NAN
                    } else {
                        pos_weight[g] / weight[g]
                    },
                    small,
                }
            })
            .collect();
        if count.iter().filter(|&&c| c > 0).count() < 2 {
            warnings.push("only one group has rows: nothing to compare".into());
        }
        let base_rate = pos_weight.iter().sum::<f64>() / total_weight;
        let rates: Vec<f64> = audit_groups.iter().map(|g| g.base_rate).collect();
        let agg = Aggregate::of(&rates, base_rate);
        let proxies = match input.features {
            None => Vec::new(),
            Some((x, names)) => self.proxies(x, names, groups)?,
        };
        Ok(AuditReport {
            columns: schema.columns().to_vec(),
            groups: audit_groups,
            n_rows: n as u64,
            base_rate,
            label_demographic_parity_difference: agg.difference,
            label_disparate_impact: agg.ratio,
            highest_base_rate_group: agg.argmax,
            lowest_base_rate_group: agg.argmin,
            warnings,
            small_groups,
            proxies,
            min_group_size: self.min_group_size,
        })
    }

    fn proxies(
        &self,
        x: ArrayView2<'_, f64>,
        names: &[String],
        groups: &Groups,
    ) -> Result<Vec<ProxyCandidate>> {
        Error::check_len("feature rows", groups.len(), x.nrows())?;
        Error::check_len("feature names", x.ncols(), names.len())?;
        if let Some(((row, col), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(Error::NonFinite {
                what: format!("feature {}", names[col]),
                row,
                value: v.to_string(),
            }
            .into());
        }
        let mut out: Vec<ProxyCandidate> = (0..x.ncols())
            .into_par_iter()
            .map(|j| ProxyCandidate {
                feature: names[j].clone(),
                eta_squared: correlation_ratio(
                    x.column(j).iter().copied(),
                    groups.codes(),
                    groups.n_groups(),
                ),
            })
            .collect();
        // Strongest first, NaN (constant features) last, ties by column order (stable sort).
        out.sort_by(
            |a, b| match (a.eta_squared.is_nan(), b.eta_squared.is_nan()) {
                (false, false) => b.eta_squared.total_cmp(&a.eta_squared),
                (x, y) => x.cmp(&y),
            },
        );
        if let Some(k) = self.top_proxies {
            out.truncate(k);
        }
        Ok(out)
    }
}

impl AuditReport {
    /// Renders the audit as plain text.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        let head = name_cell(&self.columns.join(",")).into_owned();
        let w = self
            .groups
            .iter()
            .map(|g| name_cell(&g.label).chars().count())
            .chain([head.chars().count(), 7])
            .max()
            .unwrap_or(7);
        let num = |v: f64| {
            if v.is_nan() {
                "-".to_string()
            } else {
                format!("{v:.4}")
            }
        };
        let _ = writeln!(
            out,
            "{head:<w$}  {:>8}  {:>7}  {:>9}",
            "n", "share", "base rate"
        );
        for g in &self.groups {
            let flag = if g.small { "  small" } else { "" };
            let _ = writeln!(
                out,
                "{:<w$}  {:>8}  {:>7}  {:>9}{flag}",
                name_cell(&g.label),
                g.count,
                num(g.share),
                num(g.base_rate)
            );
        }
        let _ = writeln!(
            out,
            "{:<w$}  {:>8}  {:>7}  {:>9}",
            "overall",
            self.n_rows,
            num(1.0),
            num(self.base_rate)
        );
        let label = |g: Option<u32>| {
            g.map_or("-".to_string(), |g| {
                name_cell(&self.groups[g as usize].label).into_owned()
            })
        };
        let _ = writeln!(
            out,
            "\nlabel demographic parity difference {} (highest {}, lowest {})",
            num(self.label_demographic_parity_difference),
            label(self.highest_base_rate_group),
            label(self.lowest_base_rate_group)
        );
        let _ = writeln!(
            out,
            "label disparate impact (min / max base rate) {}",
            num(self.label_disparate_impact)
        );
        for warning in &self.warnings {
            let _ = writeln!(out, "warning: {warning}");
        }
        if !self.proxies.is_empty() {
            let _ = writeln!(out, "\nproxy candidates, by {PROXY_STATISTIC}:");
            for p in &self.proxies {
                let _ = writeln!(
                    out,
                    "  {:<30} {}",
                    name_cell(&p.feature),
                    num(p.eta_squared)
                );
            }
        }
        out
    }
}

impl Serialize for AuditReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let label = |g: Option<u32>| g.map(|g| self.groups[g as usize].label.as_str());
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("n_rows", &self.n_rows)?;
        map.serialize_entry("base_rate", &Num(self.base_rate))?;
        let by_group = MapOf(|| {
            self.groups.iter().map(|g| {
                (
                    g.label.as_str(),
                    GroupJson {
                        count: g.count,
                        share: Num(g.share),
                        weight: Num(g.weight),
                        weight_share: Num(g.weight_share),
                        base_rate: Num(g.base_rate),
                        small: g.small,
                    },
                )
            })
        });
        map.serialize_entry("by_group", &by_group)?;
        map.serialize_entry(
            "label_demographic_parity_difference",
            &Num(self.label_demographic_parity_difference),
        )?;
        map.serialize_entry("label_disparate_impact", &Num(self.label_disparate_impact))?;
        map.serialize_entry(
            "highest_base_rate_group",
            &label(self.highest_base_rate_group),
        )?;
        map.serialize_entry(
            "lowest_base_rate_group",
            &label(self.lowest_base_rate_group),
        )?;
        map.serialize_entry("min_group_size", &self.min_group_size)?;
        map.serialize_entry("warnings", &self.warnings)?;
        map.serialize_entry("proxy_statistic", PROXY_STATISTIC)?;
        map.serialize_entry("proxies", &self.proxies)?;
        map.end()
    }
}

#[derive(Serialize)]
struct GroupJson {
    count: u64,
    share: Num,
    weight: Num,
    weight_share: Num,
    base_rate: Num,
    small: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// A group name past the formatter's 65,535-character width renders shortened; the JSON
    /// keeps it whole.
    #[test]
    fn long_group_names_render() {
        let long = "G".repeat(70_000);
        let g = Groups::from_labels("group", &[long.as_str(), "b", &long, "b"]).unwrap();
        let y = [true, false, false, true];
        let x = Array2::from_shape_fn((4, 1), |(i, _)| i as f64);
        let names = [format!("f={long}")];
        let report = AuditParams::default()
            .compute(AuditInput::new(&y, &g).features(x.view(), &names))
            .unwrap();
        let table = report.render_table();
        assert!(table.lines().all(|l| l.chars().count() < 200));
        assert!(table.contains(&format!("{}…", "G".repeat(crate::render::NAME_WIDTH - 1))));
        let json = serde_json::to_string(&report).unwrap();
        assert!(json.contains(&format!("\"{long}\"")));
    }

    #[test]
    fn o3_label_metrics_and_proxies() {
        let (y, _, g) = crate::testutil::o1();
        // Columns: the group itself, noise unrelated to it, a constant, a partial proxy.
        let x = Array2::from_shape_fn((12, 4), |(i, j)| match j {
            0 => f64::from(u8::from(i < 6)),
            1 => [1.0, 2.0, 3.0, 1.0, 2.0, 3.0][i % 6],
            2 => 5.0,
            _ => i as f64,
        });
        let names: Vec<String> = ["group", "noise", "constant", "index"]
            .map(String::from)
            .to_vec();
        let a = AuditParams {
            min_group_size: 7,
            top_proxies: None,
        }
        .compute(AuditInput::new(&y, &g).features(x.view(), &names))
        .unwrap();
        assert_eq!(a.groups[0].base_rate, 0.5);
        assert_eq!(a.groups[1].base_rate, 1.0 / 3.0);
        assert_eq!(a.groups[0].share, 0.5);
        assert!((a.label_demographic_parity_difference - 1.0 / 6.0).abs() < 1e-15);
        assert_eq!(a.label_disparate_impact, 2.0 / 3.0);
        assert_eq!(a.highest_base_rate_group, Some(0));
        assert!(a.groups[0].small);
        assert_eq!(a.warnings.len(), 2);
        let order: Vec<&str> = a.proxies.iter().map(|p| p.feature.as_str()).collect();
        assert_eq!(order, ["group", "index", "noise", "constant"]);
        assert_eq!(a.proxies[0].eta_squared, 1.0);
        // index: group means 2.5 and 8.5 around 5.5; SS_between 108, SS_total 143.
        assert!((a.proxies[1].eta_squared - 108.0 / 143.0).abs() < 1e-15);
        assert_eq!(a.proxies[2].eta_squared, 0.0);
        assert!(a.proxies[3].eta_squared.is_nan());
        let text = a.render_table();
        assert!(
            text.contains("label disparate impact (min / max base rate) 0.6667"),
            "{text}"
        );
    }

    #[test]
    fn bad_input() {
        let g = Groups::from_labels("g", &["a", "b"]).unwrap();
        assert!(
            AuditParams::default()
                .compute(AuditInput::new(&[true], &g))
                .is_err()
        );
        let x = Array2::from_elem((2, 2), 1.0);
        let names = vec!["x".to_string()];
        let r = AuditParams::default()
            .compute(AuditInput::new(&[true, false], &g).features(x.view(), &names));
        assert!(r.is_err());
    }
}
