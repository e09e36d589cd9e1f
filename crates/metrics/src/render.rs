//! Plain-text rendering of a [`GroupedReport`]: groups as rows, metrics as columns, the
//! disparities below, flagged past the usual thresholds.

use std::borrow::Cow;
use std::fmt::Write;

use fairkit_core::text::ellipsize;

use crate::disparity::{Disparity, RuleStatus};
use crate::report::{GroupSize, GroupedReport, Section};
use crate::scores::{ScoreMetric, ScoreReport, ScoreSize};
use crate::{Aggregate, Metric};

/// A difference above this is flagged (the usual 0.1 for demographic parity).
pub const DIFFERENCE_FLAG: f64 = 0.1;
/// A ratio below this is flagged (the four-fifths threshold).
pub const RATIO_FLAG: f64 = 0.8;

/// The footnote under a table with `!` marks.
const FLAG_NOTE: &str = "\n! past the usual threshold: a difference above 0.1 or a ratio below 0.8 \
                         (for the four-fifths rule: it fails)\n";

/// The most characters of a name (a group, a column list, a feature) in a table cell; longer
/// names end with `…` (JSON keeps them whole).
pub const NAME_WIDTH: usize = 40;

/// A name as a table shows it: on one line, at most [`NAME_WIDTH`] characters. Shared by every
/// plain-text table of this crate.
pub(crate) fn name_cell(name: &str) -> Cow<'_, str> {
    ellipsize(name, NAME_WIDTH)
}

fn num(v: f64) -> String {
    if v.is_nan() {
        "-".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{v:.4}")
    }
}

fn cell(m: Metric, v: f64) -> String {
    if m == Metric::Count && v.is_finite() {
        format!("{v}")
    } else {
        num(v)
    }
}

/// Whether a disparity value is past its usual threshold.
pub fn flagged(d: Disparity, value: f64) -> bool {
    if d.is_ratio() {
        value < RATIO_FLAG
    } else {
        value > DIFFERENCE_FLAG
    }
}

impl GroupedReport {
    /// Renders the report as a plain-text table: one row per group (and overall), one column
    /// per metric, sample-size warnings, then each named disparity (with its bootstrap interval
    /// when present, and `!` when past [`DIFFERENCE_FLAG`] / [`RATIO_FLAG`]), the groups behind
    /// it, and the four-fifths outcome. With control features, the same follows for each
    /// control level.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        let iv = self.intervals().map(|i| (&i.section, i.params.quantiles()));
        self.render_section(
            &mut out,
            self.section(),
            self.overall_size(),
            self.sizes(),
            iv,
        );
        if let Some(control) = self.control() {
            for (c, level) in control.levels.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "\n== control {} = {} ==",
                    name_cell(&control.columns.join(",")),
                    name_cell(&level.label)
                );
                let iv = self
                    .intervals()
                    .map(|i| (&i.control[c], i.params.quantiles()));
                self.render_section(
                    &mut out,
                    &level.section,
                    &level.overall_size,
                    &level.sizes,
                    iv,
                );
            }
        }
        if out.lines().any(|l| l.starts_with("! ")) {
            out.push_str(FLAG_NOTE);
        }
        out
    }

    fn render_section(
        &self,
        out: &mut String,
        section: &Section<f64>,
        overall_size: &GroupSize,
        sizes: &[GroupSize],
        intervals: Option<(&Section<Vec<f64>>, &[f64])>,
    ) {
        let metrics = self.metrics();
        let group_header = name_cell(&self.columns().join(",")).into_owned();
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut header = vec![group_header];
        header.extend(metrics.iter().map(|m| m.short().to_string()));
        header.push("warnings".into());
        rows.push(header);
        for (code, label) in self.labels().iter().enumerate() {
            let mut row = vec![name_cell(label).into_owned()];
            row.extend(
                metrics
                    .iter()
                    .map(|&m| cell(m, section.by_group[code][m.index()])),
            );
            row.push(sizes[code].warnings.names().join(","));
            rows.push(row);
        }
        let mut row = vec!["overall".to_string()];
        row.extend(metrics.iter().map(|&m| cell(m, section.overall[m.index()])));
        row.push(overall_size.warnings.names().join(","));
        rows.push(row);
        let widths: Vec<usize> = (0..rows[0].len())
            .map(|j| rows.iter().map(|r| r[j].chars().count()).max().unwrap_or(0))
            .collect();
        for r in &rows {
            let mut line = String::new();
            for (j, (v, w)) in r.iter().zip(&widths).enumerate() {
                if j == 0 {
                    let _ = write!(line, "{v:<w$}");
                } else if j + 1 == r.len() {
                    let _ = write!(line, "  {v}");
                } else {
                    let _ = write!(line, "  {v:>w$}");
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        let p = self.report_params();
        let _ = writeln!(out, "\ndisparities ({})", p.method_name());
        let label = |g: Option<u32>| {
            g.map_or("-".to_string(), |g| {
                name_cell(&self.labels()[g as usize]).into_owned()
            })
        };
        for d in Disparity::ALL {
            let v = *section.disparities.get(d);
            let flag = if flagged(d, v) { "!" } else { " " };
            let ci = intervals.map_or(String::new(), |(s, q)| {
                let vals = s.disparities.get(d);
                let parts: Vec<String> = vals.iter().map(|&x| num(x)).collect();
                let qs: Vec<String> = q.iter().map(|x| format!("{x}")).collect();
                format!("  [{}] at q=[{}]", parts.join(", "), qs.join(", "))
            });
            let m = section.disparities.driving_metric(d);
            let a = &section.aggregates[m.index()];
            let _ = writeln!(
                out,
                "{flag} {:<30} {:>7}{ci}  ({} max {}, min {})",
                d.name(),
                num(v),
                m.short(),
                label(a.argmax),
                label(a.argmin),
            );
        }
        let ff = &section.disparities.four_fifths;
        let status = match ff.status {
            RuleStatus::Pass => "PASS",
            RuleStatus::Fail => "FAIL",
            RuleStatus::Inconclusive => "INCONCLUSIVE",
        };
        let ratios: Vec<String> = self
            .labels()
            .iter()
            .zip(&ff.ratios)
            .map(|(l, &r)| format!("{} {}", name_cell(l), num(r)))
            .collect();
        let small = sizes.iter().any(|s| s.warnings.small);
        let why = if ff.status != RuleStatus::Inconclusive {
            String::new()
        } else if small {
            format!(" (a group has fewer than {} rows)", ff.min_group_size)
        } else {
            " (no group is selected)".into()
        };
        let _ = writeln!(
            out,
            "{} four-fifths rule: {status}{why}; reference {}, ratio {} vs threshold {}; ratios: {}",
            if ff.status == RuleStatus::Fail {
                "!"
            } else {
                " "
            },
            label(ff.reference),
            num(ff.ratio),
            ff.threshold,
            ratios.join(", ")
        );
    }
}

impl GroupedReport {
    /// One CSV row per group and `overall` (per control level with control features, the
    /// first column `control`, empty for the whole data), one column per metric; undefined
    /// values are empty. Point values only: intervals are in the JSON.
    ///
    /// # Errors
    /// Only those of writing to memory.
    pub fn render_csv(&self) -> std::io::Result<Vec<u8>> {
        let metrics = self.metrics();
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<&str> = Vec::new();
        if self.control().is_some() {
            header.push("control");
        }
        header.push("group");
        header.extend(metrics.iter().map(|m| m.name()));
        w.write_record(&header)?;
        let cell = |v: f64| {
            if v.is_finite() {
                v.to_string()
            } else {
                String::new()
            }
        };
        let mut write_section = |control: Option<&str>, section: &Section<f64>| {
            let labels = self.labels().iter().map(String::as_str);
            let rows = labels
                .zip(section.by_group.iter())
                .chain(std::iter::once(("overall", &section.overall)));
            for (label, values) in rows {
                let mut record: Vec<String> = control.iter().map(|c| c.to_string()).collect();
                record.push(label.to_string());
                record.extend(metrics.iter().map(|m: &Metric| cell(values[m.index()])));
                w.write_record(&record)?;
            }
            Ok::<(), csv::Error>(())
        };
        match self.control() {
            None => write_section(None, self.section())?,
            Some(control) => {
                write_section(Some(""), self.section())?;
                for level in &control.levels {
                    write_section(Some(&level.label), &level.section)?;
                }
            }
        }
        w.into_inner().map_err(|e| e.into_error())
    }
}

/// Lays out rows as columns: the first left-aligned, the others right-aligned.
fn columns_text(out: &mut String, rows: &[Vec<String>]) {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|j| {
            rows.iter()
                .filter_map(|r| r.get(j))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in rows {
        let mut line = String::new();
        for (j, (v, w)) in r.iter().zip(&widths).enumerate() {
            if j == 0 {
                let _ = write!(line, "{v:<w$}");
            } else {
                let _ = write!(line, "  {v:>w$}");
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

impl ScoreReport {
    /// Renders the score metrics as plain text: one row per group (and overall) with its rows,
    /// positives and the five metrics, then the difference and ratio between groups; with
    /// bootstrap, the intervals of the same; then the fraction of positives in each uniform
    /// bin of each group's calibration curve. Undefined values are `-`.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "score metrics ({}; ECE over {} uniform bins)",
            if self.weighted() {
                "weighted"
            } else {
                "unweighted"
            },
            self.n_bins()
        );
        let section = self.section();
        let mut head = vec![name_cell(&self.columns().join(",")).into_owned()];
        head.extend(["n".to_string(), "positives".to_string()]);
        head.extend(ScoreMetric::ALL.iter().map(|m| m.short().to_string()));
        let mut rows = vec![head];
        let values = |label: &str, size: &ScoreSize, v: &[f64]| {
            let mut row = vec![
                name_cell(label).into_owned(),
                size.count.to_string(),
                size.positives.to_string(),
            ];
            row.extend(v.iter().map(|&x| num(x)));
            row
        };
        for (code, label) in self.labels().iter().enumerate() {
            rows.push(values(label, &self.sizes()[code], &section.by_group[code]));
        }
        rows.push(values("overall", self.overall_size(), &section.overall));
        let agg = |name: &str, f: &dyn Fn(&Aggregate<f64>) -> f64| {
            let mut row = vec![name.to_string(), String::new(), String::new()];
            row.extend(section.aggregates.iter().map(|a| num(f(a))));
            row
        };
        rows.push(agg("difference (max - min)", &|a| a.difference));
        rows.push(agg("ratio (min / max)", &|a| a.ratio));
        columns_text(&mut out, &rows);
        if let Some(iv) = self.intervals() {
            let qs: Vec<String> = iv
                .params
                .quantiles()
                .iter()
                .map(|q| q.to_string())
                .collect();
            let _ = writeln!(
                out,
                "\nbootstrap intervals at q=[{}] ({} resamples, seed {})",
                qs.join(", "),
                iv.params.n_boot(),
                iv.params.seed()
            );
            let cell = |v: &Vec<f64>| {
                let parts: Vec<String> = v.iter().map(|&x| num(x)).collect();
                format!("[{}]", parts.join(", "))
            };
            let mut head = vec![name_cell(&self.columns().join(",")).into_owned()];
            head.extend(ScoreMetric::ALL.iter().map(|m| m.short().to_string()));
            let mut rows = vec![head];
            let s = &iv.section;
            for (code, label) in self.labels().iter().enumerate() {
                let mut row = vec![name_cell(label).into_owned()];
                row.extend(s.by_group[code].iter().map(cell));
                rows.push(row);
            }
            let mut row = vec!["overall".to_string()];
            row.extend(s.overall.iter().map(cell));
            rows.push(row);
            let mut row = vec!["difference (max - min)".to_string()];
            row.extend(s.aggregates.iter().map(|a| cell(&a.difference)));
            rows.push(row);
            let mut row = vec!["ratio (min / max)".to_string()];
            row.extend(s.aggregates.iter().map(|a| cell(&a.ratio)));
            rows.push(row);
            columns_text(&mut out, &rows);
        }
        let _ = writeln!(
            out,
            "\ncalibration: fraction of positives in each uniform bin of scores (- : no rows)"
        );
        let edges = &self.overall_calibration().uniform.edges;
        let mut head = vec![name_cell(&self.columns().join(",")).into_owned()];
        head.extend(edges.windows(2).map(|e| format!("{:.2}-{:.2}", e[0], e[1])));
        let mut rows = vec![head];
        let curve_row = |label: &str, c: Option<&crate::scores::Calibration>| {
            let mut row = vec![name_cell(label).into_owned()];
            let mut cells = vec!["-".to_string(); self.n_bins()];
            if let Some(c) = c {
                for (b, t) in c.uniform.bins.iter().zip(&c.uniform.prob_true) {
                    cells[*b] = num(*t);
                }
            }
            row.extend(cells);
            row
        };
        for (code, label) in self.labels().iter().enumerate() {
            rows.push(curve_row(label, self.calibration(code as u32)));
        }
        rows.push(curve_row("overall", Some(self.overall_calibration())));
        columns_text(&mut out, &rows);
        out
    }

    /// The five metrics of group `code` (`None`: the whole data) as CSV cells, empty where
    /// undefined.
    pub fn csv_cells(&self, code: Option<u32>) -> Vec<String> {
        let values = match code {
            None => &self.section().overall,
            Some(g) => &self.section().by_group[g as usize],
        };
        values
            .iter()
            .map(|v| {
                if v.is_finite() {
                    v.to_string()
                } else {
                    String::new()
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::{ComputeReport, GroupedReport, ReportInput};

    /// Group names of any length render (the formatter's width limit is 65,535), shortened to
    /// [`super::NAME_WIDTH`] characters, while the report keeps them whole.
    #[test]
    fn long_names_are_shortened() {
        for len in [41, 65_535, 65_536, 200_000] {
            let long = "G".repeat(len);
            let g =
                fairkit_core::Groups::from_labels("g", &[long.as_str(), "b", &long, "b"]).unwrap();
            let y = [true, false, false, true];
            let r = GroupedReport::params()
                .compute(ReportInput::new(&y, &y, &g))
                .unwrap();
            let t = r.render_table();
            let short = format!("{}…", "G".repeat(super::NAME_WIDTH - 1));
            assert!(t.contains(&format!("\n{short}  ")), "{len}: {t}");
            assert!(t.lines().all(|l| l.chars().count() < 300), "{len}");
            assert!(r.labels().contains(&long));
        }
    }

    #[test]
    fn o1_table() {
        let (y, p, g) = crate::testutil::o1();
        let r = GroupedReport::params()
            .compute(ReportInput::new(&y, &p, &g))
            .unwrap();
        let t = r.render_table();
        let want = "\
g         n      SR     TPR     FPR     FNR     TNR     PPV     NPV     acc  bal.acc  warnings
a         6  0.5000  0.6667  0.3333  0.3333  0.6667  0.6667  0.6667  0.6667   0.6667  small
b         6  0.1667  0.5000  0.0000  0.5000  1.0000  1.0000  0.8000  0.8333   0.7500  small
overall  12  0.3333  0.6000  0.1429  0.4000  0.8571  0.7500  0.7500  0.7500   0.7286  small

disparities (between_groups)
! demographic_parity_difference   0.3333  (SR max a, min b)
! demographic_parity_ratio        0.3333  (SR max a, min b)
! equalized_odds_difference       0.3333  (FPR max a, min b)
! equalized_odds_ratio            0.0000  (FPR max a, min b)
! equal_opportunity_difference    0.1667  (TPR max a, min b)
! equal_opportunity_ratio         0.7500  (TPR max a, min b)
! predictive_parity_difference    0.3333  (PPV max b, min a)
! predictive_parity_ratio         0.6667  (PPV max b, min a)
! error_rate_difference           0.1667  (err max a, min b)
! error_rate_ratio                0.5000  (err max a, min b)
  four-fifths rule: INCONCLUSIVE (a group has fewer than 30 rows); reference a, ratio 0.3333 \
vs threshold 0.8; ratios: a 1.0000, b 0.3333

! past the usual threshold: a difference above 0.1 or a ratio below 0.8 (for the four-fifths \
rule: it fails)
";
        assert_eq!(t, want);
    }
}
