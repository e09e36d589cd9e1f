//! `--help` and usage errors of the command line.

use crate::util::{run, stdout};

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
