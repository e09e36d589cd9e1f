//! `fairkit gate`: crafted prediction files that pass, fail and are inconclusive, O14
//! (docs/test-oracles.md#o14), the interval-aware decision, config files and flags, and bad input.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::util::{run, stderr, stdout};

/// `n` rows of one group, `pos` of them with label 1; predicted 1: `tp` of the positives and
/// `fp` of the negatives.
struct Block(&'static str, usize, usize, usize, usize);

/// A CSV with columns `sex,label,pred`.
fn csv(blocks: &[Block]) -> String {
    let mut text = String::from("sex,label,pred\n");
    for &Block(group, n, pos, tp, fp) in blocks {
        for i in 0..n {
            let label = i < pos;
            let pred = if label { i < tp } else { i - pos < fp };
            text.push_str(&format!("{group},{},{}\n", label as u8, pred as u8));
        }
    }
    text
}

/// A temporary directory with files written into it.
struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::tempdir().unwrap())
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.0.path().join(name);
        std::fs::write(&path, content).unwrap();
        path.to_str().unwrap().to_string()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

/// Runs the gate on `data` (columns `sex,label,pred`) with extra flags.
fn gate(data: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "gate",
        "--data",
        data,
        "--label",
        "label",
        "--pred",
        "pred",
        "--sensitive",
        "sex",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// The JSON report of a run (`--format json` must be among its flags).
fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), stderr(out)))
}

/// A check of a JSON report by name.
fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {report}"))
}

fn value(report: &Value, name: &str) -> f64 {
    check(report, name)["value"].as_f64().unwrap()
}

fn status(report: &Value, name: &str) -> String {
    check(report, name)["status"].as_str().unwrap().to_string()
}

const FAIR: [Block; 2] = [Block("F", 200, 100, 90, 10), Block("M", 200, 100, 90, 10)];
// SR 0.6 vs 0.4, TPR 0.9 vs 0.7, FPR 0.3 vs 0.1, accuracy 0.8 in both.
const BIASED: [Block; 2] = [Block("F", 200, 100, 90, 30), Block("M", 200, 100, 70, 10)];

#[test]
fn a_fair_model_passes_with_exit_0() {
    let dir = Dir::new();
    let data = dir.file("fair.csv", &csv(&FAIR));
    let out = gate(&data, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.ends_with("gate: PASS\n"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("demographic_parity_difference")
                && l.contains("0.0000")
                && l.contains("<= 0.1000")
                && l.ends_with("PASS")),
        "{text}"
    );
    let json = report(&gate(&data, &["--format", "json"]));
    assert_eq!(json["status"], "pass");
    for (name, v) in [
        ("accuracy", 0.9),
        ("demographic_parity_difference", 0.0),
        ("equalized_odds_difference", 0.0),
        ("four_fifths", 1.0),
    ] {
        assert_eq!(
            (value(&json, name), status(&json, name)),
            (v, "pass".into())
        );
    }
    let groups = json["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["group"], "F");
    assert_eq!(groups[0]["count"], 200);
    assert_eq!(groups[0]["positives"], 100);
    assert_eq!(groups[0]["selection_rate"], 0.5);
    assert_eq!(json["overall"]["count"], 400);
}

#[test]
fn a_biased_model_fails_with_exit_1() {
    let dir = Dir::new();
    let data = dir.file("biased.csv", &csv(&BIASED));
    let out = gate(&data, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = report(&out);
    assert_eq!(json["status"], "fail");
    assert!((value(&json, "demographic_parity_difference") - 0.2).abs() < 1e-12);
    assert!((value(&json, "equalized_odds_difference") - 0.2).abs() < 1e-12);
    assert!((value(&json, "four_fifths") - 0.4 / 0.6).abs() < 1e-12);
    assert_eq!(value(&json, "accuracy"), 0.8);
    for (name, s) in [
        ("accuracy", "pass"),
        ("demographic_parity_difference", "fail"),
        ("equalized_odds_difference", "fail"),
        ("four_fifths", "fail"),
    ] {
        assert_eq!(status(&json, name), s, "{name}");
    }
    let ff = &check(&json, "four_fifths")["four_fifths"];
    assert_eq!(ff["reference"], "F");
    let out = gate(&data, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).ends_with("gate: FAIL\n"));
}

#[test]
fn a_small_group_is_inconclusive_exit_0_or_1_with_strict() {
    let dir = Dir::new();
    let small = [Block("F", 200, 100, 90, 10), Block("M", 50, 25, 22, 3)];
    let data = dir.file("small.csv", &csv(&small));
    let out = gate(&data, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = report(&out);
    assert_eq!(json["status"], "inconclusive");
    let dp = check(&json, "demographic_parity_difference");
    assert_eq!(dp["status"], "inconclusive");
    assert_eq!(
        dp["reasons"][0],
        "group M: 50 rows, below min_samples_per_group = 100"
    );
    let out = gate(&data, &["--strict"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).ends_with("gate: INCONCLUSIVE (strict: treated as a failure)\n"),
        "{}",
        stdout(&out)
    );
    // The group is big enough for a smaller minimum.
    let out = gate(&data, &["--min-group-size", "50", "--strict"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// O1's rows (docs/test-oracles.md#o1).
fn o1() -> String {
    let g = "aaaaaabbbbbb";
    let y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0];
    let p = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0];
    let mut text = String::from("sex,label,pred\n");
    for ((g, y), p) in g.chars().zip(y).zip(p) {
        text.push_str(&format!("{g},{y},{p}\n"));
    }
    text
}

#[test]
fn spec_o14_gate_with_small_minima_fails_on_dp_eo_and_four_fifths() {
    let dir = Dir::new();
    let data = dir.file("o1.csv", &o1());
    let config = dir.file(
        "gate.toml",
        "min_samples_per_group = 6\nmin_positives_per_group = 2\nmin_negatives_per_group = 2\n",
    );
    let out = gate(&data, &["--config", &config, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = report(&out);
    let third = |name| (value(&json, name) - 1.0 / 3.0).abs() < 1e-15;
    for name in [
        "demographic_parity_difference",
        "equalized_odds_difference",
        "four_fifths",
    ] {
        assert!(third(name), "{name}");
        assert_eq!(status(&json, name), "fail", "{name}");
    }
    assert_eq!(
        check(&json, "demographic_parity_difference")["threshold"],
        0.1
    );
    assert_eq!(check(&json, "four_fifths")["threshold"], 0.8);
    assert_eq!(
        (value(&json, "accuracy"), status(&json, "accuracy")),
        (0.75, "pass".into())
    );
    assert_eq!(json["status"], "fail");
    let b = &json["groups"][1];
    assert_eq!(
        (&b["group"], &b["count"], &b["positives"], &b["negatives"]),
        (
            &Value::from("b"),
            &Value::from(6),
            &Value::from(2),
            &Value::from(4)
        )
    );
    assert_eq!(b["selection_rate"], 1.0 / 6.0);
    assert_eq!(b["true_positive_rate"], 0.5);

    // The flag overrides the config's row minimum: the same verdicts.
    let loose = dir.file(
        "loose.toml",
        "min_samples_per_group = 1000\nmin_positives_per_group = 2\nmin_negatives_per_group = 2\n",
    );
    let flagged = gate(
        &data,
        &[
            "--config",
            &loose,
            "--min-group-size",
            "6",
            "--format",
            "json",
        ],
    );
    assert_eq!(flagged.stdout, out.stdout);
}

#[test]
fn spec_o14_gate_with_default_minima_is_inconclusive() {
    let dir = Dir::new();
    let data = dir.file("o1.csv", &o1());
    let out = gate(&data, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = report(&out);
    assert_eq!(json["status"], "inconclusive");
    for c in json["checks"].as_array().unwrap() {
        assert_eq!(c["status"], "inconclusive", "{c}");
    }
    assert_eq!(gate(&data, &["--strict"]).status.code(), Some(1));
}

/// Only the demographic parity check, groups of 30 rows or more.
const DP_ONLY: [&str; 7] = [
    "--eo-max",
    "off",
    "--min-accuracy",
    "off",
    "--no-four-fifths",
    "--min-group-size",
    "30",
];

#[test]
fn a_small_biased_sample_fails_plainly_but_is_inconclusive_with_confidence() {
    let dir = Dir::new();
    // 40 rows per group; selection rates 0.5 and 0.3: DP difference 0.2 > 0.1.
    let data = dir.file(
        "small.csv",
        &csv(&[Block("F", 40, 20, 16, 4), Block("M", 40, 20, 10, 2)]),
    );
    let json_dp = |extra: &[&str]| {
        let mut args = DP_ONLY.to_vec();
        args.extend_from_slice(&["--format", "json"]);
        args.extend_from_slice(extra);
        let out = gate(&data, &args);
        (out.status.code(), report(&out))
    };
    let (code, plain) = json_dp(&[]);
    assert_eq!(code, Some(1));
    assert_eq!(plain["checks"].as_array().unwrap().len(), 1);
    assert!((value(&plain, "demographic_parity_difference") - 0.2).abs() < 1e-12);
    assert_eq!(status(&plain, "demographic_parity_difference"), "fail");

    let (code, noisy) = json_dp(&["--confidence", "0.95"]);
    assert_eq!(code, Some(0));
    let dp = check(&noisy, "demographic_parity_difference");
    assert_eq!(dp["status"], "inconclusive");
    let (lo, hi) = (
        dp["interval"]["lower"].as_f64().unwrap(),
        dp["interval"]["upper"].as_f64().unwrap(),
    );
    assert!(lo < 0.1 && 0.1 < hi, "[{lo}, {hi}]");
    assert_eq!(dp["interval"]["confidence"], 0.95);
    assert!(
        dp["reasons"][0]
            .as_str()
            .unwrap()
            .contains("straddles the threshold 0.1")
    );
    assert_eq!(noisy["confidence"], 0.95);
    let (code, _) = json_dp(&["--confidence", "0.95", "--strict"]);
    assert_eq!(code, Some(1));

    // Deterministic: the same seed gives the same bytes, another seed another interval.
    let table = |extra: &[&str]| {
        let mut args = DP_ONLY.to_vec();
        args.extend_from_slice(&["--confidence", "0.95", "--n-boot", "200"]);
        args.extend_from_slice(extra);
        gate(&data, &args).stdout
    };
    assert_eq!(table(&["--seed", "7"]), table(&["--seed", "7"]));
    assert_ne!(table(&["--seed", "7"]), table(&["--seed", "8"]));
}

#[test]
fn a_config_file_sets_the_gate_and_flags_override_it() {
    let dir = Dir::new();
    let data = dir.file("biased.csv", &csv(&BIASED));
    let config = dir.file(
        "gate.toml",
        "# loose on parity, demanding on accuracy\n\
         dp_difference_max = 0.5\n\
         eo_difference_max = false\n\
         accuracy_floor = 0.95\n\
         four_fifths = false\n\
         min_samples_per_group = 10\n",
    );
    let out = gate(&data, &["--config", &config, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = report(&out);
    let names: Vec<&str> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["accuracy", "demographic_parity_difference"]);
    assert_eq!(
        check(&json, "demographic_parity_difference")["threshold"],
        0.5
    );
    assert_eq!(status(&json, "demographic_parity_difference"), "pass");
    assert_eq!(check(&json, "accuracy")["threshold"], 0.95);
    assert_eq!(status(&json, "accuracy"), "fail");

    let out = gate(
        &data,
        &[
            "--config",
            &config,
            "--dp-max",
            "0.25",
            "--eo-max",
            "0.3",
            "--min-accuracy",
            "0.5",
            "--four-fifths",
            "--format",
            "json",
        ],
    );
    let json = report(&out);
    assert_eq!(
        check(&json, "demographic_parity_difference")["threshold"],
        0.25
    );
    assert_eq!(check(&json, "equalized_odds_difference")["threshold"], 0.3);
    assert_eq!(check(&json, "accuracy")["threshold"], 0.5);
    for name in [
        "accuracy",
        "demographic_parity_difference",
        "equalized_odds_difference",
    ] {
        assert_eq!(status(&json, name), "pass", "{name}");
    }
    // --four-fifths turned the rule back on, and it fails: exit 1.
    assert_eq!(status(&json, "four_fifths"), "fail");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn string_labels_several_sensitive_columns_weights_and_out() {
    let dir = Dir::new();
    let mut text = String::from("race,sex,outcome,decision,w\n");
    for (i, (race, sex)) in [("x", "F"), ("x", "M"), ("y", "F"), ("y", "M")]
        .iter()
        .cycle()
        .take(40)
        .enumerate()
    {
        let y = if i % 3 == 0 { "yes" } else { "no" };
        let p = if i % 2 == 0 { "yes" } else { "no" };
        text.push_str(&format!("{race},{sex},{y},{p},{}\n", 1 + i % 2));
    }
    let data = dir.file("s.csv", &text);
    let out_file = dir.path("report.json");
    let out = run(&[
        "gate",
        "--data",
        &data,
        "--label",
        "outcome",
        "--pred",
        "decision",
        "--positive-label",
        "yes",
        "--sensitive",
        "race,sex",
        "--weights",
        "w",
        "--min-group-size",
        "5",
        "--format",
        "json",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert!(out.stdout.is_empty());
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    let groups: Vec<&str> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["x,F", "x,M", "y,F", "y,M"]);
    // Rows 0, 4, 8, ... (x,F) are all predicted "yes"; (x,M) none: DP difference 1.
    assert_eq!(value(&json, "demographic_parity_difference"), 1.0);
    assert_eq!(json["groups"][0]["count"], 10);
    // Weights 1 and 2 alternate, so (x,F) has weight 10 and (x,M) weight 20.
    assert_eq!(json["groups"][0]["weight"], 10.0);
    assert_eq!(json["groups"][1]["weight"], 20.0);
    // A failing gate still writes its report, and exits 1.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(dir.0.path()).unwrap().count(), 2);
}

/// Runs a gate that must fail on bad input: exit 2, a message naming `needles`, no output
/// file.
fn bad(args: &[&str], needles: &[&str]) {
    let dir = Dir::new();
    let out_file = dir.path("report.txt");
    let mut all = args.to_vec();
    all.extend_from_slice(&["--out", out_file.to_str().unwrap()]);
    let out = run(&all);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.starts_with("error: "), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "{args:?}: {needle:?} not in {err}");
    }
    assert!(!Path::new(&out_file).exists());
    assert!(out.stdout.is_empty());
}

fn gate_args<'a>(data: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "gate",
        "--data",
        data,
        "--label",
        "label",
        "--pred",
        "pred",
        "--sensitive",
        "sex",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn bad_input_exits_2_with_a_message_and_no_output_file() {
    let dir = Dir::new();
    let data = dir.file("fair.csv", &csv(&FAIR));
    // Missing column.
    let mut args = gate_args(&data, &[]);
    args[8] = "race";
    bad(
        &args,
        &["fair.csv", "missing column 'race'", "sex, label, pred"],
    );
    let mut args = gate_args(&data, &[]);
    args[6] = "score";
    bad(&args, &["missing column 'score'"]);
    // A prediction outside the label's classes, with its line.
    let text = csv(&FAIR).replacen("F,1,1\n", "F,1,1\nF,1,2\n", 1);
    let odd = dir.file("odd.csv", &text);
    bad(
        &gate_args(&odd, &[]),
        &[
            "odd.csv: line 3, row 2",
            "prediction column 'pred'",
            "value '2'",
            "('0', '1')",
        ],
    );
    // A single group.
    let one = dir.file("one.csv", &csv(&[Block("F", 200, 100, 90, 10)]));
    bad(&gate_args(&one, &[]), &["one.csv", "single group ('F')"]);
    // Unknown config key.
    let config = dir.file("gate.toml", "dp_max = 0.1\n");
    bad(
        &gate_args(&data, &["--config", &config]),
        &[
            "gate.toml: line 1, column 1: key 'dp_max': unknown key 'dp_max'",
            "dp_difference_max",
        ],
    );
    bad(
        &gate_args(&data, &["--config", "/no/such/gate.toml"]),
        &["cannot read /no/such/gate.toml"],
    );
    // Confidence outside (0, 1).
    for c in ["1.5", "0", "1"] {
        bad(
            &gate_args(&data, &["--confidence", c]),
            &["confidence", "strictly between 0 and 1"],
        );
    }
    // Thresholds out of range, a missing file, a label with one class.
    bad(
        &gate_args(&data, &["--dp-max", "2"]),
        &["invalid value for --dp-max: 2 (must lie in [0, 1])"],
    );
    bad(&gate_args("/no/such.csv", &[]), &["/no/such.csv"]);
    let text = csv(&FAIR).replace(",0,", ",1,");
    let single = dir.file("single.csv", &text);
    bad(&gate_args(&single, &[]), &["single class"]);
    let mut args = gate_args(&data, &[]);
    args[6] = "label";
    bad(&args, &["same column"]);
}

#[test]
fn usage_errors_exit_2() {
    let out = run(&["gate", "--label", "y"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--data"));
    let out = run(&[
        "gate",
        "--data",
        "x.csv",
        "--label",
        "y",
        "--pred",
        "p",
        "--sensitive",
        "s",
        "--dp-max",
        "tight",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("expected a number or `off`"));
}

#[test]
fn help_describes_the_gate() {
    let out = run(&["gate", "--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for needle in [
        "--confidence <C>",
        "--min-group-size <N>",
        "--config <FILE>",
        "Exit status: 0 pass",
        "INCONCLUSIVE when it straddles the threshold",
        "min_positives_per_group",
    ] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }
}

/// `sex,label,pred,base`: the candidate's predictions of `cand`, the baseline's of `base`
/// (blocks of the same shape, so the rows line up).
fn paired_csv(cand: &[Block], base: &[Block]) -> String {
    let (c, b) = (csv(cand), csv(base));
    c.lines()
        .zip(b.lines())
        .map(|(c, b)| {
            let last = b.rsplit(',').next().unwrap();
            let last = if last == "pred" { "base" } else { last };
            format!("{c},{last}\n")
        })
        .collect()
}

#[test]
fn a_candidate_is_compared_with_the_baseline_on_the_same_rows() {
    let dir = Dir::new();
    // Candidate as BIASED (DP 0.2, accuracy 0.8) against baseline as FAIR (DP 0, accuracy
    // 0.9), four times the rows.
    let biased = [
        Block("F", 800, 400, 360, 120),
        Block("M", 800, 400, 280, 40),
    ];
    let fair = [Block("F", 800, 400, 360, 40), Block("M", 800, 400, 360, 40)];
    let data = dir.file("paired.csv", &paired_csv(&biased, &fair));
    let flags = [
        "--baseline-pred",
        "base",
        "--confidence",
        "0.95",
        "--n-boot",
        "200",
    ];
    let out = gate(&data, &[&flags[..], &["--format", "json"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let r = report(&out);
    let cmp = |metric: &str| -> Value {
        r["comparisons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["metric"] == metric)
            .unwrap_or_else(|| panic!("no comparison {metric} in {r}"))
            .clone()
    };
    let dp = cmp("demographic_parity_difference");
    crate::util::approx(&dp["candidate"], 0.2);
    crate::util::approx(&dp["baseline"], 0.0);
    crate::util::approx(&dp["difference"], 0.2);
    assert_eq!(dp["margin"], 0.02);
    assert_eq!(dp["status"], "fail");
    assert!(dp["interval"]["lower"].as_f64().unwrap() > 0.02, "{dp}");
    let acc = cmp("accuracy");
    crate::util::approx(&acc["difference"], -0.1);
    assert_eq!(acc["bound"], "min");
    assert_eq!(acc["status"], "fail");
    assert_eq!(r["simultaneous"]["multiplicity"], "max-t");

    // The same baseline from its own file (column named as --pred), and wider margins pass.
    let base = dir.file("base.csv", &csv(&fair));
    let wide = [
        "--baseline",
        &base,
        "--confidence",
        "0.95",
        "--n-boot",
        "200",
        "--dp-margin",
        "0.5",
        "--eo-margin",
        "0.5",
        "--accuracy-margin",
        "0.3",
        "--dp-max",
        "off",
        "--eo-max",
        "off",
        "--no-four-fifths",
        "--format",
        "json",
    ];
    let out = gate(&data, &wide);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = report(&out);
    for c in r["comparisons"].as_array().unwrap() {
        assert_eq!(c["status"], "pass", "{c}");
    }

    // A baseline file whose rows are not the same rows is refused.
    let shuffled = csv(&fair).replacen("\nF,1,1\n", "\nM,1,1\n", 1);
    let other = dir.file("other.csv", &shuffled);
    bad(
        &gate_args(&data, &["--baseline", &other]),
        &[
            "other.csv",
            "line 2",
            "'sex'",
            "same rows in the same order",
        ],
    );
    let short = dir.file("short.csv", "sex,label,pred\nF,1,1\n");
    bad(
        &gate_args(&data, &["--baseline", &short]),
        &["short.csv", "1 rows", "has 1600"],
    );
}

#[test]
fn multiplicity_and_margins_come_from_flags_and_gate_toml() {
    let dir = Dir::new();
    let data = dir.file("paired.csv", &paired_csv(&BIASED, &FAIR));
    let config = dir.file(
        "gate.toml",
        "confidence = 0.9\nn_boot = 200\nmultiplicity = \"bonferroni\"\ndp_margin = 0.25\n\
         accuracy_margin = false\n",
    );
    let out = gate(
        &data,
        &[
            "--config",
            &config,
            "--baseline-pred",
            "base",
            "--format",
            "json",
        ],
    );
    let r = report(&out);
    assert_eq!(r["simultaneous"]["multiplicity"], "bonferroni");
    let metrics: Vec<&str> = r["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["metric"].as_str().unwrap())
        .collect();
    assert_eq!(
        metrics,
        ["demographic_parity_difference", "equalized_odds_difference"]
    );
    assert_eq!(r["comparisons"][0]["margin"], 0.25);
    // The flag overrides the file.
    let out = gate(
        &data,
        &[
            "--config",
            &config,
            "--multiplicity",
            "none",
            "--format",
            "json",
        ],
    );
    assert_eq!(report(&out)["simultaneous"]["multiplicity"], "none");
    let holm = dir.file("holm.toml", "multiplicity = \"holm\"\n");
    bad(
        &gate_args(&data, &["--config", &holm]),
        &["holm.toml", "line 1", "multiplicity"],
    );
    bad(
        &gate_args(&data, &["--dp-margin", "2"]),
        &["--dp-margin", "[0, 1]"],
    );
}
