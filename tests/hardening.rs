//! Hostile input through every command (issue 12, items 3, 5, 6 and 7): odd but valid values
//! never panic, degenerate weights are refused everywhere the same way, experiment files and
//! gate.toml take the flags' defaults, and every failure is one line that names the file, the
//! 1-based line and the column in the user's words, exits 2 and quotes at most 80 characters of
//! a value.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::util::{SIM_FLAGS, json, read_csv, run, stderr, stdout, write_file};

/// Words of Rust's vocabulary that a message must never show.
const JARGON: [&str; 14] = [
    "u64",
    "usize",
    "f64",
    "untagged",
    "struct ",
    "enum ",
    "Item",
    "variant",
    "Error {",
    "Some(",
    "None",
    "panicked",
    "RUST_BACKTRACE",
    "sequence",
];

/// Asserts exit status 2 and a single-line message (`error: ...`) that holds every needle, no
/// Rust vocabulary and no quoted value longer than 80 characters. Returns the message.
#[track_caller]
fn one_line_error(out: &Output, needles: &[&str]) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    let message = err.strip_suffix('\n').unwrap_or(&err);
    assert!(!message.contains('\n'), "more than one line: {err}");
    assert!(message.starts_with("error: "), "{err}");
    for n in needles {
        assert!(message.contains(n), "message lacks {n:?}: {message}");
    }
    for j in JARGON {
        assert!(!message.contains(j), "message shows {j:?}: {message}");
    }
    assert!(
        message.chars().count() < 1000,
        "{} characters",
        message.len()
    );
    message.to_string()
}

/// `dir/name` as a string.
fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_string()
}

/// A simulated file of the built-in scenario with `rows` rows (seed 1).
fn simulate(dir: &Path, name: &str, rows: usize) -> String {
    let file = path(dir, name);
    let out = run(&[
        "simulate",
        "--rows",
        &rows.to_string(),
        "--seed",
        "1",
        "--out",
        &file,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    file
}

/// Writes `rows` (header first) as CSV.
fn write_rows(dir: &Path, name: &str, rows: &[Vec<String>]) -> String {
    let file = path(dir, name);
    let mut w = csv::Writer::from_path(&file).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    file
}

/// A copy of a CSV file with a column `name` appended, valued `value(i)` at data row `i`.
fn with_column(
    dir: &Path,
    src: &str,
    out: &str,
    name: &str,
    value: impl Fn(usize) -> String,
) -> String {
    let (mut header, rows) = read_csv(Path::new(src));
    header.push(name.into());
    let mut all = vec![header];
    for (i, mut r) in rows.into_iter().enumerate() {
        r.push(value(i));
        all.push(r);
    }
    write_rows(dir, out, &all)
}

/// A copy of a CSV file with column `column` of data row `row` (0-based) set to `value`.
fn with_cell(dir: &Path, src: &str, out: &str, row: usize, column: &str, value: &str) -> String {
    let (header, mut rows) = read_csv(Path::new(src));
    let j = header.iter().position(|h| h == column).unwrap();
    rows[row][j] = value.to_string();
    let mut all = vec![header];
    all.extend(rows);
    write_rows(dir, out, &all)
}

/// Test predictions of the baseline on a simulated file: columns approved, group, score,
/// expected, pred (120 rows).
fn predictions(dir: &Path) -> String {
    let data = simulate(dir, "for_predictions.csv", 400);
    let file = path(dir, "predictions.csv");
    let mut args = vec!["train", "--data", &data, "--predictions", &file];
    args.extend(SIM_FLAGS);
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    file
}

/// `--data FILE --label approved --pred pred --sensitive group` and `extra`.
fn pred_args<'a>(file: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "--data",
        file,
        "--label",
        "approved",
        "--pred",
        "pred",
        "--sensitive",
        "group",
    ];
    args.extend(extra);
    args
}

// ---------------------------------------------------------------------------------------------
// Item 3: no panic on odd but valid values

#[test]
fn group_names_past_the_formatter_width_render_shortened_in_tables_and_whole_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let preds = predictions(d);
    for len in [65_535, 65_536, 70_000] {
        let long = "G".repeat(len);
        let (header, rows) = read_csv(Path::new(&preds));
        let g = header.iter().position(|h| h == "group").unwrap();
        let mut all = vec![header];
        all.extend(rows.into_iter().map(|mut r| {
            if r[g] == "A" {
                r[g] = long.clone();
            }
            r
        }));
        let file = write_rows(d, "p_long_group.csv", &all);
        let shortened = format!("{}…", "G".repeat(39));
        let tables: [Vec<&str>; 3] = [
            [vec!["assess"], pred_args(&file, &[])].concat(),
            [vec!["gate"], pred_args(&file, &[])].concat(),
            vec![
                "audit",
                "--data",
                &file,
                "--label",
                "approved",
                "--sensitive",
                "group",
                "--features",
                "score",
            ],
        ];
        for args in &tables {
            let out = run(args);
            assert!(out.status.code() != Some(2), "{args:?}: {}", stderr(&out));
            let text = stdout(&out);
            assert!(text.lines().all(|l| l.chars().count() < 400), "{args:?}");
            let shown = if args[0] == "gate" {
                format!("{}…", "G".repeat(39))
            } else {
                shortened.clone()
            };
            assert!(text.contains(&shown), "{args:?}: {text}");
        }
        // JSON and CSV keep the name whole.
        let report = json(&run(&[
            vec!["assess", "--format", "json"],
            pred_args(&file, &[]),
        ]
        .concat()));
        assert!(report["by_group"][&long].is_object(), "{len}");
        let out = run(&[vec!["assess", "--format", "csv"], pred_args(&file, &[])].concat());
        assert!(stdout(&out).contains(&format!("\n{long},")), "{len}");
    }
    // Training on a file with such a group renders its report the same way.
    let data = simulate(d, "sim.csv", 400);
    let long = "G".repeat(65_536);
    let (header, rows) = read_csv(Path::new(&data));
    let g = header.iter().position(|h| h == "group").unwrap();
    let mut all = vec![header];
    all.extend(rows.into_iter().map(|mut r| {
        if r[g] == "A" {
            r[g] = long.clone();
        }
        r
    }));
    let file = write_rows(d, "sim_long_group.csv", &all);
    let out = run(&[vec!["train", "--data", &file], SIM_FLAGS.to_vec()].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("{}…", "G".repeat(39))));
}

/// A prediction file with two features valued `scale` times small integers.
fn consistency_file(dir: &Path, name: &str, scale: f64) -> String {
    let mut g = crate::util::Lcg(5);
    let mut rows = vec![
        ["x1", "x2", "g", "y", "p"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    ];
    for i in 0..60 {
        let a = (g.next() * 100.0).floor() - 50.0;
        let b = (g.next() * 100.0).floor() - 50.0;
        let bit = |v: f64| if v < 0.5 { "0" } else { "1" }.to_string();
        rows.push(vec![
            format!("{:e}", a * scale),
            format!("{:e}", b * scale),
            if i % 2 == 0 { "A" } else { "B" }.to_string(),
            bit(g.next()),
            bit(g.next()),
        ]);
    }
    write_rows(dir, name, &rows)
}

#[test]
fn consistency_with_features_near_the_largest_number() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let consistency = |file: &str, extra: &[&str]| {
        let mut args = vec![
            "assess",
            "--format",
            "json",
            "--data",
            file,
            "--label",
            "y",
            "--pred",
            "p",
            "--sensitive",
            "g",
            "--consistency",
            "5",
        ];
        args.extend(extra);
        json(&run(&args))["individual"]["consistency"]
            .as_f64()
            .unwrap()
    };
    let small = consistency_file(d, "small.csv", 1.0);
    let want = consistency(&small, &["--no-standardize"]);
    for (name, scale) in [
        ("e154.csv", 1e154),
        ("m1e154.csv", -1e154),
        ("e306.csv", 1e306),
    ] {
        let big = consistency_file(d, name, scale);
        // Without standardization the neighbours are those of the small values.
        assert_eq!(consistency(&big, &["--no-standardize"]), want, "{name}");
        // Standardization's variance overflows: refused at the value, with the way out.
        let out = run(&[
            "assess",
            "--data",
            &big,
            "--label",
            "y",
            "--pred",
            "p",
            "--sensitive",
            "g",
            "--consistency",
            "5",
        ]);
        one_line_error(
            &out,
            &[
                name,
                ", row ",
                "column 'x",
                "is a finite input",
                "non-finite",
                "--no-standardize",
            ],
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Item 5: degenerate weights are refused everywhere, the same way

#[test]
fn degenerate_weights_are_refused_by_every_command_with_one_message_shape() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = simulate(d, "sim.csv", 300);
    let preds = predictions(d);
    // (name, weight of data row i, what the message says)
    type Weight = fn(usize) -> String;
    let cases: [(&str, Weight, &str, &str); 6] = [
        ("zero", |_| "0".into(), "lines 2-", "all "),
        (
            "negative",
            |i| if i == 50 { "-1".into() } else { "1".into() },
            "line 52, row 51",
            "negative weight '-1'",
        ),
        (
            "infinite",
            |i| if i == 7 { "inf".into() } else { "1".into() },
            "line 9, row 8",
            "value 'inf' is NaN or infinite",
        ),
        (
            "nan",
            |i| if i == 7 { "NaN".into() } else { "1".into() },
            "line 9, row 8",
            "value 'NaN' is NaN or infinite",
        ),
        (
            "overflow",
            |_| "1e308".into(),
            "line 2, row 1",
            "weight '1e308' is too large",
        ),
        (
            "one-overflows",
            |i| if i == 3 { "1.7e308".into() } else { "1".into() },
            "line 5, row 4",
            "is too large",
        ),
    ];
    let fine = with_column(d, &data, "data_fine.csv", "w", |i| (1 + i % 2).to_string());
    for (name, weight, place, what) in cases {
        let wdata = with_column(d, &data, &format!("data_{name}.csv"), "w", weight);
        let wpreds = with_column(d, &preds, &format!("preds_{name}.csv"), "w", weight);
        let out_file = path(d, "out.csv");
        let out_dir = path(d, "out_dir");
        let data_flags = [
            "--data",
            &wdata,
            "--label",
            "approved",
            "--sensitive",
            "group",
            "--weights",
            "w",
        ];
        let commands: Vec<Vec<&str>> = vec![
            [vec!["train"], data_flags.to_vec()].concat(),
            [
                vec!["mitigate", "--method", "reweighing"],
                data_flags.to_vec(),
            ]
            .concat(),
            [
                vec!["mitigate", "--method", "expgrad-dp"],
                data_flags.to_vec(),
            ]
            .concat(),
            [
                vec![
                    "compare",
                    "--quiet",
                    "--seeds",
                    "1",
                    "--methods",
                    "baseline",
                    "--out",
                    &out_dir,
                ],
                data_flags.to_vec(),
            ]
            .concat(),
            [
                vec!["transform", "--method", "di-remover", "--out", &out_file],
                data_flags.to_vec(),
            ]
            .concat(),
            // The weights of a file repaired with a repair fitted on well-weighted data.
            vec![
                "transform",
                "--method",
                "di-remover",
                "--data",
                &fine,
                "--apply",
                &wdata,
                "--label",
                "approved",
                "--sensitive",
                "group",
                "--weights",
                "w",
                "--out",
                &out_file,
            ],
            [vec!["audit"], data_flags.to_vec()].concat(),
            [vec!["assess"], pred_args(&wpreds, &["--weights", "w"])].concat(),
            [vec!["gate"], pred_args(&wpreds, &["--weights", "w"])].concat(),
            [
                vec!["gate", "--strict"],
                pred_args(&wpreds, &["--weights", "w"]),
            ]
            .concat(),
        ];
        for args in &commands {
            let file = if ["assess", "gate"].contains(&args[0]) {
                &wpreds
            } else {
                &wdata
            };
            let out = run(args);
            assert_eq!(out.status.code(), Some(2), "{name}: {args:?}");
            let msg = one_line_error(&out, &[&format!("{file}: "), place, "column 'w'", what]);
            assert!(!msg.contains("logistic"), "{args:?}: {msg}");
        }
        assert!(!Path::new(&out_file).exists() && !Path::new(&out_dir).exists());
    }
}

#[test]
fn large_weights_whose_sums_stay_finite_weigh_as_their_ratios() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let preds = predictions(d);
    let ones = with_column(d, &preds, "ones.csv", "w", |i| (1 + i % 3).to_string());
    let big = with_column(d, &preds, "big.csv", "w", |i| format!("{}e300", 1 + i % 3));
    let gate = |file: &str| {
        let report = json(&run(&[
            vec!["gate", "--format", "json"],
            pred_args(file, &["--weights", "w"]),
        ]
        .concat()));
        let values: Vec<f64> = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["value"].as_f64().unwrap())
            .collect();
        values
    };
    let (a, b) = (gate(&ones), gate(&big));
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() < 1e-12, "{a:?} vs {b:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Item 6: experiment files and gate.toml take the flags' defaults

#[test]
fn minimal_experiment_file_runs_as_the_flags_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = simulate(d, "sim.csv", 300);
    // Only what a CSV source cannot do without.
    let minimal = format!(
        "[data]\nsource = \"csv\"\npath = \"{data}\"\n[data.spec]\nlabel = \"approved\"\n\
         sensitive = [\"group\"]\n"
    );
    let config = write_file(d, "minimal.toml", minimal.as_bytes());
    let (a, b) = (path(d, "a"), path(d, "b"));
    let out = run(&["compare", "--quiet", "--config", &config, "--out", &a]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut flags = vec!["compare", "--quiet", "--data", &data, "--out", &b];
    flags.extend(SIM_FLAGS);
    let out = run(&flags);
    assert!(out.status.success(), "{}", stderr(&out));
    let read = |dir: &str| -> Value {
        let text = std::fs::read_to_string(Path::new(dir).join("results.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let (from_file, from_flags) = (read(&a), read(&b));
    assert_eq!(from_file["config"], from_flags["config"]);
    let spec = &from_file["config"]["data"]["spec"];
    assert_eq!(spec["positive_label"], "1");
    assert_eq!(spec["standardize"], true);
    assert_eq!(from_file["config"]["split"]["test-size"], 0.3);
    assert_eq!(
        from_file["config"]["seeds"],
        serde_json::json!([0, 1, 2, 3, 4])
    );
    let strip = |v: &Value| {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["method"].clone(),
                    r["seed"].clone(),
                    r["accuracy"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&from_file), strip(&from_flags));
    // A scenario source with nothing but its kind (and fewer rows, to keep the test quick).
    let config = write_file(
        d,
        "scenario.toml",
        b"seeds = 1\nmethods = [\"baseline\"]\n[data]\nsource = \"scenario\"\nrows = 500\n",
    );
    let c = path(d, "c");
    let out = run(&["compare", "--quiet", "--config", &config, "--out", &c]);
    assert!(out.status.success(), "{}", stderr(&out));
    let recorded = read(&c);
    assert_eq!(recorded["config"]["data"]["name"], "biased-credit");
    assert_eq!(recorded["config"]["data"]["seed"], 0);
}

/// The public sources: an experiment file with nothing but `source` and `path` (and the
/// methods and seeds, to keep the run short) records the same configuration and results as
/// `--dataset NAME --path PATH`.
#[test]
fn minimal_public_source_files_run_as_the_flags_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (kind, relative) in [
        ("compas", "data/compas/compas-scores-two-years.csv"),
        ("adult", "data/adult"),
    ] {
        let Some(source) = fairkit_testkit::shared(relative) else {
            return;
        };
        let source = source.to_str().unwrap().to_string();
        let text = format!(
            "seeds = 1\nmethods = [\"baseline\"]\n[data]\nsource = \"{kind}\"\npath = {}\n",
            toml_string(&source)
        );
        let config = write_file(d, &format!("{kind}.toml"), text.as_bytes());
        let (a, b) = (path(d, &format!("{kind}_a")), path(d, &format!("{kind}_b")));
        let out = run(&["compare", "--quiet", "--config", &config, "--out", &a]);
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
        let out = run(&[
            "compare",
            "--quiet",
            "--dataset",
            kind,
            "--path",
            &source,
            "--seeds",
            "1",
            "--methods",
            "baseline",
            "--out",
            &b,
        ]);
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
        let read = |dir: &str| -> Value {
            let text = std::fs::read_to_string(Path::new(dir).join("results.json")).unwrap();
            serde_json::from_str(&text).unwrap()
        };
        let (mut from_file, mut from_flags) = (read(&a), read(&b));
        assert_eq!(from_file["config"], from_flags["config"], "{kind}");
        assert_eq!(from_file["config"]["data"]["source"], kind);
        // Everything but the time taken to fit.
        for v in [&mut from_file, &mut from_flags] {
            v["results"][0]["fit_seconds"] = Value::Null;
        }
        assert_eq!(from_file["results"], from_flags["results"], "{kind}");
        // Without its path the source is refused at the [data] table, saying what it needs.
        let config = write_file(
            d,
            &format!("{kind}_nopath.toml"),
            format!("[data]\nsource = \"{kind}\"\n").as_bytes(),
        );
        one_line_error(
            &run(&["compare", "--config", &config, "--out", &path(d, "never")]),
            &[
                &format!("{kind}_nopath.toml: line 1, column 1"),
                "key 'path' is missing",
            ],
        );
    }
}

/// `s` as a TOML literal string when it can be one, else a basic string with escapes.
fn toml_string(s: &str) -> String {
    if s.contains('\'') {
        format!("{s:?}")
    } else {
        format!("'{s}'")
    }
}

#[test]
fn gate_toml_keys_left_out_take_the_flags_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let preds = predictions(d);
    let gate = |extra: &[&str]| {
        let out = run(&[vec!["gate", "--format", "json"], pred_args(&preds, extra)].concat());
        (out.status.code(), stdout(&out))
    };
    let flags = gate(&[]);
    for text in ["", "strict = false\n", "[dp]\n"] {
        let config = write_file(d, "gate.toml", text.as_bytes());
        if text.starts_with('[') {
            one_line_error(
                &run(&[vec!["gate", "--config", &config], pred_args(&preds, &[])].concat()),
                &[
                    "gate.toml: line 1, column 2: unknown key 'dp', expected one of 'dp_difference_max'",
                ],
            );
            continue;
        }
        assert_eq!(gate(&["--config", &config]), flags, "{text:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Item 7: every message is one line, names the place and speaks the user's words

#[test]
fn a_value_that_overflows_standardization_is_named_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = simulate(d, "sim.csv", 300);
    let huge = with_cell(d, &data, "huge.csv", 9, "income", "1e308");
    let needles = [
        "huge.csv: line 11, row 10, column 'income': value '1e308' is a finite input",
        "non-finite result",
        "--no-standardize",
    ];
    let out_file = path(d, "out.csv");
    for cmd in [
        vec!["train"],
        vec!["mitigate", "--method", "threshold-dp"],
        vec!["transform", "--method", "di-remover", "--out", &out_file],
        vec![
            "compare",
            "--quiet",
            "--seeds",
            "1",
            "--methods",
            "baseline",
            "--out",
            &out_file,
        ],
    ] {
        let args = [cmd, vec!["--data", &huge], SIM_FLAGS.to_vec()].concat();
        let msg = one_line_error(&run(&args), &needles);
        assert!(!msg.contains("NaN") && !msg.contains("row 0"), "{msg}");
    }
    // The same value in a prediction file read with --consistency.
    let preds = predictions(d);
    let huge = with_cell(d, &preds, "huge_preds.csv", 9, "score", "1e308");
    one_line_error(
        &run(&[
            vec!["assess", "--consistency", "3", "--features", "score"],
            pred_args(&huge, &[]),
        ]
        .concat()),
        &["huge_preds.csv: line 11, row 10, column 'score': value '1e308' is a finite input"],
    );
    // A test file whose value overflows with the training mean and deviation.
    let test = with_cell(d, &data, "test.csv", 4, "debt_ratio", "1.5e308");
    one_line_error(
        &run(&[
            vec!["train", "--data", &data, "--test", &test],
            SIM_FLAGS.to_vec(),
        ]
        .concat()),
        &["test.csv: line 6, row 5, column 'debt_ratio': value '1.5e308' is a finite input"],
    );
}

/// The rows of a simulated file, and the same file with one more row whose group is `Z`.
fn with_group_z(dir: &Path) -> (String, String) {
    let train = simulate(dir, "train.csv", 300);
    let test = simulate(dir, "test.csv", 100);
    let (header, mut rows) = read_csv(Path::new(&test));
    let g = header.iter().position(|h| h == "group").unwrap();
    rows[40][g] = "Z".into();
    let mut all = vec![header];
    all.extend(rows);
    (train, write_rows(dir, "test_z.csv", &all))
}

#[test]
fn a_group_without_training_rows_is_named_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (train, test) = with_group_z(d);
    let want = [
        "test_z.csv: line 42, row 41, column(s) 'group': group 'group=Z' has 1 test row(s) but no training rows",
        "add rows of this group to the training data",
    ];
    for method in ["expgrad-dp", "threshold-dp", "di-remover", "gridsearch-dp"] {
        let args = [
            vec![
                "mitigate", "--method", method, "--data", &train, "--test", &test,
            ],
            SIM_FLAGS.to_vec(),
        ]
        .concat();
        let msg = one_line_error(&run(&args), &want);
        assert!(msg.contains(method), "{msg}");
        assert!(!msg.contains("was not seen when fitting"), "{msg}");
    }
    let out_dir = path(d, "cmp");
    let args = [
        vec![
            "compare",
            "--quiet",
            "--fixed-split",
            "--seeds",
            "1",
            "--methods",
            "di-remover",
            "--data",
            &train,
            "--test",
            &test,
            "--out",
            &out_dir,
        ],
        SIM_FLAGS.to_vec(),
    ]
    .concat();
    one_line_error(&run(&args), &["di-remover (seed 0)", want[0]]);
    // Methods that do not use groups at prediction predict it.
    let args = [
        vec!["train", "--data", &train, "--test", &test],
        SIM_FLAGS.to_vec(),
    ]
    .concat();
    assert!(run(&args).status.success());
}

#[test]
fn predicting_a_group_the_model_lacks_names_the_row_and_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = simulate(d, "sim.csv", 300);
    let model = path(d, "model.json");
    let args = [
        vec![
            "mitigate",
            "--method",
            "threshold-dp",
            "--data",
            &data,
            "--save-model",
            &model,
        ],
        SIM_FLAGS.to_vec(),
    ]
    .concat();
    assert!(run(&args).status.success());
    // A group the model never saw.
    let new = with_cell(d, &data, "new.csv", 6, "group", "Q");
    one_line_error(
        &run(&["predict", "--model", &model, "--data", &new]),
        &[
            "new.csv: line 8, row 7, column(s) 'group': group 'group=Q' was not seen when model",
            "(its groups: 'group=A', 'group=B')",
        ],
    );
    // A model file edited to drop a group's rule is inconsistent.
    let mut m: Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    let groups = m["fitted"]["thresholder"]["groups"].as_array_mut().unwrap();
    groups.retain(|g| g["group"] != "group=B");
    let edited = write_file(d, "edited.json", m.to_string().as_bytes());
    let (header, rows) = read_csv(Path::new(&data));
    let g = header.iter().position(|h| h == "group").unwrap();
    let first_b = rows.iter().position(|r| r[g] == "B").unwrap();
    one_line_error(
        &run(&["predict", "--model", &edited, "--data", &data]),
        &[
            &format!("sim.csv: line {}, row {}", first_b + 2, first_b + 1),
            "edited.json is inconsistent: its encoding lists group 'group=B'",
            "fit and save the model again",
        ],
    );
}

#[test]
fn weights_messages_agree_between_train_and_the_assessing_commands() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = simulate(d, "sim.csv", 300);
    let neg = with_column(d, &data, "neg.csv", "w", |i| {
        if i == 150 { "-1".into() } else { "1".into() }
    });
    let mut messages = Vec::new();
    for cmd in ["train", "audit"] {
        let args = [
            vec![cmd, "--data", &neg, "--weights", "w"],
            SIM_FLAGS.to_vec(),
        ]
        .concat();
        let msg = one_line_error(
            &run(&args),
            &["neg.csv: line 152, row 151, column 'w': negative weight '-1'"],
        );
        messages.push(msg);
    }
    assert_eq!(messages[0], messages[1]);
}

#[test]
fn a_long_cell_is_quoted_at_80_characters_with_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = simulate(d, "sim.csv", 300);
    let cell = format!("x{}\ny", "7".repeat(2_000_000));
    let file = with_cell(d, &data, "big_cell.csv", 3, "income", &cell);
    let msg = one_line_error(
        &run(&[vec!["train", "--data", &file], SIM_FLAGS.to_vec()].concat()),
        &[
            "big_cell.csv: line 5, row 4, column 'income': non-numeric value 'x777",
            "…' (2000003 characters)",
            "--categorical",
        ],
    );
    let quoted = msg.split('\'').nth(3).unwrap();
    assert_eq!(quoted.chars().count(), 80, "{quoted}");
    // The same cell as a label and as a group.
    let file = with_cell(d, &data, "big_label.csv", 3, "approved", &cell);
    one_line_error(
        &run(&[vec!["train", "--data", &file], SIM_FLAGS.to_vec()].concat()),
        &["big_label.csv", "(2000003 characters)"],
    );
}

#[test]
fn an_unterminated_quote_is_named_where_it_opens() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = simulate(d, "sim.csv", 300);
    let text = std::fs::read_to_string(&data).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Line 10: the sixth field (group) opens a quote that never closes.
    let mut fields: Vec<String> = lines[9].split(',').map(str::to_string).collect();
    fields[5] = format!("\"{}", fields[5]);
    lines[9] = fields.join(",");
    let file = write_file(d, "quote.csv", (lines.join("\n") + "\n").as_bytes());
    for cmd in ["train", "audit"] {
        let args = [vec![cmd, "--data", &file], SIM_FLAGS.to_vec()].concat();
        let msg = one_line_error(
            &run(&args),
            &[
                "quote.csv: line 10, column 6: unterminated quote",
                "through line 301",
            ],
        );
        assert!(!msg.contains("ragged"), "{msg}");
    }
}

#[test]
fn config_file_errors_are_one_line_at_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out_dir = path(d, "out");
    for (text, needles) in [
        (
            "seeds = \"x\"\n",
            vec!["bad.toml: line 1, column 9: key 'seeds'", "a list of seeds"],
        ),
        (
            "methods = [1]\n",
            vec![
                "bad.toml: line 1, column 12: key 'methods'",
                "a method name",
            ],
        ),
        (
            "estimator = 3\n",
            vec![
                "bad.toml: line 1, column 13: key 'estimator'",
                "an estimator name",
            ],
        ),
        (
            "[data]\nsource = \"csv\"\npath = \"x.csv\"\n[data.spec]\nlabel = \"y\"\n",
            vec!["bad.toml: line 4, column 1: key 'data.spec': missing key 'sensitive'"],
        ),
        ("\n\n[data\n", vec!["bad.toml: line 3, column 6"]),
        (
            "[split]\ntest-size = 2\n",
            vec!["bad.toml: line 2, column 1: key 'test-size'"],
        ),
    ] {
        let config = write_file(d, "bad.toml", text.as_bytes());
        one_line_error(
            &run(&["compare", "--config", &config, "--out", &out_dir]),
            &needles,
        );
        assert!(!Path::new(&out_dir).exists());
    }
    let preds = predictions(d);
    for (text, needles) in [
        (
            "dp_difference_max = true\n",
            vec![
                "gate.toml: line 1, column 21: key 'dp_difference_max'",
                "false to turn the check off",
            ],
        ),
        (
            "strict = true\naccuracy_floor = 7\n",
            vec!["gate.toml: line 2, column 1: key 'accuracy_floor': invalid value 7"],
        ),
        (
            "n_boot = \"many\"\n",
            vec![
                "gate.toml: line 1, column 10: key 'n_boot'",
                "a whole number",
            ],
        ),
    ] {
        let config = write_file(d, "gate.toml", text.as_bytes());
        one_line_error(
            &run(&[vec!["gate", "--config", &config], pred_args(&preds, &[])].concat()),
            &needles,
        );
    }
}

/// Malformed variants of a CSV text, each with what its message must mention.
fn mutations(text: &str, label: usize, group: usize) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let lines: Vec<&str> = text.lines().collect();
    let edit = |line: usize, f: &dyn Fn(&mut Vec<String>)| {
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let mut fields: Vec<String> = out[line].split(',').map(str::to_string).collect();
        f(&mut fields);
        out[line] = fields.join(",");
        (out.join("\n") + "\n").into_bytes()
    };
    let every = |f: &dyn Fn(&mut Vec<String>)| {
        let mut out: Vec<String> = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let mut fields: Vec<String> = l.split(',').map(str::to_string).collect();
            if i > 0 {
                f(&mut fields);
            }
            out.push(fields.join(","));
        }
        (out.join("\n") + "\n").into_bytes()
    };
    let mut non_utf8 = edit(7, &|f| f[label] = "@".into());
    let at = non_utf8.iter().position(|&b| b == b'@').unwrap();
    non_utf8[at] = 0xff;
    vec![
        ("empty", Vec::new(), "empty"),
        (
            "header-only",
            format!("{}\n", lines[0]).into_bytes(),
            "no data rows",
        ),
        (
            "ragged",
            edit(4, &|f| {
                f.pop();
            }),
            "line 5",
        ),
        (
            "unterminated",
            edit(6, &|f| f[group] = format!("\"{}", f[group])),
            "line 7",
        ),
        ("non-utf8", non_utf8, "line 8"),
        (
            "three-classes",
            edit(8, &|f| f[label] = "2".into()),
            "3 classes",
        ),
        (
            "empty-label",
            edit(8, &|f| f[label] = String::new()),
            "line 9",
        ),
        (
            "long-label",
            edit(8, &|f| f[label] = "y".repeat(2_000_000)),
            "(2000000 characters)",
        ),
        (
            "empty-group",
            edit(8, &|f| f[group] = String::new()),
            "line 9",
        ),
        (
            "single-group",
            every(&|f| f[group] = "A".into()),
            "single group",
        ),
        (
            "missing-label",
            {
                let mut t = text.replacen("approved", "approvedX", 1).into_bytes();
                t.truncate(t.len());
                t
            },
            "missing column 'approved'",
        ),
        (
            "duplicate-column",
            text.replacen("group", "approved", 1).into_bytes(),
            "approved",
        ),
    ]
}

/// A property over the whole command line: every malformed file given to every command that
/// reads it fails with exit status 2 and one line that names the file.
#[test]
fn every_command_refuses_every_malformed_file_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = simulate(d, "sim.csv", 200);
    let preds = predictions(d);
    let model = path(d, "model.json");
    let args = [
        vec![
            "mitigate",
            "--method",
            "threshold-dp",
            "--data",
            &data,
            "--save-model",
            &model,
        ],
        SIM_FLAGS.to_vec(),
    ]
    .concat();
    assert!(run(&args).status.success());
    let out_file = path(d, "out.csv");
    let out_dir = path(d, "out");
    let data_text = std::fs::read_to_string(&data).unwrap();
    let (data_header, _) = read_csv(Path::new(&data));
    let col = |h: &[String], name: &str| h.iter().position(|c| c == name).unwrap();
    let mut checked = 0;
    for (name, bytes, needle) in mutations(
        &data_text,
        col(&data_header, "approved"),
        col(&data_header, "group"),
    ) {
        let file = write_file(d, &format!("data-{name}.csv"), &bytes);
        let commands: Vec<Vec<&str>> = vec![
            vec!["train"],
            vec!["mitigate", "--method", "reweighing"],
            vec!["mitigate", "--method", "threshold-dp"],
            vec!["transform", "--method", "di-remover", "--out", &out_file],
            vec!["audit"],
            vec![
                "compare",
                "--quiet",
                "--seeds",
                "1",
                "--methods",
                "baseline",
                "--out",
                &out_dir,
            ],
        ];
        for cmd in commands {
            let args = [cmd, vec!["--data", &file], SIM_FLAGS.to_vec()].concat();
            one_line_error(&run(&args), &[&format!("data-{name}.csv"), needle]);
            checked += 1;
        }
        // predict reads no label: only the mutations of other columns apply.
        if !name.contains("label")
            && !name.contains("classes")
            && name != "single-group"
            && name != "duplicate-column"
        {
            one_line_error(
                &run(&["predict", "--model", &model, "--data", &file]),
                &[&format!("data-{name}.csv"), needle],
            );
            checked += 1;
        }
        assert!(
            !Path::new(&out_file).exists() && !Path::new(&out_dir).exists(),
            "{name}"
        );
    }
    let pred_text = std::fs::read_to_string(&preds).unwrap();
    let (pred_header, _) = read_csv(Path::new(&preds));
    for (name, bytes, needle) in mutations(
        &pred_text,
        col(&pred_header, "approved"),
        col(&pred_header, "group"),
    ) {
        let file = write_file(d, &format!("preds-{name}.csv"), &bytes);
        for cmd in [
            vec!["assess"],
            vec!["gate"],
            vec!["assess", "--consistency", "3"],
        ] {
            let args = [cmd, pred_args(&file, &[])].concat();
            one_line_error(&run(&args), &[&format!("preds-{name}.csv"), needle]);
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}
