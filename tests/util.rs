//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// The `fairkit` binary built for these tests.
pub fn fairkit() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fairkit"))
}

/// Runs `fairkit` with `args` and returns its output.
pub fn run(args: &[&str]) -> Output {
    fairkit().args(args).output().expect("fairkit runs")
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The help text of one flag in `--help` output: from its option line to the next option.
pub fn flag_help<'a>(help: &'a str, flag: &str) -> &'a str {
    let start = help
        .find(&format!("\n      {flag} "))
        .or_else(|| help.find(&format!("\n      {flag}\n")))
        .unwrap_or_else(|| panic!("{flag} missing from help:\n{help}"));
    let block = &help[start + 1..];
    let end = block.find("\n  -").unwrap_or(block.len());
    &block[..end]
}

/// Standard output parsed as JSON (panics with stderr when the command failed).
pub fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "command failed: {}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("standard output is JSON")
}

/// Runs `fairkit compare --config CONFIG --out OUT --quiet`, asserts success, and returns the
/// run's `results.json`.
pub fn compare_results(config: &str, out_dir: &Path) -> serde_json::Value {
    let out = run(&[
        "compare",
        "--config",
        config,
        "--out",
        out_dir.to_str().expect("a UTF-8 path"),
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(out_dir.join("results.json")).expect("results.json");
    serde_json::from_str(&text).expect("results.json is JSON")
}

/// Writes `content` to `name` in `dir` and returns the path as a string.
pub fn write_file(dir: &Path, name: &str, content: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write test file");
    path.to_str().expect("UTF-8 path").to_string()
}

/// Asserts that a run failed with exit status 2 and that stderr mentions every needle.
pub fn assert_bad_input(out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}: {err}");
    }
    assert!(!err.contains("panicked"), "panic: {err}");
}

/// The label and sensitive flags of the built-in scenario's CSV files.
pub const SIM_FLAGS: [&str; 4] = ["--label", "approved", "--sensitive", "group"];

/// The label and sensitive flags of [`categorical_csv`] files.
pub const CATEGORICAL_FLAGS: [&str; 6] = [
    "--label",
    "outcome",
    "--positive-label",
    "yes",
    "--sensitive",
    "sex",
];

/// A CSV file as its header and rows of text.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("readable CSV");
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The values of one column of a CSV file.
pub fn column(path: &Path, name: &str) -> Vec<String> {
    let (header, rows) = read_csv(path);
    let j = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("{} has no column {name}: {header:?}", path.display()));
    rows.into_iter().map(|r| r[j].clone()).collect()
}

/// Simulated train (600 rows) and test (300 rows) files of the built-in scenario.
pub fn simulated(dir: &Path) -> (String, String) {
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let (train, test) = (path("sim_train.csv"), path("sim_test.csv"));
    for (file, seed) in [(&train, "1"), (&test, "2")] {
        let out = run(&["simulate", "--rows", "600", "--seed", seed, "--out", file]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    (train, test)
}

/// A small deterministic generator (a 64-bit LCG), enough for test data.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Rows of a CSV with a numeric and a categorical feature, string labels (`yes` is
/// favourable) and a sensitive column `sex`, where the label depends on both features and the
/// numeric feature on the group.
pub fn categorical_csv(rows: usize, seed: u64) -> String {
    let mut g = Lcg(seed);
    let mut out = String::from("x1,colour,sex,outcome\n");
    for _ in 0..rows {
        let male = g.next() < 0.5;
        let x1 = (g.next() + g.next() + g.next() - 1.5) * 2.0 + if male { 0.8 } else { 0.0 };
        let colour = ["red", "green", "blue"][(g.next() * 3.0) as usize];
        let shift = match colour {
            "red" => 0.7,
            "green" => -0.3,
            _ => 0.0,
        };
        let p = 1.0 / (1.0 + (-(1.2 * x1 + shift - 0.2)).exp());
        let y = if g.next() < p { "yes" } else { "no" };
        let sex = if male { "M" } else { "F" };
        out.push_str(&format!("{x1},{colour},{sex},{y}\n"));
    }
    out
}

/// Asserts that a JSON value is a number within 1e-12 of `want`.
#[track_caller]
pub fn approx(v: &serde_json::Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-12, "{got} != {want}");
}
