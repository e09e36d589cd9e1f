//! `fairkit simulate`.

use crate::util::{run, stderr, stdout};

#[test]
fn same_seed_same_bytes_and_a_header() {
    let a = run(&["simulate", "--rows", "50", "--seed", "3"]);
    let b = run(&["simulate", "--rows", "50", "--seed", "3"]);
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout);
    let text = stdout(&a);
    assert_eq!(text.lines().count(), 51);
    let header = text.lines().next().unwrap();
    assert!(
        header.contains("approved") && header.contains("group"),
        "{header}"
    );
    let c = run(&["simulate", "--rows", "50", "--seed", "4"]);
    assert_ne!(a.stdout, c.stdout);
}

#[test]
fn writes_the_file_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.csv");
    let out = run(&["simulate", "--rows", "20", "--out", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 21);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn zero_rows_and_unknown_scenario_exit_2() {
    let out = run(&["simulate", "--rows", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("rows"), "{}", stderr(&out));
    let out = run(&["simulate", "--scenario", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope"), "{}", stderr(&out));
    assert!(stderr(&out).contains("biased-credit"), "{}", stderr(&out));
}

#[test]
fn failed_run_leaves_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.csv");
    let out = run(&["simulate", "--rows", "0", "--out", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!path.exists());
}
