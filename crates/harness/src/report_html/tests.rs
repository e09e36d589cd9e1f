use super::cards::{METHOD_CARDS, card};
use super::page::escape;
use super::*;
use crate::assess::{AssessConfig, run as assess};
use crate::compare::{CompareConfig, compare};
use crate::method::{MethodSpec, PRESETS};
use fairkit_data::predictions::PredictionColumns;

/// A group name that breaks out of every HTML context if left raw.
const HOSTILE: &str = "</td><script>alert('x')</script><img src=\"http://evil/x.png\"> & \"q\"";

fn default_comparison() -> Comparison {
    let mut c = compare(&CompareConfig::default(), &|_| {}).unwrap();
    // Fit times are measurements; the rest of the page is a function of the data.
    for r in &mut c.results {
        r.fit_seconds = 0.0;
    }
    for s in &mut c.summary {
        s.fit_seconds = (0.0, 0.0);
    }
    c
}

/// The page holds no script, no external reference (`src`/`href` of any kind) and no
/// stylesheet link: it is readable offline as it is.
fn assert_self_contained(html: &str) {
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "a script");
    for attribute in ["src=\"", "src='", "href=\"", "href='"] {
        assert!(!lower.contains(attribute), "an attribute {attribute}");
    }
    assert!(!lower.contains("<link"), "a link element");
    assert!(
        !lower.contains("@import") && !lower.contains("url("),
        "a CSS fetch"
    );
    assert!(lower.starts_with("<!doctype html>"));
    assert!(lower.trim_end().ends_with("</html>"));
}

#[test]
fn escape_replaces_every_special_character() {
    assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
    assert_eq!(escape("plain é"), "plain é");
}

#[test]
fn hostile_group_and_method_names_are_escaped_everywhere() {
    let mut c = default_comparison();
    for r in &mut c.results {
        for g in &mut r.by_group {
            g.group = format!("{HOSTILE}{}", g.group);
        }
    }
    let renamed = format!("{HOSTILE} method");
    c.results
        .iter_mut()
        .filter(|r| r.method == "baseline")
        .for_each(|r| r.method = renamed.clone());
    c.summary[0].method = renamed.clone();
    c.config.methods[0].name = renamed.clone();
    let html = comparison(&c).unwrap();
    assert!(!html.contains(HOSTILE), "a raw hostile name");
    assert!(!html.contains("<script"));
    assert!(!html.contains("<img"));
    assert!(
        html.contains(&escape(&format!("{HOSTILE}A"))),
        "the group in the table"
    );
    assert!(
        html.contains(&escape(&renamed)),
        "the method in the tables and cards"
    );
    assert_self_contained(&html);
}

#[test]
fn an_assessment_page_escapes_hostile_groups_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.csv");
    let quoted = HOSTILE.replace('"', "\"\"");
    let mut csv = String::from("label,pred,\"<col>\",score\n");
    for i in 0..40 {
        let group = if i % 2 == 0 { "plain" } else { &quoted };
        csv.push_str(&format!(
            "{},{},\"{group}\",{}\n",
            i % 3 == 0,
            i % 4 == 0,
            (i as f64) / 40.0
        ));
    }
    let csv = csv.replace("true", "1").replace("false", "0");
    std::fs::write(&path, csv).unwrap();
    let mut config = AssessConfig::new(&path, PredictionColumns::new("label", "pred", ["<col>"]));
    config.score = Some("score".into());
    let a = assess(&config).unwrap();
    let html = assessment(&a);
    assert!(!html.contains(HOSTILE));
    assert!(!html.contains("<col>"));
    assert!(html.contains(&escape(HOSTILE)));
    assert!(html.contains("&lt;col&gt;"));
    for id in [
        "table-by-group",
        "chart-rates",
        "table-disparities",
        "table-scores",
        "chart-calibration",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert_eq!(html.matches("<svg").count(), 2);
    assert_self_contained(&html);
}

#[test]
fn the_comparison_page_is_self_contained_complete_and_deterministic() {
    let c = default_comparison();
    let html = comparison(&c).unwrap();
    assert_self_contained(&html);
    for id in [
        "table-config",
        "table-summary",
        "chart-tradeoff",
        "table-by-group",
        "chart-selection-rate",
        "chart-tpr",
        "chart-fpr",
    ] {
        assert_eq!(html.matches(&format!("id=\"{id}\"")).count(), 1, "{id}");
    }
    // One "how to read this" per chart.
    assert_eq!(
        html.matches("How to read this.").count(),
        html.matches("<svg").count()
    );
    // One card per method, each saying whether it is randomized.
    assert_eq!(
        html.matches("class=\"card\"").count(),
        c.config.methods.len()
    );
    assert_eq!(
        html.matches("<dt>randomized</dt><dd>yes").count(),
        4,
        "the two expgrad and the two threshold optimizers"
    );
    // Same comparison, same bytes; a second run of the same seeds, same bytes.
    assert_eq!(comparison(&c).unwrap(), html);
    assert_eq!(comparison(&default_comparison()).unwrap(), html);
}

#[test]
fn the_group_means_are_the_means_of_the_rows() {
    let c = default_comparison();
    let groups = group_names(&c);
    assert_eq!(groups, ["A", "B"]);
    let means = group_means(&c, &groups);
    let rows: Vec<f64> = c
        .results
        .iter()
        .filter(|r| r.method == c.summary[2].method)
        .map(|r| r.by_group[1].true_positive_rate)
        .collect();
    let want = rows.iter().sum::<f64>() / rows.len() as f64;
    assert!((means[2][1][1].0 - want).abs() < 1e-15);
    // The expected selection rate of a group is between 0 and 1 and its difference across
    // groups is the row's demographic parity difference.
    for r in &c.results {
        let d = (r.by_group[0].selection_rate - r.by_group[1].selection_rate).abs();
        assert!((d - r.expected.demographic_parity_difference).abs() < 1e-12);
    }
}

#[test]
fn every_method_family_has_a_card() {
    for preset in PRESETS {
        let spec: MethodSpec = preset.parse().unwrap();
        let family = spec.method().family();
        assert!(card(family).is_some(), "no card for {family}");
    }
    let mut families: Vec<&str> = METHOD_CARDS.iter().map(|c| c.family).collect();
    families.dedup();
    assert_eq!(families.len(), METHOD_CARDS.len());
    for c in METHOD_CARDS {
        assert!(
            ["none", "pre", "in", "post"].contains(&c.stage),
            "{}",
            c.family
        );
    }
}
