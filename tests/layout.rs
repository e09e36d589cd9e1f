//! `--delimiter`, `--no-header` and `--columns` on every command that reads a CSV file: the same
//! data in another layout gives the same numbers, a file read with the wrong delimiter says
//! which one it looks like, and UCI's German credit file (space-separated, no header) runs end
//! to end.

use serde_json::Value;

use crate::util::{
    CATEGORICAL_FLAGS, assert_bad_input, categorical_csv, json, run, stderr, stdout, write_file,
};

/// `text` (comma-separated, header first) with another delimiter, and without its header.
fn relayout(text: &str, delimiter: &str, header: bool) -> String {
    text.lines()
        .skip(usize::from(!header))
        .map(|l| l.replace(',', delimiter) + "\n")
        .collect()
}

/// The JSON of a run with `args` on `file`, without the keys that name the file and the fit
/// time.
fn report(args: &[&str], file: &str, extra: &[&str]) -> Value {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--data", file]);
    all.extend(extra);
    let mut v = json(&run(&all));
    if let Some(o) = v.as_object_mut() {
        o.remove("dataset");
        o.remove("fit_seconds");
        if let Some(input) = o.get_mut("input").and_then(Value::as_object_mut) {
            input.remove("file");
        }
    }
    v
}

const COLUMNS: &str = "x1,colour,sex,outcome";

#[test]
fn every_layout_of_the_same_data_gives_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let text = categorical_csv(400, 7);
    let comma = write_file(dir.path(), "d.csv", text.as_bytes());
    let semi = write_file(dir.path(), "d.ssv", relayout(&text, ";", true).as_bytes());
    let tab = write_file(dir.path(), "d.tsv", relayout(&text, "\t", true).as_bytes());
    let spaces = relayout(&text, "  ", false).replace('\n', " \n");
    let ws = write_file(dir.path(), "d.data", spaces.as_bytes());
    let mut train = vec!["train", "--format", "json"];
    train.extend(CATEGORICAL_FLAGS);
    let want = report(&train, &comma, &[]);
    assert!(want["overall"]["accuracy"].as_f64().unwrap() > 0.5);
    assert_eq!(report(&train, &semi, &["--delimiter", ";"]), want);
    assert_eq!(report(&train, &tab, &["--delimiter", "tab"]), want);
    let headerless = [
        "--delimiter",
        "whitespace",
        "--no-header",
        "--columns",
        COLUMNS,
    ];
    assert_eq!(report(&train, &ws, &headerless), want);
    // Without --columns the columns are c1..c4.
    let numbered = report(
        &[
            "train",
            "--format",
            "json",
            "--label",
            "c4",
            "--positive-label",
            "yes",
            "--sensitive",
            "c3",
        ],
        &ws,
        &["--delimiter", "whitespace", "--no-header"],
    );
    assert_eq!(numbered["overall"], want["overall"]);
    assert_eq!(numbered["by_group"], want["by_group"]);
}

#[test]
fn assess_gate_audit_predict_and_transform_read_every_layout() {
    let dir = tempfile::tempdir().unwrap();
    // The categorical file with a prediction column: yes when x1 is positive.
    let text: String = categorical_csv(300, 3)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let guess = match i {
                0 => "guess",
                _ if l.starts_with('-') => "no",
                _ => "yes",
            };
            format!("{l},{guess}\n")
        })
        .collect();
    let comma = write_file(dir.path(), "d.csv", text.as_bytes());
    let tab = write_file(dir.path(), "d.tsv", relayout(&text, "\t", true).as_bytes());
    let bare = write_file(dir.path(), "d.txt", relayout(&text, "|", false).as_bytes());
    let columns = format!("{COLUMNS},guess");
    let headerless = ["--delimiter", "|", "--no-header", "--columns", &columns];
    let predictions = [
        "--label",
        "outcome",
        "--pred",
        "guess",
        "--positive-label",
        "yes",
        "--sensitive",
        "sex",
    ];
    let assess = [&["assess", "--format", "json"][..], &predictions].concat();
    let want = report(&assess, &comma, &[]);
    assert_eq!(report(&assess, &tab, &["--delimiter", "tab"]), want);
    assert_eq!(report(&assess, &bare, &headerless), want);
    let gate = [
        &["gate", "--format", "json"][..],
        &predictions,
        &["--dp-max", "off", "--min-accuracy", "off"],
    ]
    .concat();
    let g = |file: &str, extra: &[&str]| {
        let mut args: Vec<&str> = gate.to_vec();
        args.extend(["--data", file]);
        args.extend(extra);
        let out = run(&args);
        (out.status.code(), stdout(&out))
    };
    let (code, gate_json) = g(&comma, &[]);
    assert!(code == Some(0) || code == Some(1), "{gate_json}");
    assert_eq!(g(&tab, &["--delimiter", "tab"]), (code, gate_json.clone()));
    assert_eq!(g(&bare, &headerless), (code, gate_json));
    let mut audit = vec!["audit", "--format", "json"];
    audit.extend(CATEGORICAL_FLAGS);
    let want = report(&audit, &comma, &[]);
    assert_eq!(report(&audit, &tab, &["--delimiter", "tab"]), want);
    assert_eq!(report(&audit, &bare, &headerless), want);

    // predict: a model saved from the comma file predicts the tab and header-less files alike.
    let model = dir.path().join("m.json");
    let mut save = vec![
        "train",
        "--data",
        &comma,
        "--save-model",
        model.to_str().unwrap(),
    ];
    save.extend(CATEGORICAL_FLAGS);
    let out = run(&save);
    assert!(out.status.success(), "{}", stderr(&out));
    let predict = |file: &str, extra: &[&str]| {
        let mut args = vec![
            "predict",
            "--model",
            model.to_str().unwrap(),
            "--data",
            file,
        ];
        args.extend(extra);
        let out = run(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        out.stdout
    };
    let want = predict(&comma, &[]);
    assert_eq!(predict(&tab, &["--delimiter", "tab"]), want);
    assert_eq!(predict(&bare, &headerless), want);

    // transform: fitted on the tab file, applied to the header-less one.
    let transform = |data: &str, data_flags: &[&str], apply: &str, name: &str| -> Vec<u8> {
        let out_path = dir.path().join(name);
        let mut args = vec!["transform", "--method", "di-remover", "--data", data];
        args.extend(data_flags);
        args.extend(CATEGORICAL_FLAGS);
        args.extend(["--apply", apply, "--out", out_path.to_str().unwrap()]);
        let out = run(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::read(out_path).unwrap()
    };
    let want = transform(&comma, &[], &comma, "a.csv");
    assert_eq!(
        transform(&tab, &["--delimiter", "tab"], &tab, "b.csv"),
        want
    );
}

#[test]
fn a_file_read_with_the_wrong_delimiter_says_which_it_looks_like() {
    let dir = tempfile::tempdir().unwrap();
    let text = categorical_csv(50, 1);
    let tab = write_file(dir.path(), "d.tsv", relayout(&text, "\t", true).as_bytes());
    let ws = write_file(dir.path(), "d.data", relayout(&text, " ", true).as_bytes());
    let semi = write_file(dir.path(), "d.ssv", relayout(&text, ";", true).as_bytes());
    let mut train = vec!["train", "--data"];
    for (file, looks, flag) in [
        (&tab, "looks tab-separated", "pass --delimiter tab"),
        (
            &ws,
            "looks separated by runs of spaces",
            "pass --delimiter whitespace",
        ),
        (
            &semi,
            "looks semicolon-separated",
            "pass --delimiter semicolon",
        ),
    ] {
        train.truncate(2);
        train.push(file);
        train.extend(CATEGORICAL_FLAGS);
        assert_bad_input(&run(&train), &[file, "missing column", looks, flag]);
    }
    // The same in assess, whose reader keeps only the columns it needs.
    assert_bad_input(
        &run(&[
            "assess",
            "--data",
            &semi,
            "--label",
            "outcome",
            "--pred",
            "outcome",
            "--sensitive",
            "sex",
        ]),
        &["pass --delimiter semicolon"],
    );
    // Flags that need one another, or a CSV file.
    let named = ["--columns", "a,b", "--label", "a", "--sensitive", "b"];
    let train_named =
        |file: &str, flags: &[&str]| run(&[&["train", "--data", file], flags, &named].concat());
    assert_bad_input(&train_named(&tab, &[]), &["--no-header"]);
    assert_bad_input(&run(&["train", "--delimiter", "tab"]), &["--data"]);
    assert_bad_input(&run(&["audit", "--no-header"]), &["--data"]);
    assert_bad_input(
        &run(&["train", "--data", &tab, "--delimiter", "ab"]),
        &["delimiter", "whitespace"],
    );
    // Names for a header-less file must match its width.
    assert_bad_input(
        &train_named(&ws, &["--delimiter", "whitespace", "--no-header"]),
        &["line 1 has 4 fields, but 2 column names were given"],
    );
}

/// UCI's attribute names of German credit, in file order.
const GERMAN: &str = "checking_status,duration,credit_history,purpose,credit_amount,savings,\
employment,installment_rate,personal_status_sex,other_debtors,residence_since,property,age,\
other_installment_plans,housing,existing_credits,job,num_dependents,telephone,foreign_worker,\
class";

fn german_args<'a>(file: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "compare",
        "--data",
        file,
        "--delimiter",
        "whitespace",
        "--no-header",
        "--columns",
        GERMAN,
        "--label",
        "class",
        "--positive-label",
        "1",
        "--sensitive",
        "personal_status_sex",
        "--seeds",
        "2",
        "--methods",
        "baseline,threshold-dp",
        "--out",
        out,
        "--quiet",
    ]
}

#[test]
fn german_credit_runs_end_to_end_and_warns_about_its_small_group() {
    let Some(german) = fairkit_testkit::shared("data/german/german.data") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let out = run(&german_args(german.to_str().unwrap(), a.to_str().unwrap()));
    assert!(out.status.success(), "{}", stderr(&out));
    let results: Value =
        serde_json::from_slice(&std::fs::read(a.join("results.json")).unwrap()).unwrap();
    assert_eq!(results["dataset"], "german.data");
    let layout = &results["config"]["data"]["layout"];
    assert_eq!(layout["delimiter"], "whitespace");
    assert_eq!(layout["header"], false);
    assert_eq!(layout["columns"].as_array().unwrap().len(), 21);
    // 1,000 rows, 30% test: about 300 test rows, 700 good.
    let baseline = &results["summary"][0];
    let accuracy = baseline["accuracy_mean"].as_f64().unwrap();
    assert!((0.65..0.85).contains(&accuracy), "{accuracy}");
    // A91 has 50 rows, about 15 in a test split: warned once, with its counts.
    let warnings = results["warnings"].as_array().unwrap();
    let a91: Vec<&Value> = warnings.iter().filter(|w| w["group"] == "A91").collect();
    assert_eq!(a91.len(), 1, "{warnings:?}");
    let rows = a91[0]["rows"].as_u64().unwrap();
    assert!((5..30).contains(&rows), "{rows}");
    let err = stderr(&out);
    assert_eq!(err.matches("group 'A91'").count(), 1, "{err}");
    assert!(
        err.contains(&format!("warning: test split of seed {}", a91[0]["seed"])),
        "{err}"
    );
    assert!(
        !warnings.iter().any(|w| w["group"] == "A93"),
        "{warnings:?}"
    );
    // Its results.json replays it, layout included.
    let config = a.join("results.json");
    let out = run(&[
        "compare",
        "--config",
        config.to_str().unwrap(),
        "--out",
        b.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        crate::compare::without_timing_lines(&a.join("results.json")),
        crate::compare::without_timing_lines(&b.join("results.json"))
    );
}
