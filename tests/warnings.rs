//! Small groups (fewer than 30 rows, or fewer than 10 positives or negatives) are warned about
//! by every command that reports on groups: once per group on standard error, and as the
//! `warnings` list of the JSON report, with the counts. And the `!` marks of a table are
//! explained under it.

use std::process::Output;

use crate::util::{assert_bad_input, json, run, stderr, stdout, write_file};

/// The O1 oracle (docs/test-oracles.md#o1) with string labels: group a has 3 positives and 3
/// negatives, group b 2 and 4.
const O1: &str = "\
g,y,p
a,yes,yes
a,yes,yes
a,yes,no
a,no,yes
a,no,no
a,no,no
b,yes,yes
b,yes,no
b,no,no
b,no,no
b,no,no
b,no,no
";

/// The warnings of a JSON report as (group, rows, positives, negatives), and the number of
/// stderr lines that name each group.
fn warnings(out: &Output, key: &[&str]) -> Vec<(String, u64, f64, f64, usize)> {
    let report = json(out);
    let mut list = &report;
    for k in key {
        list = &list[k];
    }
    let err = stderr(out);
    list.as_array()
        .unwrap_or_else(|| panic!("no warnings list in {report}"))
        .iter()
        .map(|w| {
            let group = w["group"].as_str().unwrap().to_string();
            assert!(w["message"].as_str().unwrap().contains("too few"), "{w}");
            let lines = err
                .lines()
                .filter(|l| l.starts_with("warning: ") && l.contains(&format!("'{group}'")))
                .count();
            (
                group,
                w["rows"].as_u64().unwrap(),
                w["positives"].as_f64().unwrap(),
                w["negatives"].as_f64().unwrap(),
                lines,
            )
        })
        .collect()
}

#[test]
fn assess_and_audit_warn_about_each_small_group_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(dir.path(), "o1.csv", O1.as_bytes());
    let common = [
        "--data",
        &data,
        "--label",
        "y",
        "--sensitive",
        "g",
        "--positive-label",
        "yes",
    ];
    let mut assess = vec!["assess", "--format", "json", "--pred", "p"];
    assess.extend(common);
    let want = vec![
        ("a".to_string(), 6, 3.0, 3.0, 1),
        ("b".to_string(), 6, 2.0, 4.0, 1),
    ];
    let out = run(&assess);
    assert_eq!(warnings(&out, &["warnings"]), want);
    assert!(
        stderr(&out).contains(&format!(
            "warning: {data}: group 'b' has 6 rows (2 positive, 4 negative): fewer than 30 rows, \
             10 positives and 10 negatives, too few for its rates to mean much"
        )),
        "{}",
        stderr(&out)
    );
    // --min-group-size 0 leaves the class counts, which are still too few.
    assess.extend(["--min-group-size", "0"]);
    assert_eq!(warnings(&run(&assess), &["warnings"]).len(), 2);
    // The audit (before training) has the same rule; its warnings are sentences.
    let mut audit = vec!["audit", "--format", "json"];
    audit.extend(common);
    let out = run(&audit);
    let report = json(&out);
    let listed = report["warnings"].as_array().unwrap();
    assert!(
        listed.iter().any(|w| w
            .as_str()
            .unwrap()
            .contains("group 'a' has 6 rows (3 positive, 3 negative)")),
        "{listed:?}"
    );
    assert_eq!(
        stderr(&out).matches("warning: ").count(),
        2,
        "{}",
        stderr(&out)
    );
}

#[test]
fn train_and_mitigate_warn_about_small_test_groups() {
    // 100 simulated rows: about 15 test rows per group.
    for command in [vec!["train"], vec!["mitigate", "--method", "threshold-dp"]] {
        let mut args = command.clone();
        args.extend(["--rows", "100", "--format", "json"]);
        let out = run(&args);
        let found = warnings(&out, &["warnings"]);
        let report = json(&out);
        assert_eq!(found.len(), 2, "{command:?}: {found:?}");
        let rows: u64 = found.iter().map(|w| w.1).sum();
        assert_eq!(rows, report["test_rows"].as_u64().unwrap());
        for (group, rows, pos, neg, lines) in found {
            assert_eq!(pos + neg, rows as f64, "{group}");
            assert_eq!(
                report["sizes"]["by_group"][&group]["count"].as_u64(),
                Some(rows)
            );
            assert_eq!(lines, 1, "{command:?} {group}: {}", stderr(&out));
        }
        assert!(stderr(&out).contains("warning: test split (seed 0): group 'A'"));
    }
    // The default data has thousands of rows per group: nothing to warn about.
    let out = run(&["train", "--format", "json"]);
    assert_eq!(json(&out)["warnings"], serde_json::json!([]));
    assert!(!stderr(&out).contains("warning"));
}

#[test]
fn table_explains_its_marks() {
    let text = stdout(&run(&["train"]));
    assert!(text.lines().any(|l| l.starts_with("! ")), "{text}");
    assert!(
        text.contains("! past the usual threshold: a difference above 0.1 or a ratio below 0.8"),
        "{text}"
    );
}

#[test]
fn mitigate_suggests_methods_and_constraints() {
    assert_bad_input(
        &run(&["mitigate", "--method", "expgard"]),
        &["did you mean 'expgrad'?", "threshold-eo"],
    );
    assert_bad_input(
        &run(&[
            "mitigate",
            "--method",
            "expgrad",
            "--constraint",
            "demographic_pairty",
        ]),
        &["did you mean 'demographic_parity'?"],
    );
    assert_bad_input(
        &run(&[
            "mitigate",
            "--method",
            "threshold",
            "--constraint",
            "equalised_odds",
        ]),
        &["did you mean 'equalized_odds'?"],
    );
    assert_bad_input(
        &run(&["train", "--estimator", "trea"]),
        &["did you mean 'tree'?", "linfa-logistic"],
    );
    assert_bad_input(
        &run(&["train", "--solver", "lbgfs"]),
        &["did you mean 'lbfgs'?"],
    );
}
