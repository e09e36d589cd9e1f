//! `report.html`: one self-contained page (inline SVG and CSS, no script, font or image from
//! the network) for people to open in a browser, from a [`Comparison`] (`fairkit compare`), an
//! [`Assessment`] (`fairkit assess --html`) or a [`GateReport`] (`fairkit gate --html`).
//!
//! Every chart comes with a short plain-language "how to read this". The trade-off chart is
//! the comparison's own `tradeoff.svg`; the calibration curves are figures of the same plot
//! model ([`crate::plot`]); only the per-group bars are drawn here ([`page::bar_chart`]).
//! Every user string (column, group and method names) is escaped. The bytes depend only on
//! the input: the same comparison gives the same page.
//!
//! Growth points: when result rows carry a knob value, the trade-off chart becomes one curve
//! per method through its knob values (the plot model's joined series); when a run covers
//! several datasets, [`comparison`] is called once per dataset's rows and a summary section
//! is added. See docs/report.md.

pub mod cards;
pub mod page;

use fairkit_gate::{GateReport, Status};
use fairkit_metrics::assessment::Assessment;
use fairkit_metrics::scores::{ScoreMetric, ScoreReport};
use fairkit_metrics::{Disparity, GroupedReport};

use crate::compare::Comparison;
use crate::evaluate::GroupRates;
use crate::multi::MultiComparison;
use crate::plot::{Figure, Guide, Panel, Point, Series, Style, render_svg};
use crate::resume::{CurvePoints, RowScores};
use crate::summary::mean_std;
use cards::card;
use page::{Page, bar_chart, num, pm};

/// How to read the trade-off chart.
const HOW_TRADEOFF: &str = "Each method is one point: further left is fairer (a smaller gap \
    between groups), higher is more accurate. Bars show how much the point moves from one \
    random split to another. Filled points are on the Pareto front: no other method is both \
    fairer and more accurate. A method far below the baseline bought fairness with accuracy; \
    one to the right of the baseline made the gap worse.";

/// How to read a per-group bar chart of one rate, by method.
fn how_bars(rate: &str, meaning: &str) -> String {
    format!(
        "One row of bars per method, one bar per group: the {rate} ({meaning}). Bars of equal \
         length within a row mean the method treats the groups alike on this rate; the longer \
         the difference, the larger the gap. Values are means over seeds, in expectation over \
         randomized methods."
    )
}

const HOW_GROUP_BARS: &str = "One row of bars per rate, one bar per group. Selection rate: \
    share of rows predicted positive (demographic parity compares these). TPR: share of \
    truly positive rows predicted positive (equal opportunity compares these). FPR: share of \
    truly negative rows predicted positive (equalized odds compares TPR and FPR). Bars of \
    equal length mean the groups are treated alike on that rate.";

const HOW_CALIBRATION: &str = "Rows are binned by their score (10 equal-width bins); each \
    point is one bin: its mean score (across) against the share of its rows that are truly \
    positive (up). On the dashed diagonal a score of 0.7 means a 70% chance. A group's curve \
    below the diagonal means the scores overstate its chances; above, they understate them. \
    Curves of different groups apart from each other mean the same score means different \
    things for different groups.";

/// The score metric columns of the score tables.
const SCORE_HEADERS: [&str; 5] = [
    "ROC AUC",
    "average precision",
    "Brier score",
    "log loss",
    "ECE",
];

/// Renders `report.html` of a comparison.
///
/// # Errors
/// A chart that cannot be drawn (no method with a finite accuracy and disparity).
pub fn comparison(c: &Comparison) -> Result<String, String> {
    let config = &c.config;
    let mut page = Page::new(
        &format!("fairkit comparison on {}", c.dataset),
        &format!(
            "fairkit {}: {} method(s) x {} seed(s); metrics on the test split, in expectation \
             over each method's randomization, mean ± standard deviation over seeds.",
            c.fairkit_version,
            config.methods.len(),
            config.seeds.len()
        ),
    );
    configuration(&mut page, config, vec!["dataset".into(), c.dataset.clone()]);
    dataset_sections(&mut page, c, &Place::default())?;
    method_cards(&mut page, config);
    Ok(page.finish())
}

/// Where a dataset's sections go: their ids get `suffix`, their headings `on`; both empty on a
/// one-dataset page.
#[derive(Default)]
struct Place {
    suffix: String,
    on: String,
}

impl Place {
    fn id(&self, base: &str) -> String {
        format!("{base}{}", self.suffix)
    }
    fn heading(&self, heading: &str) -> String {
        format!("{heading}{}", self.on)
    }
}

/// The configuration section: `first` (the dataset or datasets), then the run's settings and
/// its resolved experiment file.
fn configuration(page: &mut Page, config: &crate::compare::CompareConfig, first: Vec<String>) {
    let axis = config.disparity.key().replace('_', " ");
    page.section("configuration", "Configuration");
    let split = if config.split.fixed {
        "fixed split"
    } else {
        "a new split per seed"
    };
    let rows = vec![
        first,
        vec!["estimator".into(), config.estimator.to_string()],
        vec!["seeds".into(), format!("{:?}", config.seeds)],
        vec![
            "test share".into(),
            format!("{} ({split})", config.split.test_size),
        ],
        vec!["disparity axis".into(), axis],
        vec![
            "methods".into(),
            config
                .methods
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ],
    ];
    page.table("table-config", "The run", &["setting", "value"], &rows);
    if let Ok(toml) = config.to_toml() {
        page.folded(
            "experiment.toml: the resolved configuration (fairkit compare --config runs it again)",
            &toml,
        );
    }
}

/// One dataset's sections: the summary table, the trade-off chart, the rates by group (table
/// and bars) and the score metrics with the calibration curves.
fn dataset_sections(page: &mut Page, c: &Comparison, at: &Place) -> Result<(), String> {
    let config = &c.config;
    page.section(&at.id("summary"), &at.heading("Summary"));
    let headers = [
        "method",
        "Pareto",
        "accuracy",
        "balanced accuracy",
        "DP difference",
        "DP ratio",
        "EO difference",
        "equal opportunity difference",
        "fit seconds",
    ];
    let rows: Vec<Vec<String>> = c
        .summary
        .iter()
        .map(|r| {
            let mut cells = vec![r.method.clone(), if r.pareto { "yes" } else { "" }.into()];
            cells.extend(r.metrics.iter().map(|&(m, s)| pm(m, s, 4)));
            cells.push(pm(r.fit_seconds.0, r.fit_seconds.1, 3));
            cells
        })
        .collect();
    page.table(
        &at.id("table-summary"),
        "Mean ± sd over seeds of each method's expected metrics",
        &headers,
        &rows,
    );
    if !c.warnings.is_empty() {
        page.list(
            "warn",
            &c.warnings
                .iter()
                .map(|w| format!("warning: {w}"))
                .collect::<Vec<_>>(),
        );
    }

    page.section(
        &at.id("tradeoff"),
        &at.heading("Accuracy against disparity"),
    );
    page.chart(&at.id("chart-tradeoff"), &c.render_svg()?, HOW_TRADEOFF);

    page.section(&at.id("groups"), &at.heading("Rates by group"));
    let groups = group_names(c);
    let means = group_means(c, &groups);
    let methods: Vec<String> = c.summary.iter().map(|r| r.method.clone()).collect();
    let mut rows = Vec::new();
    for (method, per_group) in methods.iter().zip(&means) {
        for (g, values) in groups.iter().zip(per_group) {
            let mut cells = vec![method.clone(), g.clone()];
            cells.extend(values.iter().map(|&(m, s)| pm(m, s, 4)));
            rows.push(cells);
        }
    }
    page.table(
        &at.id("table-by-group"),
        "Each group's expected rates, mean ± sd over seeds",
        &["method", "group", "selection rate", "TPR", "FPR"],
        &rows,
    );
    let charts = [
        (
            "chart-selection-rate",
            "selection rate",
            "the share of the group predicted positive",
        ),
        (
            "chart-tpr",
            "true positive rate",
            "the share of the group's truly positive rows predicted positive",
        ),
        (
            "chart-fpr",
            "false positive rate",
            "the share of the group's truly negative rows predicted positive",
        ),
    ];
    for (k, (id, rate, meaning)) in charts.iter().enumerate() {
        let values: Vec<Vec<f64>> = means
            .iter()
            .map(|per_group| per_group.iter().map(|v| v[k].0).collect())
            .collect();
        let svg = bar_chart(&format!("{rate} by group"), &methods, &groups, &values);
        page.chart(&at.id(id), &svg, &how_bars(rate, meaning));
    }

    let scored: Vec<(&str, Vec<&RowScores>)> = methods
        .iter()
        .map(|m| {
            let reports = c
                .results
                .iter()
                .filter(|r| &r.method == m)
                .filter_map(|r| r.scores.as_ref())
                .collect::<Vec<_>>();
            (m.as_str(), reports)
        })
        .filter(|(_, r)| !r.is_empty())
        .collect();
    if !scored.is_empty() {
        page.section(
            &at.id("scores"),
            &at.heading("Score metrics and calibration"),
        );
        let mut rows = Vec::new();
        for (method, reports) in &scored {
            let labels = reports[0].labels();
            let mut row = |name: &str, value: &dyn Fn(&RowScores, ScoreMetric) -> f64| {
                let mut cells = vec![method.to_string(), name.to_string()];
                for metric in ScoreMetric::ALL {
                    let (m, s) =
                        mean_std(&reports.iter().map(|r| value(r, metric)).collect::<Vec<_>>());
                    cells.push(pm(m, s, 4));
                }
                rows.push(cells);
            };
            row("overall", &|r, m| r.overall(m));
            for (code, label) in labels.iter().enumerate() {
                row(label, &|r, m| r.value(m, code));
            }
        }
        let mut headers = vec!["method", "group"];
        headers.extend(SCORE_HEADERS);
        page.table(
            &at.id("table-scores"),
            "Score metrics of the methods whose scores are probabilities, mean ± sd over seeds",
            &headers,
            &rows,
        );
        // The first seed's curves, as its row records them.
        let panels: Vec<Panel> = scored
            .iter()
            .map(|(method, reports)| {
                let r = reports[0];
                calibration_panel(Some(method), &r.labels(), &|l| r.calibration(l))
            })
            .collect();
        let figure = Figure {
            title: format!(
                "calibration by group (seed {})",
                config.seeds.first().copied().unwrap_or_default()
            ),
            panels,
            notes: vec!["dashed: perfectly calibrated".into()],
        };
        if let Ok(svg) = render_svg(&figure) {
            page.chart(&at.id("chart-calibration"), &svg, HOW_CALIBRATION);
        }
    }
    Ok(())
}

/// The method cards: one per method of the configuration.
fn method_cards(page: &mut Page, config: &crate::compare::CompareConfig) {
    page.section("methods", "The methods");
    page.cards(true);
    for entry in &config.methods {
        let method = entry.spec.method();
        let family = method.family();
        let mut items: Vec<(&str, String)> = Vec::new();
        if let Some(card) = card(family) {
            items.push(("method", format!("{} ({family})", card.title)));
            items.push(("paper", card.paper.unwrap_or("-").into()));
            items.push(("acts", stage(card.stage).into()));
            items.push(("optimizes", card.optimizes.into()));
        } else {
            items.push(("method", family.into()));
        }
        items.push((
            "randomized",
            if method.is_randomized() {
                "yes: its predictions are drawn at random; the tables use their expectation"
            } else {
                "no: the same input always gets the same prediction"
            }
            .into(),
        ));
        if let Ok(json) = serde_json::to_string(entry) {
            items.push(("settings", json));
        }
        page.card(&entry.name, &items);
    }
    page.cards(false);
}

/// How to read the cross-dataset table.
const HOW_CROSS: &str = "One row per dataset and method, measured against the baseline on \
    the same dataset. Accuracy loss: how much accuracy the method gives up (negative: it \
    gains). Disparity reduction: how much smaller the gap between groups is (negative: the \
    gap grew). Ranks compare the methods on one dataset (1 is the most accurate, or the \
    fairest). The sd columns are the spread over random splits: a method whose sd is as large \
    as its reduction is not reliably fairer. After Friedler et al. (2019).";

/// How to read the small multiples.
const HOW_SMALL_MULTIPLES: &str = "One panel per dataset, each drawn like the trade-off \
    chart: further left is fairer, higher is more accurate. A method keeps its colour and \
    marker in every panel, so its place can be followed from one dataset to the next: a \
    method that is fair and accurate on one dataset need not be on another.";

/// Renders `report.html` of a multi-dataset comparison: the configuration, the cross-dataset
/// summary (per dataset and method, and means over datasets), the small multiples, then each
/// dataset's sections as a one-dataset page has them, and the method cards.
///
/// # Errors
/// A chart that cannot be drawn.
pub fn multi(m: &MultiComparison) -> Result<String, String> {
    let config = &m.config;
    let names = m.dataset_names();
    let mut page = Page::new(
        &format!(
            "fairkit comparison on {} datasets: {}",
            names.len(),
            names.join(", ")
        ),
        &format!(
            "fairkit {}: {} method(s) x {} seed(s) on each dataset; metrics on the test split, \
             in expectation over each method's randomization, mean ± standard deviation over \
             seeds.",
            env!("CARGO_PKG_VERSION"),
            config.methods.len(),
            config.seeds.len()
        ),
    );
    configuration(&mut page, config, vec!["datasets".into(), names.join(", ")]);

    page.section("across", "Across datasets");
    let disparity = config.disparity.key().replace('_', " ");
    let mut intro = format!(
        "Against {} on each dataset, on the means over seeds: accuracy loss = baseline \
         accuracy - method accuracy; disparity reduction = baseline {disparity} - method \
         {disparity}; ranks by mean accuracy (1 highest) and by mean {disparity} (1 lowest); \
         sd = standard deviation over splits (seeds).",
        m.baseline
    );
    if config.sweeps() {
        intro.push_str(
            " This run sweeps the methods' knobs: each method enters this summary at its \
             default operating point (the knob value a run without --sweep uses), not as an \
             average over its grid; a method whose default is not among its swept values \
             (grid search, the threshold optimizer's exact solve) shows -.",
        );
    }
    page.para(&intro);
    let f = |v: f64| num(v, 4);
    let rows: Vec<Vec<String>> = m
        .cross
        .iter()
        .map(|r| {
            vec![
                r.dataset.clone(),
                r.method.clone(),
                f(r.accuracy_loss),
                f(r.disparity_reduction),
                f(r.accuracy_sd),
                f(r.disparity_sd),
                crate::multi::rank_text(r.accuracy_rank),
                crate::multi::rank_text(r.disparity_rank),
            ]
        })
        .collect();
    page.table(
        "table-cross",
        "Each method on each dataset, against the baseline",
        &[
            "dataset",
            "method",
            "accuracy loss",
            "disparity reduction",
            "accuracy sd",
            "disparity sd",
            "accuracy rank",
            "disparity rank",
        ],
        &rows,
    );
    let rows: Vec<Vec<String>> = m
        .by_method()
        .into_iter()
        .map(|(method, loss, red, ar, dr)| vec![method, f(loss), f(red), num(ar, 2), num(dr, 2)])
        .collect();
    page.table(
        "table-cross-means",
        "Means over datasets",
        &[
            "method",
            "accuracy loss",
            "disparity reduction",
            "accuracy rank",
            "disparity rank",
        ],
        &rows,
    );
    page.para(HOW_CROSS);
    let small = render_svg(&m.figure()).map_err(|e| e.to_string())?;
    page.chart("chart-small-multiples", &small, HOW_SMALL_MULTIPLES);

    for run in &m.runs {
        let part = crate::multi::file_part(&run.dataset);
        page.section(
            &format!("dataset-{part}"),
            &format!("Dataset {}", run.dataset),
        );
        let at = Place {
            suffix: format!("-{part}"),
            on: format!(" ({})", run.dataset),
        };
        dataset_sections(&mut page, run, &at)?;
    }
    method_cards(&mut page, config);
    Ok(page.finish())
}

/// The stage of a card in words.
fn stage(stage: &str) -> &'static str {
    match stage {
        "pre" => "before training, on the data",
        "in" => "during training",
        "post" => "after training, on the predictions",
        _ => "nowhere: no mitigation",
    }
}

/// The groups of the comparison's rows, in order of first appearance.
fn group_names(c: &Comparison) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for g in c.results.iter().flat_map(|r| &r.by_group) {
        if !groups.contains(&g.group) {
            groups.push(g.group.clone());
        }
    }
    groups
}

/// For each summary method, for each group, the (mean, sd) over seeds of each rate of
/// [`GroupRates::METRICS`] (NaN where the group never appears).
fn group_means(c: &Comparison, groups: &[String]) -> Vec<Vec<[(f64, f64); 3]>> {
    c.summary
        .iter()
        .map(|s| {
            groups
                .iter()
                .map(|g| {
                    let rates: Vec<[f64; 3]> = c
                        .results
                        .iter()
                        .filter(|r| r.method == s.method)
                        .flat_map(|r| r.by_group.iter().filter(|x| &x.group == g))
                        .map(GroupRates::values)
                        .collect();
                    std::array::from_fn(|k| {
                        mean_std(&rates.iter().map(|v| v[k]).collect::<Vec<_>>())
                    })
                })
                .collect()
        })
        .collect()
}

/// One panel of calibration curves: a joined series per group of `labels` (`curve(label)`:
/// each uniform bin's mean score and share truly positive) and the diagonal.
fn calibration_panel(
    title: Option<&str>,
    labels: &[String],
    curve: &dyn Fn(&str) -> Option<CurvePoints>,
) -> Panel {
    let series = labels
        .iter()
        .enumerate()
        .filter_map(|(code, label)| {
            let (pred, truth) = curve(label)?;
            Some(Series {
                name: label.clone(),
                style: Style::nth(code),
                points: pred
                    .iter()
                    .zip(&truth)
                    .map(|(&x, &y)| Point::new(x, y))
                    .collect(),
                joined: true,
            })
        })
        .collect();
    Panel {
        title: title.map(str::to_string),
        x_label: "mean score in the bin".into(),
        y_label: "share truly positive".into(),
        series,
        guides: vec![Guide {
            name: "perfectly calibrated".into(),
            points: vec![(0.0, 0.0), (1.0, 1.0)],
        }],
    }
}

/// The uniform-bin calibration curve of group `label` of `report`.
fn report_curve(report: &ScoreReport, label: &str) -> Option<CurvePoints> {
    let code = report.labels().iter().position(|l| l == label)?;
    let c = &report.calibration(code as u32)?.uniform;
    Some((c.prob_pred.clone(), c.prob_true.clone()))
}

/// The score section of a one-model page: table and calibration chart.
fn score_section(page: &mut Page, scores: &ScoreReport) {
    page.section("scores", "Score metrics and calibration");
    let mut rows = vec![{
        let mut cells = vec!["overall".to_string()];
        cells.extend(ScoreMetric::ALL.iter().map(|&m| num(scores.overall(m), 4)));
        cells
    }];
    for (code, label) in scores.labels().iter().enumerate() {
        let mut cells = vec![label.clone()];
        cells.extend(
            ScoreMetric::ALL
                .iter()
                .map(|&m| num(scores.value(m, code as u32), 4)),
        );
        rows.push(cells);
    }
    let mut headers = vec!["group"];
    headers.extend(SCORE_HEADERS);
    page.table("table-scores", "Score metrics by group", &headers, &rows);
    let figure = Figure {
        title: "calibration by group".into(),
        panels: vec![calibration_panel(None, scores.labels(), &|l| {
            report_curve(scores, l)
        })],
        notes: vec!["dashed: perfectly calibrated".into()],
    };
    if let Ok(svg) = render_svg(&figure) {
        page.chart("chart-calibration", &svg, HOW_CALIBRATION);
    }
}

/// The per-group bars of one model: one row per rate, one bar per group.
fn group_bars(page: &mut Page, groups: &[String], values: &[[f64; 3]]) {
    let categories: Vec<String> = ["selection rate", "TPR", "FPR"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let by_rate: Vec<Vec<f64>> = (0..3)
        .map(|k| values.iter().map(|v| v[k]).collect())
        .collect();
    let svg = bar_chart("rates by group", &categories, groups, &by_rate);
    page.chart("chart-rates", &svg, HOW_GROUP_BARS);
}

/// Renders the page of `fairkit assess --html`.
pub fn assessment(a: &Assessment) -> String {
    let input = &a.input;
    let mut page = Page::new(
        &format!("fairkit assessment of {}", input.file),
        &format!(
            "{} rows; label {}, prediction {}, sensitive {}.",
            input.rows,
            input.label,
            input.prediction,
            input.sensitive.join(", ")
        ),
    );
    page.section("configuration", "Input");
    let mut rows = vec![
        vec!["file".into(), input.file.clone()],
        vec!["rows".into(), input.rows.to_string()],
        vec!["label column".into(), input.label.clone()],
        vec!["prediction column".into(), input.prediction.clone()],
        vec!["favourable label".into(), input.positive_label.clone()],
        vec!["sensitive column(s)".into(), input.sensitive.join(", ")],
    ];
    if let Some(w) = &input.weights {
        rows.push(vec!["weights column".into(), w.clone()]);
    }
    if let Some(s) = &input.score {
        rows.push(vec!["score column".into(), s.clone()]);
    }
    page.table(
        "table-config",
        "What was read",
        &["setting", "value"],
        &rows,
    );
    report_sections(&mut page, &a.report);
    if let Some(scores) = &a.scores {
        score_section(&mut page, scores);
    }
    page.finish()
}

/// The tables and bars of a grouped report.
fn report_sections(page: &mut Page, report: &GroupedReport) {
    page.section("groups", "Rates by group");
    let metrics = report.metrics();
    let mut headers = vec!["group"];
    headers.extend(metrics.iter().map(|m| m.name()));
    let mut rows = vec![{
        let mut cells = vec!["overall".to_string()];
        cells.extend(metrics.iter().map(|&m| num(report.overall(m), 4)));
        cells
    }];
    for (code, label) in report.labels().iter().enumerate() {
        let mut cells = vec![label.clone()];
        cells.extend(
            metrics
                .iter()
                .map(|&m| num(report.value(m, code as u32), 4)),
        );
        rows.push(cells);
    }
    page.table("table-by-group", "Each group's rates", &headers, &rows);
    let values: Vec<[f64; 3]> = GroupRates::of(report)
        .iter()
        .map(GroupRates::values)
        .collect();
    group_bars(page, report.labels(), &values);
    page.section("disparities", "Disparities");
    let rows: Vec<Vec<String>> = Disparity::ALL
        .iter()
        .map(|&d| vec![d.name().to_string(), num(report.disparity(d), 4)])
        .collect();
    page.table(
        "table-disparities",
        "Differences (0 is parity) and ratios (1 is parity) between groups",
        &["disparity", "value"],
        &rows,
    );
}

/// Renders the page of `fairkit gate --html`.
pub fn gate(r: &GateReport) -> String {
    let mut page = Page::new(
        "fairkit gate decision",
        &format!("{} row(s) in {} group(s).", r.overall.count, r.groups.len()),
    );
    page.section("decision", "Decision");
    let class = match r.status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        _ => "inconclusive",
    };
    page.status(
        class,
        &format!("{}{}", r.status, if r.strict { " (strict)" } else { "" }),
    );
    let rows: Vec<Vec<String>> = r
        .checks
        .iter()
        .map(|c| {
            vec![
                c.check.name().to_string(),
                c.value.map_or("-".into(), |v| num(v, 4)),
                format!("{} {}", c.bound, c.threshold),
                c.interval.as_ref().map_or(String::new(), |i| {
                    format!("[{}, {}]", num(i.lower, 4), num(i.upper, 4))
                }),
                c.status.to_string(),
                c.reasons.join("; "),
            ]
        })
        .collect();
    page.table(
        "table-checks",
        "The checks",
        &["check", "value", "bound", "interval", "status", "why"],
        &rows,
    );
    page.section("groups", "Rates by group");
    let nan = |v: Option<f64>| v.unwrap_or(f64::NAN);
    let rows: Vec<Vec<String>> = std::iter::once(&r.overall)
        .chain(&r.groups)
        .map(|g| {
            vec![
                g.group.clone(),
                g.count.to_string(),
                g.positives.to_string(),
                num(nan(g.selection_rate), 4),
                num(nan(g.true_positive_rate), 4),
                num(nan(g.false_positive_rate), 4),
                num(nan(g.accuracy), 4),
            ]
        })
        .collect();
    page.table(
        "table-by-group",
        "Each group's counts and rates (first row: all rows)",
        &[
            "group",
            "rows",
            "positives",
            "selection rate",
            "TPR",
            "FPR",
            "accuracy",
        ],
        &rows,
    );
    let names: Vec<String> = r.groups.iter().map(|g| g.group.clone()).collect();
    let values: Vec<[f64; 3]> = r
        .groups
        .iter()
        .map(|g| {
            [
                nan(g.selection_rate),
                nan(g.true_positive_rate),
                nan(g.false_positive_rate),
            ]
        })
        .collect();
    group_bars(&mut page, &names, &values);
    page.finish()
}

#[cfg(test)]
mod tests;
