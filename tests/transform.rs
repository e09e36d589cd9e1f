//! `fairkit transform`: the repaired CSV is the encoded data (identity at repair level 0), it
//! lowers the disparity of a model trained on it exactly as `mitigate` does, and bad input is
//! refused with exit status 2 and no output file.

use std::path::Path;

use crate::util::{
    CATEGORICAL_FLAGS, SIM_FLAGS, assert_bad_input, categorical_csv, column, json, read_csv, run,
    simulated, stderr, stdout, write_file,
};

const SIM_FEATURES: [&str; 5] = [
    "income",
    "debt_ratio",
    "credit_history_years",
    "num_accounts",
    "neighbourhood_score",
];

/// Runs `transform` with `args` and the simulated flags, writing `out` in `dir`.
fn transform(dir: &Path, out: &str, args: &[&str]) -> String {
    let path = dir.join(out).to_str().unwrap().to_string();
    let mut all = vec!["transform", "--out", &path];
    all.extend(args);
    let result = run(&all);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(stdout(&result).is_empty());
    path
}

#[test]
fn repair_level_zero_is_the_encoded_input() {
    let dir = tempfile::tempdir().unwrap();
    let (train, _) = simulated(dir.path());
    let mut args = vec![
        "--method",
        "di-remover",
        "--repair-level",
        "0",
        "--data",
        &train,
    ];
    args.extend(SIM_FLAGS);
    // Raw features: the numbers come back as they were written.
    let mut raw_args = args.clone();
    raw_args.push("--no-standardize");
    let raw = transform(dir.path(), "raw.csv", &raw_args);
    let mut header: Vec<&str> = SIM_FEATURES.to_vec();
    header.extend(["group", "approved"]);
    assert_eq!(read_csv(Path::new(&raw)).0, header);
    for name in header {
        assert_eq!(
            column(Path::new(&raw), name),
            column(Path::new(&train), name),
            "{name}"
        );
    }
    // Standardized features: (x - mean) / scale with the training statistics, which a model
    // saved on the same rows records.
    let std = transform(dir.path(), "std.csv", &args);
    let model = dir.path().join("m.json");
    let mut train_args = vec![
        "train",
        "--data",
        &train,
        "--test",
        &train,
        "--save-model",
        model.to_str().unwrap(),
    ];
    train_args.extend(SIM_FLAGS);
    assert!(run(&train_args).status.success());
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    for (j, name) in SIM_FEATURES.iter().enumerate() {
        let enc = &m["encoder"]["columns"][j]["Numeric"];
        assert_eq!(enc["name"], *name);
        let (mean, scale) = (
            enc["mean"].as_f64().unwrap(),
            enc["scale"].as_f64().unwrap(),
        );
        assert_ne!(scale, 1.0);
        let want: Vec<f64> = column(Path::new(&train), name)
            .iter()
            .map(|v| (v.parse::<f64>().unwrap() - mean) / scale)
            .collect();
        let got: Vec<f64> = column(Path::new(&std), name)
            .iter()
            .map(|v| v.parse().unwrap())
            .collect();
        assert_eq!(got, want, "{name}");
    }
    // The correlation remover at alpha 0 is the identity too.
    let mut cr = vec![
        "--method",
        "correlation-remover",
        "--alpha",
        "0",
        "--data",
        &train,
    ];
    cr.extend(SIM_FLAGS);
    let cr = transform(dir.path(), "cr.csv", &cr);
    assert_eq!(std::fs::read(&cr).unwrap(), std::fs::read(&std).unwrap());
}

#[test]
fn categorical_columns_come_out_one_hot_and_unseen_levels_as_zeros() {
    let dir = tempfile::tempdir().unwrap();
    let train = write_file(dir.path(), "train.csv", categorical_csv(100, 1).as_bytes());
    let apply = write_file(
        dir.path(),
        "apply.csv",
        b"x1,colour,sex\n0.25,purple,F\n-1.5,green,M\n",
    );
    let mut args = vec![
        "--method",
        "di-remover",
        "--repair-level",
        "0",
        "--data",
        &train,
        "--no-standardize",
        "--apply",
        &apply,
    ];
    args.extend(CATEGORICAL_FLAGS);
    let out = transform(dir.path(), "out.csv", &args);
    let (header, rows) = read_csv(Path::new(&out));
    assert_eq!(
        header,
        ["x1", "colour=blue", "colour=green", "colour=red", "sex"]
    );
    assert_eq!(rows[0], ["0.25", "0", "0", "0", "F"]);
    assert_eq!(rows[1], ["-1.5", "0", "1", "0", "M"]);
}

/// The test report of `train` on the repaired files equals `mitigate`'s on the originals, and
/// its demographic parity difference is below the baseline's.
fn repaired_training_matches_mitigate(method: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let (train, test) = simulated(dir.path());
    let mut fit = method.to_vec();
    fit.extend(["--data", &train]);
    fit.extend(SIM_FLAGS);
    let rep_train = transform(dir.path(), "rep_train.csv", &fit);
    let mut apply = fit.clone();
    apply.extend(["--apply", &test]);
    let rep_test = transform(dir.path(), "rep_test.csv", &apply);

    let report = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        all.extend(SIM_FLAGS);
        json(&run(&all))
    };
    let before = report(&["train", "--data", &train, "--test", &test]);
    let after = report(&[
        "train",
        "--data",
        &rep_train,
        "--test",
        &rep_test,
        "--no-standardize",
    ]);
    let mut mitigate = vec!["mitigate"];
    mitigate.extend(method);
    mitigate.extend(["--data", &train, "--test", &test]);
    let mitigated = report(&mitigate);
    let dp = |r: &serde_json::Value| {
        r["disparities"]["demographic_parity_difference"]
            .as_f64()
            .unwrap()
    };
    assert!(
        dp(&after) < dp(&before) * 0.7,
        "{method:?}: DP {} after vs {} before",
        dp(&after),
        dp(&before)
    );
    assert_eq!(after["overall"], mitigated["overall"], "{method:?}");
    assert_eq!(after["by_group"], mitigated["by_group"], "{method:?}");
}

#[test]
fn disparate_impact_repair_lowers_the_disparity_of_a_model_trained_on_it() {
    repaired_training_matches_mitigate(&["--method", "di-remover"]);
}

#[test]
fn correlation_repair_lowers_the_disparity_of_a_model_trained_on_it() {
    repaired_training_matches_mitigate(&["--method", "correlation-remover", "--alpha", "1"]);
}

#[test]
fn built_in_scenario_is_the_default_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = transform(
        dir.path(),
        "sim.csv",
        &["--method", "di-remover", "--rows", "300", "--sim-seed", "4"],
    );
    let (header, rows) = read_csv(Path::new(&out));
    assert_eq!(rows.len(), 300);
    assert_eq!(header.last().unwrap(), "approved");
}

#[test]
fn bad_input_exits_2_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let (train, _) = simulated(dir.path());
    let unseen = write_file(
        dir.path(),
        "unseen.csv",
        b"income,debt_ratio,credit_history_years,num_accounts,neighbourhood_score,group\n\
          1000,0.5,3,2,0.1,C\n",
    );
    let out = dir.path().join("out.csv");
    let out = out.to_str().unwrap();
    let cases: [(&[&str], &[&str]); 8] = [
        (
            &["--method", "di-remover", "--repair-level", "1.5"],
            &["repair"],
        ),
        (
            &["--method", "di-remover", "--repair-level=-0.1"],
            &["repair"],
        ),
        (
            &["--method", "correlation-remover", "--alpha", "2"],
            &["alpha"],
        ),
        (
            &["--method", "correlation-remover", "--alpha=-1"],
            &["alpha"],
        ),
        (
            &["--method", "di-remover", "--alpha", "0.5"],
            &["--alpha does not apply to --method di-remover"],
        ),
        (
            &["--method", "correlation-remover", "--repair-level", "0.5"],
            &["--repair-level does not apply"],
        ),
        (
            &["--method", "reweighing"],
            &["unknown repair 'reweighing'", "di-remover"],
        ),
        (
            &["--method", "di-remover", "--apply", &unseen],
            &["group=C"],
        ),
    ];
    for (args, needles) in cases {
        let mut all = vec!["transform", "--out", out, "--data", &train];
        all.extend(SIM_FLAGS);
        all.extend(args);
        assert_bad_input(&run(&all), needles);
        assert!(!Path::new(out).exists(), "{args:?} left an output file");
    }
    let mut test = vec![
        "transform",
        "--out",
        out,
        "--method",
        "di-remover",
        "--data",
        &train,
        "--test",
        &train,
    ];
    test.extend(SIM_FLAGS);
    assert_bad_input(&run(&test), &["--apply"]);
    let mut no_out = vec!["transform", "--method", "di-remover", "--data", &train];
    no_out.extend(SIM_FLAGS);
    assert_bad_input(&run(&no_out), &["--out"]);
    assert_bad_input(
        &run(&[
            "transform",
            "--method",
            "di-remover",
            "--apply",
            &train,
            "--out",
            out,
        ]),
        &["--data"],
    );
}
