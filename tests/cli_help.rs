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

/// The subcommands listed under `Commands:` in the top-level help.
fn subcommands() -> Vec<String> {
    let top = stdout(&run(&["--help"]));
    top.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|&name| name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_subcommand_has_its_own_help() {
    let names = subcommands();
    for expected in [
        "assess",
        "audit",
        "simulate",
        "train",
        "mitigate",
        "predict",
        "transform",
        "compare",
        "gate",
        "monitor",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} not in {names:?}"
        );
    }
    for name in &names {
        for flag in ["--help", "-h"] {
            let out = run(&[name, flag]);
            assert!(out.status.success(), "{name} {flag}");
            let text = stdout(&out);
            assert!(
                text.contains(&format!("Usage: fairkit {name}")) && text.contains("Options:"),
                "{name} {flag}:\n{text}"
            );
        }
        // The long help is the short help and more.
        let (short, long) = (run(&[name, "-h"]), run(&[name, "--help"]));
        assert!(long.stdout.len() >= short.stdout.len(), "{name}");
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
