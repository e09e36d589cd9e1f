//! `fairkit gate --evidence` and `fairkit verify`: evidence that replays
//! (docs/gate-and-monitor.md#evidence-that-replays).

use std::path::Path;

use serde_json::Value;

use crate::util::{assert_bad_input, run, stderr, stdout, write_file};

/// A prediction file: two groups of 300 rows, the candidate in `pred`, a baseline in `base`.
fn predictions(dir: &Path) -> String {
    let mut text = String::from("sex,label,pred,base\n");
    for (g, tp, fp) in [("F", 110, 30), ("M", 130, 20)] {
        for i in 0..300 {
            let label = i < 150;
            let pred = if label { i < tp } else { i - 150 < fp };
            let base = if label { i < 120 } else { i - 150 < 25 };
            text.push_str(&format!(
                "{g},{},{},{}\n",
                label as u8, pred as u8, base as u8
            ));
        }
    }
    write_file(dir, "pred.csv", text.as_bytes())
}

fn record(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("evidence.json")).unwrap()).unwrap()
}

#[test]
fn a_gate_decision_replays_and_a_changed_input_or_report_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let data = predictions(tmp.path());
    let config = write_file(tmp.path(), "gate.toml", b"n_boot = 200\nseed = 11\n");
    let ev = tmp.path().join("ev");
    let out = tmp.path().join("report.txt");
    let args = [
        "gate",
        "--data",
        &data,
        "--label",
        "label",
        "--pred",
        "pred",
        "--sensitive",
        "sex",
        "--baseline-pred",
        "base",
        "--config",
        &config,
        "--confidence",
        "0.9",
        "--accuracy-margin",
        "off",
        "--evidence",
        ev.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let gated = run(&args);
    let code = gated.status.code();
    assert!(matches!(code, Some(0 | 1)), "{}", stderr(&gated));
    // --out and the evidence are written together; the JSON report is the --format json one.
    assert!(out.exists());
    let mut names: Vec<String> = std::fs::read_dir(&ev)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["evidence.json", "gate.toml", "report.json"]);
    let json = run(&[&args[..17], &["--format", "json"]].concat());
    assert_eq!(json.stdout, std::fs::read(ev.join("report.json")).unwrap());

    // The record: version, seed, command line, the inputs' and outputs' SHA-256.
    let r = record(&ev);
    assert_eq!(r["command"], "gate");
    assert_eq!(r["fairkit_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(r["seeds"], serde_json::json!([11]));
    let line: Vec<&str> = r["command_line"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(&line[1..], &args[..]);
    let inputs = r["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0]["role"], "--data");
    assert_eq!(inputs[1]["role"], "--config");
    let sha = |s: &[u8]| fairkit_harness::evidence::sha256_hex(s);
    assert_eq!(
        inputs[0]["sha256"],
        sha(&std::fs::read(&data).unwrap()).as_str()
    );
    assert_eq!(
        r["outputs"][0]["sha256"],
        sha(&std::fs::read(ev.join("report.json")).unwrap()).as_str()
    );
    // The resolved configuration: the file's seed, the flags' confidence and margin, every key.
    let resolved = std::fs::read_to_string(ev.join("gate.toml")).unwrap();
    for line in [
        "seed = 11\n",
        "n_boot = 200\n",
        "confidence = 0.9\n",
        "accuracy_margin = false\n",
        "multiplicity = \"max-t\"\n",
    ] {
        assert!(resolved.contains(line), "{line}: {resolved}");
    }

    let verified = run(&["verify", ev.to_str().unwrap()]);
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
    assert!(
        stdout(&verified).starts_with("verified: "),
        "{}",
        stdout(&verified)
    );

    // A report edited after the run: named, exit 1.
    let report = std::fs::read_to_string(ev.join("report.json")).unwrap();
    let edited = report.replacen("\"status\": \"inconclusive\"", "\"status\": \"pass\"", 1);
    assert_ne!(edited, report);
    std::fs::write(ev.join("report.json"), &edited).unwrap();
    let v = run(&["verify", ev.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1), "{}", stderr(&v));
    let text = stdout(&v);
    assert!(text.contains("differs: report.json: its SHA-256"), "{text}");
    assert!(
        text.contains(
            "at line 2: recorded '\"status\": \"pass\",', replayed '\"status\": \"inconclusive\",'"
        ),
        "{text}"
    );
    std::fs::write(ev.join("report.json"), &report).unwrap();

    // A changed input: named with both digests, not replayed, exit 1.
    let original = std::fs::read(&data).unwrap();
    let mut changed = original.clone();
    let last = changed.len() - 2;
    changed[last] = if changed[last] == b'0' { b'1' } else { b'0' };
    std::fs::write(&data, &changed).unwrap();
    let v = run(&["verify", ev.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1), "{}", stderr(&v));
    let text = stdout(&v);
    assert!(
        text.contains(&format!(
            "differs: input --data {data}: SHA-256 {}, recorded {}",
            sha(&changed),
            sha(&original)
        )),
        "{text}"
    );
    assert!(text.contains("not replayed"), "{text}");
    std::fs::write(&data, &original).unwrap();
    assert_eq!(
        run(&["verify", ev.to_str().unwrap()]).status.code(),
        Some(0)
    );
}

#[test]
fn a_compare_run_directory_replays() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let out = run(&[
        "compare",
        "--rows",
        "1500",
        "--seeds",
        "2",
        "--methods",
        "baseline,expgrad-dp,threshold-dp",
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = record(&dir);
    assert_eq!(r["command"], "compare");
    // The split seeds, then the scenario's seed; the simulated data has no input file.
    assert_eq!(r["seeds"], serde_json::json!([0, 1, 0]));
    assert_eq!(r["inputs"], serde_json::json!([]));
    assert_eq!(r["outputs"].as_array().unwrap().len(), 6);
    let v = run(&["verify", dir.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}{}", stdout(&v), stderr(&v));

    // The CSV's accuracy edited (and its recorded digest with it): the replay names the line.
    let csv = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let cells: Vec<&str> = lines[1].split(',').collect();
    let j = lines[0].split(',').position(|c| c == "accuracy").unwrap();
    let mut edited_cells: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
    edited_cells[j] = "0.999".into();
    lines[1] = edited_cells.join(",");
    let edited = lines.join("\n") + "\n";
    std::fs::write(dir.join("results.csv"), &edited).unwrap();
    let text = std::fs::read_to_string(dir.join("evidence.json"))
        .unwrap()
        .replace(
            &fairkit_harness::evidence::sha256_hex(csv.as_bytes()),
            &fairkit_harness::evidence::sha256_hex(edited.as_bytes()),
        );
    std::fs::write(dir.join("evidence.json"), text).unwrap();
    let v = run(&["verify", dir.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1), "{}", stderr(&v));
    let text = stdout(&v);
    assert!(
        text.starts_with("differs: results.csv: differs from the replay at line 2"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 2, "{text}");
}

#[test]
fn verify_without_a_record_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    assert_bad_input(&run(&["verify", dir]), &["cannot read", "evidence.json"]);
    write_file(tmp.path(), "evidence.json", b"{\n  \"command\": 3\n}\n");
    assert_bad_input(
        &run(&["verify", dir]),
        &[
            "evidence.json: line 2, column",
            "not a fairkit evidence record",
        ],
    );
    let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}
