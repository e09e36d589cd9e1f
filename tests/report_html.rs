//! The HTML reports in a real browser: each page is opened in headless Chromium (Debian's
//! `chromium`), and the DOM it dumps must hold every chart and table, with no console message
//! logged. With `--enable-logging=stderr --v=0`, Chromium writes every console message (a
//! script error, a failed resource load reported to the console) to standard error as a line
//! with `:CONSOLE`; a page without scripts has none, and any such line fails the test.
//!
//! Without `chromium` on the PATH the tests print a notice and pass, unless
//! `FAIRKIT_REQUIRE_CHROMIUM=1` (CI sets it) makes them fail.

use std::path::Path;
use std::process::Command;

use crate::util::{run, stderr};

/// The Chromium binary, or `None` (with a notice) when it is absent and not required.
fn chromium() -> Option<&'static str> {
    let found = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("chromium");
    }
    assert!(
        std::env::var("FAIRKIT_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
        "FAIRKIT_REQUIRE_CHROMIUM=1 but chromium is not on the PATH (apt-get install chromium)"
    );
    eprintln!("skipping the browser test: chromium is not installed");
    None
}

/// Chromium's dump of the page's DOM, after failing on any console message.
fn dump_dom(browser: &str, page: &Path) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
        ])
        .arg(page)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = String::from_utf8_lossy(&out.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The DOM has each id once, `svgs` SVG elements, and every chart figure holds one.
fn assert_rendered(dom: &str, ids: &[&str], svgs: usize) {
    for id in ids {
        assert_eq!(dom.matches(&format!("id=\"{id}\"")).count(), 1, "{id}");
        if id.starts_with("chart-") {
            let at = dom.find(&format!("id=\"{id}\"")).unwrap();
            let figure = &dom[at..at + dom[at..].find("</figure>").unwrap()];
            assert!(figure.contains("<svg"), "{id} has no svg");
        }
    }
    assert_eq!(dom.matches("<svg").count(), svgs);
    assert!(dom.contains("<table"));
}

#[test]
fn the_comparison_report_renders_in_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(&["compare", "--quiet", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dom = dump_dom(browser, &out.join("report.html"));
    assert_rendered(
        &dom,
        &[
            "table-config",
            "table-summary",
            "chart-tradeoff",
            "table-by-group",
            "chart-selection-rate",
            "chart-tpr",
            "chart-fpr",
            "table-scores",
            "chart-calibration",
        ],
        5,
    );
    assert_eq!(dom.matches("class=\"card\"").count(), 9);
}

/// A CSV of labels, predictions, scores and a hostile group column.
fn predictions(dir: &Path) -> String {
    let mut csv = String::from("label,pred,score,\"grp<i>\"\n");
    for i in 0..200u32 {
        let group = if i % 3 == 0 {
            "\"<b>x</b> & \"\"y\"\"\""
        } else {
            "plain"
        };
        let score = f64::from((i * 37) % 100) / 100.0;
        csv.push_str(&format!(
            "{},{},{score},{group}\n",
            u8::from((i * 7) % 5 < 2),
            u8::from(score > 0.5),
        ));
    }
    let path = dir.join("p.csv");
    std::fs::write(&path, csv).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn the_assess_and_gate_pages_render_in_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = predictions(dir.path());
    let html = dir.path().join("assess.html");
    let o = run(&[
        "assess",
        "--data",
        &data,
        "--label",
        "label",
        "--pred",
        "pred",
        "--sensitive",
        "grp<i>",
        "--score",
        "score",
        "--html",
        html.to_str().unwrap(),
        "--out",
        dir.path().join("assess.txt").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dom = dump_dom(browser, &html);
    assert_rendered(
        &dom,
        &[
            "table-config",
            "table-by-group",
            "chart-rates",
            "table-disparities",
            "table-scores",
            "chart-calibration",
        ],
        2,
    );
    // The hostile group is text, not markup.
    assert!(dom.contains("&lt;b&gt;x&lt;/b&gt; &amp; \"y\""));
    assert!(!dom.contains("<b>x</b>"));

    let html = dir.path().join("gate.html");
    let o = run(&[
        "gate",
        "--data",
        &data,
        "--label",
        "label",
        "--pred",
        "pred",
        "--sensitive",
        "grp<i>",
        "--html",
        html.to_str().unwrap(),
    ]);
    assert!(o.status.code().is_some_and(|c| c < 2), "{}", stderr(&o));
    let dom = dump_dom(browser, &html);
    assert_rendered(&dom, &["table-checks", "table-by-group", "chart-rates"], 1);
}

/// A multi-dataset sweep's page: the cross-dataset summary, the small multiples, and each
/// dataset's tables and charts under ids ending in the dataset's name.
#[test]
fn the_multi_dataset_report_renders_in_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(&[
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
        "baseline,reweighing,threshold-dp",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dom = dump_dom(browser, &out.join("report.html"));
    let mut ids = vec![
        "table-config".to_string(),
        "table-cross".into(),
        "table-cross-means".into(),
        "chart-small-multiples".into(),
    ];
    for dataset in ["biased-credit", "credit"] {
        ids.push(format!("dataset-{dataset}"));
        for id in [
            "table-summary",
            "chart-tradeoff",
            "table-by-group",
            "chart-selection-rate",
            "chart-tpr",
            "chart-fpr",
            "table-scores",
            "chart-calibration",
        ] {
            ids.push(format!("{id}-{dataset}"));
        }
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    // The small multiples, then five charts per dataset.
    assert_rendered(&dom, &ids, 1 + 2 * 5);
    assert_eq!(dom.matches("class=\"card\"").count(), 3);
    assert_eq!(dom.matches("class=\"how\"").count(), 1 + 2 * 5);
    // The cross-dataset table: one row per dataset and method (its default operating point).
    let at = dom.find("id=\"table-cross\"").unwrap();
    let table = &dom[at..at + dom[at..].find("</table>").unwrap()];
    assert_eq!(table.matches("<tr>").count(), 1 + 2 * 3);
    assert!(dom.contains("default operating point"));
}
