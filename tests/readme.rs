//! The README tells the story of numbers this code computes: the quick-start table is what
//! `fairkit compare` (and the `comparison` example, which runs the same configuration through
//! the library) prints, figure for figure, and the prose around it quotes that table. A change
//! that moves a number fails here until the README says the new one.

use fairkit::harness::compare::{CompareConfig, Comparison, compare};

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The words of each line of the table, without the fit-time column (timings vary) and the
/// rule under the header (its width follows the timings).
fn words(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .filter(|l| !l.starts_with("---"))
        .map(|l| {
            let mut w: Vec<String> = l.split_whitespace().map(str::to_string).collect();
            if l.starts_with("method") && l.ends_with("fit s") {
                w.truncate(w.len() - 2);
            } else if l.contains(" ± ") && w.len() > 3 {
                w.truncate(w.len() - 3);
            }
            w
        })
        .collect()
}

/// The README's quick-start output, from its first line to the Pareto footnote.
fn quick_start_table(readme: &str) -> &str {
    let start = readme
        .find("logistic on biased-credit")
        .expect("the README shows the default comparison");
    let block = &readme[start..];
    let end = block
        .find("\n\nwrote ")
        .expect("the table ends before the files line");
    &block[..end]
}

fn summary(c: &Comparison, method: &str, metric: usize) -> f64 {
    c.summary
        .iter()
        .find(|r| r.method == method)
        .unwrap_or_else(|| panic!("{method} is a default method"))
        .metrics[metric]
        .0
}

#[test]
fn the_quick_start_table_and_its_story_are_what_compare_computes() {
    let comparison = compare(&CompareConfig::default(), &|_| {}).unwrap();
    let readme = readme();
    let shown = quick_start_table(&readme);
    let computed = comparison.render_table();
    assert_eq!(
        words(shown),
        words(computed.trim_end()),
        "the README's quick-start table differs from what compare prints:\n{computed}"
    );
    // The prose quotes the table (headline columns 0 accuracy, 2 DP difference, 3 DP ratio),
    // across line breaks.
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let acc = |m| summary(&comparison, m, 0);
    let dp = summary(&comparison, "baseline", 2);
    let ratio = summary(&comparison, "baseline", 3);
    let points = |x: f64| format!("{:.0}", 100.0 * x);
    for needle in [
        format!("approves group `B` {} points less often", points(dp)),
        format!("demographic parity difference {dp:.3}, ratio {ratio:.2}"),
        format!(
            "exponentiated gradient pays {} points of accuracy",
            points(acc("baseline") - acc("expgrad-eo"))
        ),
        format!(
            "the threshold optimizer {}",
            points(acc("baseline") - acc("threshold-eo"))
        ),
    ] {
        assert!(flat.contains(&needle), "the README should say {needle:?}");
    }
}

/// The README's methods table and the report's method cards (one table in the code) agree:
/// every family has a row citing the card's paper, with the card's kind.
#[test]
fn the_methods_table_cites_each_method_card() {
    let readme = readme();
    for card in fairkit::harness::report_html::cards::METHOD_CARDS {
        let start = format!("| `{}` |", card.family);
        let row = readme
            .lines()
            .find(|l| l.starts_with(&start))
            .unwrap_or_else(|| panic!("no README row for {}", card.family));
        if let Some(paper) = card.paper {
            assert!(row.contains(paper), "{row} does not cite {paper}");
        }
        assert!(
            row.trim_end().ends_with(&format!("| {} |", card.stage)),
            "{row}: kind is not {}",
            card.stage
        );
    }
}

/// The README's test command is what CI runs: the quick start names `scripts/test-all`, `.ci/run`
/// calls exactly it, and the script runs the workspace's tests and the Python module's.
#[test]
fn the_readme_test_command_is_what_ci_runs() {
    let readme = readme();
    let start = readme.find("## Quick start").expect("a quick start");
    let quick_start = &readme[start..];
    let block = &quick_start[..quick_start.find("\n```\n").expect("a command block")];
    let commands: Vec<&str> = block
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("```") && !l.trim().is_empty())
        .collect();
    assert_eq!(
        commands,
        ["cargo run --release -- compare", "scripts/test-all"]
    );
    let root = env!("CARGO_MANIFEST_DIR");
    let ci = std::fs::read_to_string(format!("{root}/.ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l.trim() == "scripts/test-all"),
        ".ci/run must call exactly scripts/test-all"
    );
    assert!(
        !ci.lines().any(|l| l.trim().starts_with("cargo test")),
        ".ci/run runs the tests through scripts/test-all only"
    );
    let script = std::fs::read_to_string(format!("{root}/scripts/test-all")).unwrap();
    for step in [
        "cargo test --release --workspace",
        "maturin develop --release",
        "-m pytest",
    ] {
        assert!(
            script.contains(step),
            "scripts/test-all should run {step:?}"
        );
    }
}
