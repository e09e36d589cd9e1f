//! `--help` and usage errors of the command line.

use crate::util::{assert_bad_input, run, stdout};

#[test]
fn top_level_help_lists_the_tool() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("Assess and mitigate unfairness"));
}

#[test]
fn unknown_subcommand_exits_2() {
    let out = run(&["no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The subcommands `fairkit --help` lists.
fn subcommands() -> Vec<String> {
    let out = run(&["--help"]);
    let text = stdout(&out);
    text.lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_subcommand_has_help() {
    let names = subcommands();
    for expected in [
        "simulate",
        "train",
        "assess",
        "audit",
        "mitigate",
        "predict",
        "transform",
        "compare",
        "gate",
        "monitor",
        "verify",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    for name in &names {
        let out = run(&[name, "--help"]);
        assert!(out.status.success(), "{name} --help");
        let text = stdout(&out);
        assert!(
            text.contains(&format!("Usage: fairkit {name}")),
            "{name} --help:\n{text}"
        );
        assert!(text.contains("Options:"), "{name} --help:\n{text}");
        let short = run(&[name, "-h"]);
        assert!(short.status.success(), "{name} -h");
    }
}

#[test]
fn predict_and_transform_help_describe_their_output() {
    let cases: [(&str, &[&str]); 2] = [
        (
            "predict",
            &[
                "--model <FILE>",
                "--data <FILE>",
                "--seed <S>",
                "--keep <COLS>",
                "--out <FILE>",
                "--format <FORMAT>",
                "unseen in training becomes all zeros",
                "`expected`",
                "fairkit-model",
            ],
        ),
        (
            "transform",
            &[
                "--method <NAME>",
                "--repair-level <X>",
                "--aif360-binning",
                "--alpha <X>",
                "--apply <FILE>",
                "--out <FILE>",
                "--no-standardize",
                "`col=level`",
                "fairkit train --data OUT",
            ],
        ),
    ];
    for (name, needles) in cases {
        let text = stdout(&run(&[name, "--help"]));
        for needle in needles {
            assert!(
                text.contains(needle),
                "{name} help lacks {needle:?}: {text}"
            );
        }
    }
    assert_bad_input(&run(&["predict", "--data", "x.csv"]), &["--model"]);
    assert_bad_input(&run(&["transform", "--method", "di-remover"]), &["--out"]);
}

/// `assess` explains counts in and SQL out, `monitor` counts out (docs/counts.md), and
/// `assess` needs one source.
#[test]
fn assess_and_monitor_help_describe_counts() {
    let cases: [(&str, &[&str]); 2] = [
        (
            "assess",
            &[
                "--counts <FILE>",
                "--count-column <COL>",
                "[default: count]",
                "--emit-sql",
                "--table <NAME>",
                "--sql-dialect <DIALECT>",
                "bigquery",
                "weight sum",
                "a combination listed twice adds up",
                "of the rows counted",
            ],
        ),
        (
            "monitor",
            &[
                "--emit-counts <FILE>",
                "group,label,prediction,count",
                "labelled predictions",
            ],
        ),
    ];
    for (name, needles) in cases {
        let text = stdout(&run(&[name, "--help"]));
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for needle in needles {
            assert!(
                flat.contains(needle),
                "{name} help lacks {needle:?}: {text}"
            );
        }
    }
    assert_bad_input(
        &run(&["assess", "--label", "y", "--pred", "p", "--sensitive", "g"]),
        &["--data"],
    );
    assert_bad_input(
        &run(&[
            "assess",
            "--data",
            "a.csv",
            "--counts",
            "b.csv",
            "--label",
            "y",
            "--pred",
            "p",
            "--sensitive",
            "g",
        ]),
        &["--counts"],
    );
}
