//! `fairkit assess --score COL`: the score metrics by group agree with scikit-learn (the
//! reference data of `crates/metrics/tests/data/score_metrics`, and the COMPAS test
//! predictions of the shared folder), in JSON, CSV and the table, with bootstrap intervals;
//! bad scores are refused with the file, line and column.

use std::path::{Path, PathBuf};

use fairkit_testkit::shared;
use serde_json::Value;

use crate::util::{assert_bad_input, json, read_csv, run, stdout, write_file};

const METRICS: [&str; 5] = ["roc_auc", "average_precision", "brier", "log_loss", "ece"];

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/metrics/tests/data/score_metrics")
}

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(reference_dir().join("expected.json")).unwrap())
        .unwrap()
}

/// The synthetic reference rows with a predicted label (score ≥ 0.5) added, in `dir`.
fn synthetic_with_pred(dir: &Path) -> String {
    let text = std::fs::read_to_string(reference_dir().join("synthetic.csv")).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push_str(&format!("{line},pred\n"));
        } else {
            let score: f64 = line.split(',').nth(1).unwrap().parse().unwrap();
            out.push_str(&format!("{line},{}\n", u8::from(score >= 0.5)));
        }
    }
    write_file(dir, "synthetic.csv", out.as_bytes())
}

fn assess_json(args: &[&str]) -> Value {
    let mut all = vec!["assess", "--format", "json"];
    all.extend_from_slice(args);
    json(&run(&all))
}

#[track_caller]
fn close(what: &str, got: &Value, want: &Value) {
    match (got.as_f64(), want.as_f64()) {
        (Some(g), Some(w)) => assert!((g - w).abs() <= 1e-12, "{what}: {g} vs {w}"),
        _ => assert!(got.is_null() && want.is_null(), "{what}: {got} vs {want}"),
    }
}

/// `scores` of an assessment against one case of expected.json (`kind`: `unweighted` or
/// `weighted`); returns the number of values compared.
fn check(scores: &Value, case: &Value, kind: &str) -> usize {
    let mut n = 0;
    let value = |b: &Value, m: &str| {
        let v = &b[kind][m];
        v.get("value").cloned().unwrap_or_else(|| v.clone())
    };
    for m in METRICS {
        close(m, &scores["overall"][m], &value(&case["overall"], m));
        n += 1;
        for (g, block) in case["by_group"].as_object().unwrap() {
            close(
                &format!("{g} {m}"),
                &scores["by_group"][g][m],
                &value(block, m),
            );
            n += 1;
        }
        let between = &case["between_groups"][kind][m];
        let agg = &scores["aggregates"][m];
        close(
            &format!("{m} difference"),
            &agg["difference"],
            &between["difference"],
        );
        close(&format!("{m} ratio"), &agg["ratio"], &between["ratio"]);
        close(&format!("{m} min"), &agg["group_min"], &between["min"]);
        close(&format!("{m} max"), &agg["group_max"], &between["max"]);
        n += 4;
    }
    let curve = if kind == "weighted" {
        &case["overall"]["weighted"]["calibration_uniform_weighted"]
    } else {
        &case["overall"]["unweighted"]["calibration_uniform"]
    };
    let got = &scores["calibration"]["overall"]["uniform"];
    assert_eq!(got["bins"], curve["bins"]);
    for key in ["prob_true", "prob_pred"] {
        for (k, (a, b)) in got[key]
            .as_array()
            .unwrap()
            .iter()
            .zip(curve[key].as_array().unwrap())
            .enumerate()
        {
            close(&format!("calibration {key}[{k}]"), a, b);
            n += 1;
        }
    }
    n
}

#[test]
fn score_metrics_agree_with_scikit_learn() {
    let dir = tempfile::tempdir().unwrap();
    let data = synthetic_with_pred(dir.path());
    let want = expected();
    let case = &want["cases"]["synthetic"];
    let base = [
        "--data",
        data.as_str(),
        "--label",
        "label",
        "--pred",
        "pred",
        "--sensitive",
        "group",
        "--score",
        "score",
    ];
    let r = assess_json(&base);
    assert_eq!(r["input"]["score"], "score");
    assert_eq!(r["scores"]["weighted"], false);
    assert_eq!(r["scores"]["sizes"]["by_group"]["c"]["positives"], 35);
    // Group c has label 1 only: its AUC is undefined (null) and skipped by the aggregates.
    assert!(r["scores"]["by_group"]["c"]["roc_auc"].is_null());
    assert!(check(&r["scores"], case, "unweighted") >= 60);
    let mut weighted = base.to_vec();
    weighted.extend(["--weights", "weight"]);
    let r = assess_json(&weighted);
    assert_eq!(r["scores"]["weighted"], true);
    assert!(check(&r["scores"], case, "weighted") >= 60);
}

#[test]
fn compas_scores_agree_with_scikit_learn() {
    let Some(path) = shared("reference/expected/compas_test_predictions.csv") else {
        return;
    };
    let want = expected();
    for (name, score, pred) in [
        ("compas_lr", "lr_proba", "lr_pred"),
        ("compas_dt", "dt_proba", "dt_pred"),
    ] {
        let r = assess_json(&[
            "--data",
            path.to_str().unwrap(),
            "--label",
            "label",
            "--pred",
            pred,
            "--sensitive",
            "sensitive",
            "--score",
            score,
        ]);
        assert!(
            check(&r["scores"], &want["cases"][name], "unweighted") > 40,
            "{name}"
        );
    }
}

#[test]
fn score_table_csv_and_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let data = synthetic_with_pred(dir.path());
    let args = |format: &'static str| {
        vec![
            "assess".to_string(),
            "--data".into(),
            data.clone(),
            "--label".into(),
            "label".into(),
            "--pred".into(),
            "pred".into(),
            "--sensitive".into(),
            "group".into(),
            "--score".into(),
            "score".into(),
            "--format".into(),
            format.into(),
        ]
    };
    let strs = |v: &[String]| {
        v.iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\u{0}")
    };
    let go = |v: Vec<String>| {
        let joined = strs(&v);
        run(&joined.split('\u{0}').collect::<Vec<_>>())
    };
    // Table: the score block with its rows.
    let table = stdout(&go(args("table")));
    assert!(
        table.contains("score metrics (unweighted; ECE over 10 uniform bins)"),
        "{table}"
    );
    let block = &table[table.find("score metrics").unwrap()..];
    let row = |name: &str| {
        block
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")) && l.contains("0.8"))
            .unwrap_or_else(|| panic!("no {name} row: {table}"))
            .to_string()
    };
    assert!(row("a").contains("0.8895"), "{}", row("a"));
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("c ") && l.contains("  -  ")),
        "{table}"
    );
    assert!(table.contains("calibration: fraction of positives"));
    // CSV: five more columns on the whole data's rows.
    let out = dir.path().join("out.csv");
    let mut csv_args = args("csv");
    csv_args.extend(["--out".to_string(), out.to_str().unwrap().to_string()]);
    assert!(go(csv_args).status.success());
    let (header, rows) = read_csv(&out);
    assert_eq!(&header[header.len() - 5..], METRICS.map(String::from));
    let at = |group: &str, m: &str| {
        let j = header.iter().position(|h| h == m).unwrap();
        rows.iter().find(|r| r[0] == group).unwrap()[j].clone()
    };
    assert_eq!(at("c", "roc_auc"), "");
    assert_eq!(
        at("overall", "roc_auc").parse::<f64>().unwrap(),
        0.9034598214285714
    );
    // Bootstrap: intervals of every score value, the same for the same seed.
    let mut boot = args("json");
    boot.extend(["--bootstrap", "60", "--seed", "4"].map(String::from));
    let a = json(&go(boot.clone()));
    assert_eq!(a, json(&go(boot)));
    let iv = &a["scores"]["intervals"];
    assert_eq!(iv["n_boot"], 60);
    let auc = iv["overall"]["roc_auc"].as_array().unwrap();
    assert!(auc[0].as_f64().unwrap() <= 0.9035 && 0.9035 <= auc[1].as_f64().unwrap());
    assert_eq!(
        iv["aggregates"]["brier"]["difference"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Without --score nothing changes: no `scores` key.
    let plain = json(&run(&[
        "assess",
        "--data",
        &data,
        "--label",
        "label",
        "--pred",
        "pred",
        "--sensitive",
        "group",
        "--format",
        "json",
    ]));
    assert!(plain.get("scores").is_none() && plain["input"].get("score").is_none());
}

#[test]
fn bad_scores_are_refused_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str]); 4] = [
        (
            "y,p,g,s\n1,1,a,0.9\n0,0,b,1.5\n1,0,b,0.2\n0,1,a,0.3\n",
            &["line 3", "'s'", "'1.5'", "[0, 1]"],
        ),
        (
            "y,p,g,s\n1,1,a,0.9\n0,0,b,high\n1,0,b,0.2\n0,1,a,0.3\n",
            &["line 3", "'s'", "'high'"],
        ),
        (
            "y,p,g,s\n1,1,a,0.9\n0,0,b,\n1,0,b,0.2\n0,1,a,0.3\n",
            &["line 3", "'s'"],
        ),
        (
            "y,p,g,s\n1,1,a,0.9\n0,0,b,nan\n1,0,b,0.2\n0,1,a,0.3\n",
            &["line 3", "'s'", "'nan'"],
        ),
    ];
    for (i, (text, needles)) in cases.iter().enumerate() {
        let data = write_file(dir.path(), &format!("bad{i}.csv"), text.as_bytes());
        let out_file = dir.path().join(format!("out{i}.json"));
        let out = run(&[
            "assess",
            "--data",
            &data,
            "--label",
            "y",
            "--pred",
            "p",
            "--sensitive",
            "g",
            "--score",
            "s",
            "--format",
            "json",
            "--out",
            out_file.to_str().unwrap(),
        ]);
        let mut all = vec![data.as_str()];
        all.extend_from_slice(needles);
        assert_bad_input(&out, &all);
        assert!(!out_file.exists(), "an output was left behind");
    }
    let data = write_file(dir.path(), "ok.csv", b"y,p,g,s\n1,1,a,0.9\n0,0,b,0.1\n");
    let out = run(&[
        "assess",
        "--data",
        &data,
        "--label",
        "y",
        "--pred",
        "p",
        "--sensitive",
        "g",
        "--score",
        "prob",
    ]);
    assert_bad_input(&out, &["missing column 'prob'"]);
}
