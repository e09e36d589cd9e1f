//! `fairkit compare --resume`: an interrupted multi-dataset sweep finished from what `--out`
//! holds (docs/datasets.md#resuming-a-run).

use std::path::Path;

use crate::util::{assert_bad_input, run, stderr};

/// A small two-dataset sweep with `methods`, into `out`; extra flags after.
fn compare(out: &Path, methods: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "compare",
        "--quiet",
        "--datasets",
        "biased-credit,credit",
        "--rows",
        "600",
        "--seeds",
        "2",
        "--sweep",
        "--methods",
        methods,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    run(&args)
}

/// `results.json` without its timing fields: a row's `fit_seconds` and a summary entry's
/// `fit_seconds_mean` and `fit_seconds_std` (wall-clock measurements, one per line).
fn without_timings(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("results.json")).unwrap();
    text.lines()
        .filter(|l| !l.trim_start().starts_with("\"fit_seconds"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_resumed_run_equals_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let o = compare(&a, "baseline,threshold-dp", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = compare(&b, "baseline", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = compare(&b, "baseline,threshold-dp", &["--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Baseline: 2 datasets x 2 seeds reused; threshold-dp: 6 tolerances x 4 fitted.
    assert!(
        stderr(&o).contains(&format!(
            "note: resumed the run in {}: 4 row(s) reused from its results.json, 24 fitted",
            b.display()
        )),
        "{}",
        stderr(&o)
    );
    let (a_json, b_json) = (without_timings(&a), without_timings(&b));
    assert!(a_json.contains("\"knob\": \"tol\"") && a_json.contains("\"dataset\": \"credit\""));
    assert_eq!(a_json, b_json);
    // Every other file is written again from all rows: the page has every dataset's sections.
    let html = std::fs::read_to_string(b.join("report.html")).unwrap();
    assert!(html.contains("id=\"table-summary-credit\""));
    // The resumed run replays like any run.
    let o = run(&["verify", b.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn resuming_a_run_configured_otherwise_exits_2_naming_the_file_and_setting() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let results = out.join("results.json").display().to_string();
    // No run there yet.
    let o = compare(&out, "baseline", &["--resume"]);
    assert_bad_input(&o, &[&format!("error: --resume: {results} does not exist")]);
    assert!(!out.exists(), "a refused run leaves nothing behind");
    let o = compare(&out, "baseline", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = std::fs::read(out.join("results.json")).unwrap();
    let o = compare(&out, "baseline", &["--resume", "--estimator", "tree"]);
    assert_bad_input(
        &o,
        &[&format!(
            "error: {results}: the estimator differs from the recorded run's"
        )],
    );
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    let o = run(&[
        "compare",
        "--quiet",
        "--datasets",
        "biased-credit,credit",
        "--rows",
        "700",
        "--seeds",
        "2",
        "--sweep",
        "--methods",
        "baseline",
        "--resume",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_bad_input(
        &o,
        &[&format!(
            "error: {results}: the data source of dataset biased-credit differs"
        )],
    );
    // The refused runs left the recorded one as it was.
    assert_eq!(std::fs::read(out.join("results.json")).unwrap(), before);
    std::fs::write(out.join("results.json"), "{\"results\": [}").unwrap();
    let o = compare(&out, "baseline", &["--resume"]);
    assert_bad_input(
        &o,
        &[&format!(
            "error: {results}: line 1, column 14: not the results.json"
        )],
    );
}
