//! Score metrics against scikit-learn 1.9.1: every value of
//! `tests/data/score_metrics/expected.json` (made by `scripts/sklearn_score_metrics.py`, see
//! the README beside it) to 1e-12, overall and per group, unweighted and weighted, with the
//! between-group differences and ratios and both calibration curves.

use std::path::{Path, PathBuf};

use fairkit_core::Groups;
use fairkit_metrics::scores::{
    self, Binning, CalibrationCurve, ScoreInput, ScoreMetric, ScoreReport,
};
use fairkit_testkit::shared;
use serde_json::Value;

const TOL: f64 = 1e-12;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/score_metrics")
}

fn expected() -> Value {
    let text = std::fs::read_to_string(data_dir().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// One case's rows.
struct Case {
    y: Vec<bool>,
    s: Vec<f64>,
    w: Option<Vec<f64>>,
    groups: Groups,
}

fn load(path: &Path, label: &str, score: &str, group: &str, weight: Option<&str>) -> Case {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (cl, cs, cg) = (col(label), col(score), col(group));
    let cw = weight.map(col);
    let (mut y, mut s, mut w, mut g) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for rec in r.records() {
        let rec = rec.unwrap();
        y.push(match &rec[cl] {
            "1" => true,
            "0" => false,
            other => panic!("label {other}"),
        });
        s.push(rec[cs].parse::<f64>().unwrap());
        if let Some(cw) = cw {
            w.push(rec[cw].parse::<f64>().unwrap());
        }
        g.push(rec[cg].to_string());
    }
    Case {
        y,
        s,
        w: cw.map(|_| w),
        groups: Groups::from_labels(group, &g).unwrap(),
    }
}

struct Checker {
    checked: usize,
    /// The largest absolute difference seen, and where.
    max_off: f64,
    worst: String,
}

impl Checker {
    /// A number of the JSON (`null` = undefined) against ours.
    #[track_caller]
    fn num(&mut self, what: &str, got: f64, want: &Value) {
        match want.as_f64() {
            None => {
                assert!(want.is_null(), "{what}: {want}");
                assert!(
                    got.is_nan(),
                    "{what}: fairkit {got}, scikit-learn undefined"
                );
            }
            Some(want) => assert!(
                {
                    if (got - want).abs() > self.max_off {
                        self.max_off = (got - want).abs();
                        self.worst = what.to_string();
                    }
                    (got - want).abs() <= TOL
                },
                "{what}: fairkit {got}, scikit-learn {want}, off by {:e}",
                (got - want).abs()
            ),
        }
        self.checked += 1;
    }

    /// A metric object (`value`, `nan`, `warnings`) against ours.
    #[track_caller]
    fn metric(&mut self, what: &str, got: f64, want: &Value) {
        let value = want.get("value").unwrap_or(want);
        if want.get("nan").is_some() {
            assert!(value.is_null());
        }
        self.num(what, got, value);
    }

    #[track_caller]
    fn nums(&mut self, what: &str, got: &[f64], want: &Value) {
        let want = want.as_array().unwrap();
        assert_eq!(got.len(), want.len(), "{what}: {got:?} vs {want:?}");
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            self.num(&format!("{what}[{k}]"), *g, w);
        }
    }

    fn ints<T: Copy + Into<u64>>(&mut self, what: &str, got: &[T], want: &Value) {
        let want: Vec<u64> = want
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        let got: Vec<u64> = got.iter().map(|&v| v.into()).collect();
        assert_eq!(got, want, "{what}");
        self.checked += got.len();
    }

    /// scikit-learn's `calibration_curve` block (unweighted).
    fn curve(&mut self, what: &str, c: &CalibrationCurve, want: &Value) {
        self.nums(&format!("{what} edges"), &c.edges, &want["bin_edges"]);
        let bins: Vec<u64> = c.bins.iter().map(|&b| b as u64).collect();
        self.ints(&format!("{what} bins"), &bins, &want["bins"]);
        self.ints(&format!("{what} counts"), &c.counts, &want["bin_counts"]);
        self.nums(
            &format!("{what} prob_true"),
            &c.prob_true,
            &want["prob_true"],
        );
        self.nums(
            &format!("{what} prob_pred"),
            &c.prob_pred,
            &want["prob_pred"],
        );
    }

    /// The weighted uniform curve block (numpy).
    fn weighted_curve(&mut self, what: &str, c: &CalibrationCurve, want: &Value) {
        let bins: Vec<u64> = c.bins.iter().map(|&b| b as u64).collect();
        self.ints(&format!("{what} bins"), &bins, &want["bins"]);
        self.nums(&format!("{what} weight"), &c.weights, &want["bin_weight"]);
        self.nums(
            &format!("{what} prob_true"),
            &c.prob_true,
            &want["prob_true"],
        );
        self.nums(
            &format!("{what} prob_pred"),
            &c.prob_pred,
            &want["prob_pred"],
        );
    }
}

/// Checks one case: the report's values, unweighted and (when the case has weights)
/// weighted, against every block and the between-group aggregates.
fn check_case(name: &str, case: &Case, want: &Value, c: &mut Checker) {
    let unweighted = ScoreReport::params()
        .compute(ScoreInput::new(&case.y, &case.s, &case.groups))
        .unwrap();
    let weighted = case.w.as_ref().map(|w| {
        ScoreReport::params()
            .compute(ScoreInput::new(&case.y, &case.s, &case.groups).weights(w))
            .unwrap()
    });
    assert!(!unweighted.weighted());
    let labels = unweighted.labels().to_vec();
    let by_group = want["by_group"].as_object().unwrap();
    assert_eq!(
        labels,
        by_group.keys().cloned().collect::<Vec<_>>(),
        "{name}: groups"
    );
    // (block, values, calibration, size) for overall and each group.
    let mut blocks = vec![("overall".to_string(), &want["overall"], None)];
    for (code, l) in labels.iter().enumerate() {
        blocks.push((l.clone(), &by_group[l], Some(code as u32)));
    }
    for (block_name, block, code) in blocks {
        let what = |m: &str| format!("{name} {block_name} {m}");
        let value = |r: &ScoreReport, m: ScoreMetric| match code {
            None => r.overall(m),
            Some(g) => r.value(m, g),
        };
        let size = code.map_or(*unweighted.overall_size(), |g| {
            unweighted.sizes()[g as usize]
        });
        assert_eq!(
            size.count,
            block["count"].as_u64().unwrap(),
            "{}",
            what("count")
        );
        assert_eq!(size.positives, block["positives"].as_u64().unwrap());
        let un = &block["unweighted"];
        for m in ScoreMetric::ALL {
            c.metric(&what(m.name()), value(&unweighted, m), &un[m.name()]);
        }
        let calib = code.map_or(Some(unweighted.overall_calibration()), |g| {
            unweighted.calibration(g)
        });
        let calib = calib.unwrap();
        c.curve(&what("uniform"), &calib.uniform, &un["calibration_uniform"]);
        c.curve(
            &what("quantile"),
            &calib.quantile,
            &un["calibration_quantile"],
        );
        if let Some(wr) = &weighted {
            let wt = &block["weighted"];
            let size = code.map_or(*wr.overall_size(), |g| wr.sizes()[g as usize]);
            c.num(&what("weight_sum"), size.weight, &block["weight_sum"]);
            for m in ScoreMetric::ALL {
                c.metric(
                    &format!("{} weighted", what(m.name())),
                    value(wr, m),
                    &wt[m.name()],
                );
            }
            let calib = code.map_or(Some(wr.overall_calibration()), |g| wr.calibration(g));
            c.weighted_curve(
                &what("weighted uniform"),
                &calib.unwrap().uniform,
                &wt["calibration_uniform_weighted"],
            );
        }
    }
    let mut between = vec![("unweighted", &unweighted)];
    if let Some(wr) = &weighted {
        between.push(("weighted", wr));
    }
    for (kind, r) in between {
        for m in ScoreMetric::ALL {
            let want = &want["between_groups"][kind][m.name()];
            let what = format!("{name} between_groups {kind} {}", m.name());
            let a = r.aggregate(m);
            let used: Vec<&str> = labels
                .iter()
                .enumerate()
                .filter(|(g, _)| !r.value(m, *g as u32).is_nan())
                .map(|(_, l)| l.as_str())
                .collect();
            let want_used: Vec<&str> = want["groups_used"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(used, want_used, "{what}");
            c.num(&format!("{what} min"), a.group_min, &want["min"]);
            c.num(&format!("{what} max"), a.group_max, &want["max"]);
            c.num(
                &format!("{what} difference"),
                a.difference,
                &want["difference"],
            );
            c.num(&format!("{what} ratio"), a.ratio, &want["ratio"]);
        }
    }
    // The single-metric functions give the report's overall values.
    let w = case.w.as_deref();
    let report = weighted.as_ref().unwrap_or(&unweighted);
    let single = [
        (ScoreMetric::RocAuc, scores::roc_auc(&case.y, &case.s, w)),
        (
            ScoreMetric::AveragePrecision,
            scores::average_precision(&case.y, &case.s, w),
        ),
        (ScoreMetric::Brier, scores::brier_score(&case.y, &case.s, w)),
        (ScoreMetric::LogLoss, scores::log_loss(&case.y, &case.s, w)),
    ];
    for (m, v) in single {
        assert_eq!(
            v.unwrap().to_bits(),
            report.overall(m).to_bits(),
            "{name} {m:?}"
        );
    }
    let curve = scores::calibration_curve(&case.y, &case.s, w, Binning::Uniform, 10).unwrap();
    assert_eq!(&curve, &report.overall_calibration().uniform);
}

#[test]
fn synthetic_and_edge_agree_with_scikit_learn() {
    let want = expected();
    let mut c = Checker {
        checked: 0,
        max_off: 0.0,
        worst: String::new(),
    };
    for name in ["synthetic", "edge"] {
        let w = &want["cases"][name];
        let case = load(
            &data_dir().join(w["input"].as_str().unwrap()),
            "label",
            "score",
            "group",
            Some("weight"),
        );
        check_case(name, &case, w, &mut c);
    }
    // 2 cases: every block, both curves and both kinds of aggregates were compared.
    assert!(c.checked > 800, "only {} values checked", c.checked);
    eprintln!(
        "{} values checked, largest difference {:e} ({})",
        c.checked, c.max_off, c.worst
    );
}

#[test]
fn compas_scores_agree_with_scikit_learn() {
    let Some(path) = shared("reference/expected/compas_test_predictions.csv") else {
        return;
    };
    let want = expected();
    let mut c = Checker {
        checked: 0,
        max_off: 0.0,
        worst: String::new(),
    };
    for (name, column) in [("compas_lr", "lr_proba"), ("compas_dt", "dt_proba")] {
        let w = &want["cases"][name];
        assert_eq!(w["columns"]["score"], column);
        let case = load(&path, "label", column, "sensitive", None);
        check_case(name, &case, w, &mut c);
    }
    assert!(c.checked > 300, "only {} values checked", c.checked);
    eprintln!(
        "{} values checked, largest difference {:e} ({})",
        c.checked, c.max_off, c.worst
    );
}

/// The log-loss conventions recorded with the data: probabilities clipped to machine epsilon.
#[test]
fn log_loss_extremes() {
    let want = expected();
    let ext = &want["conventions"]["log_loss_extremes"];
    let one = |y: bool, s: f64| scores::log_loss(&[y], &[s], None).unwrap();
    assert_eq!(one(true, 0.0), ext["p=0,y=1"].as_f64().unwrap());
    // Python's log1p recorded it; ln(1 - eps) rounded correctly is one unit above.
    assert!((one(true, 1.0) - ext["p=1,y=1"].as_f64().unwrap()).abs() < 1e-30);
    assert_eq!(one(false, 1.0), one(true, 0.0));
}
