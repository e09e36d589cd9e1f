//! `fairkit assess --counts`, `--emit-sql` and `fairkit monitor --emit-counts` (docs/counts.md):
//! the report from counts equals the report from the rows they count, on simulated data, with
//! and without weights, control features and bootstrap intervals; bad counts exit 2.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::Stdio;

use serde_json::Value;

use fairkit_testkit::json::{Close, assert_close_with};

use crate::util::{assert_bad_input, fairkit, json, read_csv, run, stderr, stdout, write_file};

/// Every number of two reports within 1e-12 (relative to values above 1), every other value
/// equal; `input` (file names) is left out. A coefficient of variation is `sqrt(2 GE(2))`,
/// and near 0 the square root magnifies GE's rounding (1e-14 in a GE of 1e-5 is 4e-12 in its
/// root; the rows' own sum of 3000 terms rounds that much), so it is compared squared, that is
/// as the GE it is the root of.
fn assert_close(a: &Value, b: &Value, at: &str) {
    let close = Close {
        skip: &["input"],
        squared: &["coefficient_of_variation"],
        ..Close::default()
    };
    assert_close_with(a, b, at, &close);
}

/// Simulated rows with a prediction column (`pred`, from income and debt) and a weight
/// column (`w`, not dyadic) added, and their counts by `group`, `approved`, `pred` (with
/// `count` and the weight sum `w`), listed in reverse order.
fn rows_and_counts(dir: &std::path::Path) -> (String, String) {
    let sim = dir.join("sim.csv");
    let out = run(&[
        "simulate",
        "--rows",
        "3000",
        "--seed",
        "5",
        "--out",
        sim.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (header, rows) = read_csv(&sim);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (income, debt, group, label) = (
        col("income"),
        col("debt_ratio"),
        col("group"),
        col("approved"),
    );
    let mut raw = String::from("group,approved,pred,w\n");
    let mut cells: BTreeMap<(String, String, String), (u64, f64)> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        let score = r[income].parse::<f64>().unwrap() / 1e5 - r[debt].parse::<f64>().unwrap();
        let pred = if score > 0.2 { "1" } else { "0" };
        let w = 0.3 + (i as f64 * 0.618_033_988_7).fract();
        writeln!(raw, "{},{},{pred},{w}", r[group], r[label]).unwrap();
        let e = cells
            .entry((r[group].clone(), r[label].clone(), pred.to_string()))
            .or_default();
        e.0 += 1;
        e.1 += w;
    }
    let mut counts = String::from("group,approved,pred,count,w\n");
    for ((g, y, p), (c, w)) in cells.iter().rev() {
        writeln!(counts, "{g},{y},{p},{c},{w}").unwrap();
    }
    (
        write_file(dir, "rows.csv", raw.as_bytes()),
        write_file(dir, "counts.csv", counts.as_bytes()),
    )
}

fn assess(source: &str, file: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "assess",
        "--format",
        "json",
        source,
        file,
        "--label",
        "approved",
        "--pred",
        "pred",
        "--sensitive",
        "group",
    ];
    args.extend_from_slice(extra);
    json(&run(&args))
}

#[test]
fn counts_report_equals_rows_report_on_simulated_data() {
    let dir = tempfile::tempdir().unwrap();
    let (rows, counts) = rows_and_counts(dir.path());
    for extra in [
        &[][..],
        &["--weights", "w"],
        &["--method", "to_overall", "--zero-division", "nan"],
    ] {
        let a = assess("--data", &rows, extra);
        let b = assess("--counts", &counts, extra);
        assert_close(&a, &b, &format!("{extra:?}"));
        assert_eq!(a["input"]["rows"], 3000);
        assert_eq!(b["input"]["rows"], 3000);
        assert_eq!(b["input"]["counts"], "count");
    }
    // Unweighted, the bootstrap from counts draws the rows' resamples: equal intervals.
    let boot = ["--bootstrap", "200", "--seed", "3"];
    let (a, b) = (
        assess("--data", &rows, &boot),
        assess("--counts", &counts, &boot),
    );
    assert!(a["intervals"].is_object(), "{a}");
    assert_close(&a, &b, "bootstrap");
}

#[test]
fn emit_sql_quotes_every_identifier() {
    let out = run(&[
        "assess",
        "--emit-sql",
        "--table",
        "db.preds",
        "--label",
        "y",
        "--pred",
        "p\"q",
        "--sensitive",
        "sex,race",
        "--weights",
        "w",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "SELECT \"sex\", \"race\", \"y\", \"p\"\"q\", COUNT(*) AS \"count\", SUM(\"w\") AS \"w\"\n\
         FROM \"db\".\"preds\"\nGROUP BY \"sex\", \"race\", \"y\", \"p\"\"q\";\n"
    );
    let spark = run(&[
        "assess",
        "--emit-sql",
        "--table",
        "preds",
        "--label",
        "y",
        "--pred",
        "p`",
        "--sensitive",
        "g",
        "--sql-dialect",
        "spark",
        "--count-column",
        "n",
    ]);
    assert_eq!(
        stdout(&spark),
        "SELECT `g`, `y`, `p```, COUNT(*) AS `n`\nFROM `preds`\nGROUP BY `g`, `y`, `p```;\n"
    );
    let no_table = run(&[
        "assess",
        "--emit-sql",
        "--label",
        "y",
        "--pred",
        "p",
        "--sensitive",
        "g",
    ]);
    assert_eq!(no_table.status.code(), Some(2));
}

#[test]
fn bad_counts_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str]); 5] = [
        (
            "g,y,p,count\na,1,1,2\nb,0,1,2.5\n",
            &["line 3", "column 'count'", "'2.5'"],
        ),
        (
            "g,y,p,count\na,1,1,-1\nb,0,1,2\n",
            &["line 2", "column 'count'", "'-1'"],
        ),
        ("g,y,p,count\na,1,1,x\nb,0,1,2\n", &["line 2", "'x'"]),
        (
            "g,y,p,count,w\na,1,1,0,1.5\nb,0,1,2,1\n",
            &["line 2", "column 'w'", "count of 0"],
        ),
        ("g,y,p,n\na,1,1,1\nb,0,1,2\n", &["missing column", "count"]),
    ];
    for (i, (text, needles)) in cases.iter().enumerate() {
        let file = write_file(dir.path(), &format!("c{i}.csv"), text.as_bytes());
        let mut args = vec![
            "assess",
            "--counts",
            &file,
            "--label",
            "y",
            "--pred",
            "p",
            "--sensitive",
            "g",
        ];
        if text.contains(",w\n") {
            args.extend(["--weights", "w"]);
        }
        let out = run(&args);
        assert_bad_input(&out, needles);
        assert!(stderr(&out).contains(&file), "{}", stderr(&out));
    }
    // Counts that add up to 0 rows.
    let zero = write_file(dir.path(), "zero.csv", b"g,y,p,count\na,1,1,0\nb,0,0,0\n");
    let flags = ["--label", "y", "--pred", "p", "--sensitive", "g"];
    let out = run(&[&["assess", "--counts", &zero][..], &flags].concat());
    assert_bad_input(&out, &[&zero, "column 'count'", "add up to 0"]);
    // Counts of more rows than memory could hold bootstrap in O(cells) per resample
    // (docs/counts.md#bootstrap-from-cells): 120,000,000 rows, intervals in well under a second.
    let big = write_file(
        dir.path(),
        "big.csv",
        b"g,y,p,count\na,1,1,60000000\na,0,1,20000000\nb,0,0,40000000\nb,1,1,1\n",
    );
    let out = run(&[
        &[
            "assess",
            "--counts",
            &big,
            "--bootstrap",
            "400",
            "--format",
            "json",
        ][..],
        &flags,
    ]
    .concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["input"]["rows"], 120_000_001u64);
    // Group a always predicts 1 and group b once in 40,000,001 rows, in every resample too:
    // the demographic parity difference and its interval are within 1e-6 of 1.
    let dp = v["intervals"]["disparities"]["demographic_parity_difference"]
        .as_array()
        .unwrap();
    assert_eq!(dp.len(), 2);
    for q in dp {
        let q = q.as_f64().unwrap();
        assert!(q > 1.0 - 1e-6 && q <= 1.0, "{v}");
    }
    // A count column named like another role, and options that need the rows.
    let file = write_file(dir.path(), "ok.csv", b"g,y,p,count\na,1,1,2\nb,0,0,3\n");
    let base = [
        "assess",
        "--counts",
        &file,
        "--label",
        "y",
        "--pred",
        "p",
        "--sensitive",
        "g",
    ];
    let same = run(&[&base[..], &["--count-column", "g"]].concat());
    assert_bad_input(&same, &["count column 'g'", "sensitive"]);
    let consistency = run(&[&base[..], &["--consistency", "3"]].concat());
    assert_eq!(consistency.status.code(), Some(2));
    // A combination listed twice adds up, and 3.0 is a count of 3.
    let twice = write_file(
        dir.path(),
        "twice.csv",
        b"g,y,p,count\na,1,1,2\nb,0,0,3\na,1,1,3.0\n",
    );
    let once = write_file(dir.path(), "once.csv", b"g,y,p,count\na,1,1,5\nb,0,0,3\n");
    let args = |f: &str| {
        json(&run(&[
            "assess",
            "--format",
            "json",
            "--counts",
            f,
            "--label",
            "y",
            "--pred",
            "p",
            "--sensitive",
            "g",
        ]))
    };
    assert_close(&args(&twice), &args(&once), "twice");
}

/// Runs `fairkit monitor` on `input` writing its counts to `counts`.
fn monitor_counts(input: &str, counts: &str) {
    let mut child = fairkit()
        .args(["monitor", "--window", "100000", "--emit-counts", counts])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Two monitors' counts concatenated assess as one assessment of all their labelled events.
#[test]
fn monitors_counts_merge() {
    let dir = tempfile::tempdir().unwrap();
    let mut all = String::from("group,label,prediction\n");
    let mut inputs = [String::new(), String::new()];
    let mut x: u64 = 7;
    for id in 0..1500u64 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let group = ["a", "b", "c d"][(x >> 33) as usize % 3];
        let p = !(x >> 40).is_multiple_of(3);
        let y = (x >> 45) % 5 < 2 + u64::from(group == "a");
        let input = &mut inputs[(id % 2) as usize];
        writeln!(
            input,
            r#"{{"type":"prediction","id":{id},"ts":{id},"group":"{group}","prediction":{}}}"#,
            p as u8
        )
        .unwrap();
        // Every 7th prediction stays unlabelled: it is not in the counts, nor in `all`.
        if !id.is_multiple_of(7) {
            writeln!(input, r#"{{"type":"label","id":{id},"label":{}}}"#, y as u8).unwrap();
            writeln!(all, "{group},{},{}", y as u8, p as u8).unwrap();
        }
    }
    let paths: Vec<String> = (0..2)
        .map(|i| {
            dir.path()
                .join(format!("m{i}.csv"))
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for (input, path) in inputs.iter().zip(&paths) {
        monitor_counts(input, path);
    }
    let first = std::fs::read_to_string(&paths[0]).unwrap();
    let second = std::fs::read_to_string(&paths[1]).unwrap();
    assert!(
        first.starts_with("group,label,prediction,count\n"),
        "{first}"
    );
    let merged = first + second.split_once('\n').unwrap().1;
    let merged = write_file(dir.path(), "merged.csv", merged.as_bytes());
    let all = write_file(dir.path(), "all.csv", all.as_bytes());
    let flags = [
        "--label",
        "label",
        "--pred",
        "prediction",
        "--sensitive",
        "group",
        "--format",
        "json",
    ];
    let a = json(&run(&[&["assess", "--data", &all][..], &flags].concat()));
    let b = json(&run(
        &[&["assess", "--counts", &merged][..], &flags].concat()
    ));
    assert_close(&a, &b, "merged");
    assert_eq!(b["input"]["rows"], a["input"]["rows"]);
}
