//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
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

/// The shared reference folder (`../shared` next to the project), if present.
///
/// Tests that need it call [`shared_or_skip`]. Under `FAIRKIT_REQUIRE_SHARED=1` (set by
/// `.ci/run`) a missing folder fails the test instead of skipping it.
pub fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// The path of a shared file, or `None` (with a printed notice) when it is absent and not
/// required.
pub fn shared_or_skip(relative: &str) -> Option<PathBuf> {
    let path = shared_dir().join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("FAIRKIT_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!("required shared file {} is missing", path.display());
    }
    eprintln!("skipping: shared file {} is absent", path.display());
    None
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

/// Asserts that a JSON value is a number within 1e-12 of `want`.
#[track_caller]
pub fn approx(v: &serde_json::Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-12, "{got} != {want}");
}
