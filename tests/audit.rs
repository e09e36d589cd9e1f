//! `fairkit audit`: the built-in scenario, O3's label metrics (docs/test-oracles.md#o3), proxies,
//! bad input, help.

use std::path::Path;

use serde_json::Value;

use crate::util::{approx, assert_bad_input, flag_help, json, run, stderr, stdout, write_file};

fn audit_json(args: &[&str]) -> Value {
    let mut all = vec!["audit", "--format", "json"];
    all.extend_from_slice(args);
    json(&run(&all))
}

/// O1's labels (docs/test-oracles.md#o1) with a perfect proxy, a noise column and a text column
/// that is the group.
const O1: &str = "\
g,y,proxy,noise,city
a,1,1,1,x
a,1,1,2,x
a,1,1,3,x
a,0,1,1,x
a,0,1,2,x
a,0,1,3,x
b,1,0,1,y
b,1,0,2,y
b,0,0,3,y
b,0,0,1,y
b,0,0,2,y
b,0,0,3,y
";

fn write(dir: &Path, content: &[u8]) -> String {
    write_file(dir, "data.csv", content)
}

#[test]
fn o3_label_metrics_and_proxies() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), O1.as_bytes());
    let r = audit_json(&["--data", &data, "--label", "y", "--sensitive", "g"]);
    assert_eq!(r["n_rows"], 12);
    approx(&r["by_group"]["a"]["base_rate"], 0.5);
    approx(&r["by_group"]["b"]["base_rate"], 1.0 / 3.0);
    approx(&r["by_group"]["a"]["share"], 0.5);
    approx(&r["label_demographic_parity_difference"], 1.0 / 6.0);
    approx(&r["label_disparate_impact"], 2.0 / 3.0);
    assert_eq!(r["highest_base_rate_group"], "a");
    assert_eq!(r["by_group"]["a"]["small"], true);
    let warnings = r["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("fewer than 30")),
        "{warnings:?}"
    );
    assert!(r["proxy_statistic"].as_str().unwrap().contains("eta^2"));
    let proxies: Vec<(&str, f64)> = r["proxies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["feature"].as_str().unwrap(),
                p["eta_squared"].as_f64().unwrap(),
            )
        })
        .collect();
    // Numeric columns first, then the one-hot levels; ranked by eta², ties in column order.
    assert_eq!(
        proxies,
        [
            ("proxy", 1.0),
            ("city=x", 1.0),
            ("city=y", 1.0),
            ("noise", 0.0)
        ]
    );
    // --top, --features, --min-group-size.
    let r = audit_json(&[
        "--data",
        &data,
        "--label",
        "y",
        "--sensitive",
        "g",
        "--features",
        "noise,proxy",
        "--top",
        "1",
        "--min-group-size",
        "6",
    ]);
    assert_eq!(r["proxies"].as_array().unwrap().len(), 1);
    assert_eq!(r["proxies"][0]["feature"], "proxy");
    assert_eq!(r["by_group"]["a"]["small"], false);
    // Six rows are enough under --min-group-size 6, but not 3 positives: the class counts of
    // the small-group rule still warn.
    let warnings = r["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    for w in warnings {
        let w = w.as_str().unwrap();
        assert!(
            w.contains("fewer than 10 positives") && !w.contains("rows,"),
            "{w}"
        );
    }
}

#[test]
fn weights_change_shares_and_base_rates() {
    let csv = "g,y,w\na,1,3\na,0,1\nb,1,1\nb,0,1\n";
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), csv.as_bytes());
    let r = audit_json(&[
        "--data",
        &data,
        "--label",
        "y",
        "--sensitive",
        "g",
        "--weights",
        "w",
    ]);
    approx(&r["by_group"]["a"]["base_rate"], 0.75);
    approx(&r["by_group"]["a"]["weight_share"], 4.0 / 6.0);
    approx(&r["by_group"]["a"]["share"], 0.5);
    assert_eq!(r["proxies"], serde_json::json!([]));
}

#[test]
fn default_data_is_the_built_in_scenario() {
    let r = audit_json(&[]);
    assert_eq!(r["n_rows"], 10_000);
    let groups = r["by_group"].as_object().unwrap();
    assert_eq!(groups.keys().collect::<Vec<_>>(), ["A", "B"]);
    // The scenario is biased: group B has the lower base rate, and its proxy feature leads.
    assert_eq!(r["lowest_base_rate_group"], "B");
    let dp = r["label_demographic_parity_difference"].as_f64().unwrap();
    assert!(dp > 0.05, "{dp}");
    assert_eq!(r["proxies"][0]["feature"], "neighbourhood_score");
    // Same data, same report; the table names the groups and the statistic.
    assert_eq!(audit_json(&[]), r);
    let out = run(&["audit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.lines().nth(1).unwrap().starts_with("A "), "{text}");
    assert!(text.contains("label disparate impact"), "{text}");
    assert!(
        text.contains("proxy candidates, by correlation ratio eta^2"),
        "{text}"
    );
}

#[test]
fn writes_the_file_atomically_and_none_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("audit.json");
    let out = run(&[
        "audit",
        "--format",
        "json",
        "--out",
        report.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["n_rows"], 10_000);
    std::fs::remove_file(&report).unwrap();
    let data = write(dir.path(), b"g,y\na,1\na,0\n");
    let out = run(&[
        "audit",
        "--data",
        &data,
        "--label",
        "y",
        "--sensitive",
        "g",
        "--out",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("single group"), "{}", stderr(&out));
    assert!(!report.exists());
}

#[test]
fn bad_input_names_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[u8], &[&str], &str); 6] = [
        (b"g,y\na,1\nb\n", &[], "line 3: row 2 has 1 fields"),
        (b"g,y\na,1\nb,0\nb,2\n", &[], "not binary"),
        (
            b"g,y,w\na,1,1\nb,0,-1\n",
            &["--weights", "w"],
            "negative weight",
        ),
        (
            b"g,y,w\na,1,1\nb,0,nan\n",
            &["--weights", "w"],
            "NaN or infinite",
        ),
        (
            b"g,y\na,1\nb,0\n",
            &["--features", "nope"],
            "missing column 'nope'",
        ),
        (b"g,y\n", &[], "no data rows"),
    ];
    for (csv, extra, needle) in cases {
        let data = write(dir.path(), csv);
        let mut args = vec!["audit", "--data", &data, "--label", "y", "--sensitive", "g"];
        args.extend_from_slice(extra);
        assert_bad_input(&run(&args), &[needle]);
    }
}

#[test]
fn data_without_label_is_a_usage_error() {
    let out = run(&["audit", "--data", "x.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--label"), "{}", stderr(&out));
}

#[test]
fn help_explains_every_flag() {
    let out = run(&["audit", "--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    let flags = [
        ("--data", "built-in"),
        ("--label", "labels"),
        ("--sensitive", "intersectional"),
        ("--positive-label", "favourable outcome"),
        ("--weights", "sample weights"),
        ("--features", "proxy candidates"),
        ("--min-group-size", "flagged as small"),
        ("--top", "strongest proxy"),
        ("--format", "JSON"),
        ("--out", "atomically"),
    ];
    for (flag, purpose) in flags {
        let help = flag_help(&text, flag);
        assert!(
            help.contains(purpose),
            "{flag}: {purpose:?} not in {help:?}"
        );
    }
    assert!(
        text.contains("correlation ratio"),
        "the statistic is stated"
    );
}
