//! Every count a user gives is bounded: beyond its documented maximum the command exits 2
//! before allocating, naming the flag or key and the limit (no "capacity overflow" panic, no
//! aborted allocation).

use crate::util::{assert_bad_input, run, write_file};

const HUGE: &str = "18446744073709551615";

/// A small prediction file: label, prediction and group.
fn predictions(dir: &std::path::Path) -> String {
    let mut text = String::from("sex,label,pred\n");
    for i in 0..40 {
        let g = if i % 2 == 0 { "F" } else { "M" };
        let (label, pred) = (u8::from(i % 3 == 0), u8::from(i % 5 < 2));
        text.push_str(&format!("{g},{label},{pred}\n"));
    }
    write_file(dir, "pred.csv", text.as_bytes())
}

const PRED_FLAGS: [&str; 6] = ["--label", "label", "--pred", "pred", "--sensitive", "sex"];

#[test]
fn rows_of_every_command_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    // simulate streams: its limit is 10^10 rows.
    for rows in [HUGE, "10000000001"] {
        assert_bad_input(
            &run(&["simulate", "--rows", rows]),
            &["--rows", rows, "at most 10000000000 rows"],
        );
    }
    // The commands that hold the scenario in memory: 10^8 rows.
    for args in [
        vec!["train"],
        vec!["mitigate", "--method", "reweighing"],
        vec!["transform", "--method", "di-remover", "--out", out],
        vec!["compare", "--quiet", "--out", out],
    ] {
        for rows in [HUGE, "100000001"] {
            let mut all = args.clone();
            all.extend(["--rows", rows]);
            assert_bad_input(&run(&all), &["--rows", rows, "at most 100000000 rows"]);
        }
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn seeds_are_bounded_on_the_command_line_and_in_experiment_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    for seeds in [HUGE, "4294967296", "100001"] {
        assert_bad_input(
            &run(&["compare", "--quiet", "--seeds", seeds, "--out", out]),
            &["--seeds", seeds, "at most 100000 seeds"],
        );
    }
    let count = write_file(dir.path(), "count.toml", b"seeds = 9223372036854775807\n");
    assert_bad_input(
        &run(&["compare", "--quiet", "--config", &count, "--out", out]),
        &["seeds", "9223372036854775807", "at most 100000 seeds"],
    );
    let list: Vec<String> = (0..100_001).map(|i| i.to_string()).collect();
    let list = write_file(
        dir.path(),
        "list.toml",
        format!("seeds = [{}]\n", list.join(",")).as_bytes(),
    );
    assert_bad_input(
        &run(&["compare", "--quiet", "--config", &list, "--out", out]),
        &["seeds", "100001", "at most 100000 seeds"],
    );
    let rows = write_file(
        dir.path(),
        "rows.toml",
        b"seeds = 1\n[data]\nsource = \"scenario\"\nname = \"biased-credit\"\nrows = 9223372036854775807\nseed = 0\n",
    );
    assert_bad_input(
        &run(&["compare", "--quiet", "--config", &rows, "--out", out]),
        &["rows", "9223372036854775807", "at most 100000000 rows"],
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn bootstrap_resamples_are_bounded_and_the_gate_keeps_its_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let data = predictions(dir.path());
    for n in [HUGE, "1000001"] {
        let mut args = vec!["assess", "--data", &data, "--bootstrap", n];
        args.extend(PRED_FLAGS);
        assert_bad_input(
            &run(&args),
            &["--bootstrap", n, "at most 1000000 resamples"],
        );
        let mut args = vec![
            "gate",
            "--data",
            &data,
            "--confidence",
            "0.9",
            "--n-boot",
            n,
        ];
        args.extend(PRED_FLAGS);
        assert_bad_input(&run(&args), &["--n-boot", n, "at most 1000000 resamples"]);
    }
    let config = write_file(
        dir.path(),
        "gate.toml",
        b"confidence = 0.9\nn_boot = 9223372036854775807\n",
    );
    let mut args = vec!["gate", "--data", &data, "--config", &config];
    args.extend(PRED_FLAGS);
    assert_bad_input(
        &run(&args),
        &["n_boot", "9223372036854775807", "at most 1000000 resamples"],
    );
    // The limit itself is allowed (the run is not started here: the value parses and checks).
    let config = write_file(dir.path(), "ok.toml", b"n_boot = 1000000\n");
    let mut args = vec!["gate", "--data", &data, "--config", &config];
    args.extend(PRED_FLAGS);
    let out = run(&args);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
}

#[test]
fn grid_points_and_iterations_are_bounded() {
    for n in [HUGE, "100001"] {
        assert_bad_input(
            &run(&[
                "mitigate",
                "--method",
                "gridsearch",
                "--constraint",
                "demographic_parity",
                "--grid-size",
                n,
            ]),
            &["--grid-size", "at most 100000 grid points"],
        );
        assert_bad_input(
            &run(&[
                "mitigate",
                "--method",
                "expgrad",
                "--constraint",
                "demographic_parity",
                "--max-iter",
                n,
            ]),
            &["--max-iter", "at most 100000 iterations"],
        );
    }
    // The threshold optimizer's grid has its own limit.
    assert_bad_input(
        &run(&[
            "mitigate",
            "--method",
            "threshold",
            "--constraint",
            "demographic_parity",
            "--grid-size",
            HUGE,
        ]),
        &["grid_size", "10000000"],
    );
    // In an experiment file, the method's key.
    let dir = tempfile::tempdir().unwrap();
    let config = write_file(
        dir.path(),
        "grid.toml",
        br#"seeds = 1
methods = [{ name = "g", method = "gridsearch", constraint = "demographic_parity", grid_size = 9223372036854775807 }]
[data]
source = "scenario"
name = "biased-credit"
rows = 300
seed = 0
"#,
    );
    let out = dir.path().join("out");
    assert_bad_input(
        &run(&[
            "compare",
            "--quiet",
            "--config",
            &config,
            "--out",
            out.to_str().unwrap(),
        ]),
        &["grid_size", "at most 100000 grid points"],
    );
    assert!(!out.exists());
}
