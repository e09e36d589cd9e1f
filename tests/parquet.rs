//! Parquet in and out through the binary: the same data as CSV and as Parquet (written by
//! fairkit, or by pyarrow: tests/data/parquet, scripts/parquet_pyarrow_file.py) gives the same
//! bytes from `assess`, `train`, `mitigate` and `compare`; `simulate` writes Parquet files and
//! partitioned datasets; bad Parquet is one line and exit status 2.

use std::fs::File;
use std::path::{Path, PathBuf};

use fairkit_data::Table;

use crate::compare::without_timing_lines;
use crate::util::{assert_bad_input, run, stderr, stdout, write_file};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/parquet")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn read_csv(path: &Path) -> Table {
    Table::from_csv(File::open(path).unwrap(), s(path)).unwrap()
}

/// Writes the CSV file `csv` again as the Parquet file `out`, with fairkit's own writer.
fn to_parquet(csv: &Path, out: &Path) {
    let table = read_csv(csv);
    fairkit_columnar::write_table(&table, s(out), File::create(out).unwrap()).unwrap();
}

/// `csv` copied to `dir/csv/NAME` and written as Parquet to `dir/parquet/NAME`: the same file
/// name, so that reports that name their input are comparable byte for byte.
fn both(dir: &Path, csv: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (a, b) = (dir.join("csv"), dir.join("parquet"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::copy(csv, a.join(name)).unwrap();
    to_parquet(csv, &b.join(name));
    (a.join(name), b.join(name))
}

/// Runs `args` with `--data` (or `flag`) `csv`, then with the Parquet file and
/// `--data-format parquet`, and asserts both succeed with the same standard output.
fn same_output(flag: &str, csv: &Path, parquet: &Path, args: &[&str]) -> String {
    let a = run(&[args, &[flag, s(csv)]].concat());
    assert!(a.status.success(), "{}", stderr(&a));
    let b = run(&[args, &[flag, s(parquet), "--data-format", "parquet"]].concat());
    assert!(b.status.success(), "{}", stderr(&b));
    // Fit times differ between two runs, and `assess` names its input's path (csv/NAME,
    // parquet/NAME): all else is the same bytes.
    let timeless = |o: &std::process::Output| -> String {
        stdout(o)
            .lines()
            .filter(|l| !l.contains("fit_seconds") && !l.trim_start().starts_with("\"file\": "))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    assert_eq!(timeless(&a), timeless(&b), "{args:?}");
    stdout(&a)
}

#[test]
fn simulate_writes_parquet_that_reads_back_as_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sim.csv");
    let pq = dir.path().join("sim.parquet");
    for out in [&csv, &pq] {
        let o = run(&["simulate", "--rows", "3000", "--seed", "5", "--out", s(out)]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(&std::fs::read(&pq).unwrap()[..4], b"PAR1");
    let a = read_csv(&csv);
    let b = fairkit_harness::parquet::read(&pq, None).unwrap();
    assert_eq!(a.header(), b.header());
    for j in 0..a.n_columns() {
        assert!(
            a.column_at(j).iter().eq(b.column_at(j).iter()),
            "{}",
            a.header()[j]
        );
    }
    // The same seed gives the same bytes.
    let again = dir.path().join("again.parquet");
    run(&[
        "simulate",
        "--rows",
        "3000",
        "--seed",
        "5",
        "--out",
        s(&again),
    ]);
    assert_eq!(std::fs::read(&pq).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn simulate_writes_a_partitioned_dataset_that_reads_back_grouped() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sim.csv");
    let out = dir.path().join("sim");
    run(&[
        "simulate",
        "--rows",
        "2000",
        "--seed",
        "9",
        "--out",
        s(&csv),
    ]);
    let o = run(&[
        "simulate",
        "--rows",
        "2000",
        "--seed",
        "9",
        "--out",
        s(&out),
        "--partition-by",
        "group",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut files: Vec<String> = Vec::new();
    for e in std::fs::read_dir(&out).unwrap() {
        let e = e.unwrap();
        for f in std::fs::read_dir(e.path()).unwrap() {
            files.push(format!(
                "{}/{}",
                e.file_name().to_string_lossy(),
                f.unwrap().file_name().to_string_lossy()
            ));
        }
    }
    files.sort();
    assert_eq!(
        files,
        ["group=A/part-00000.parquet", "group=B/part-00000.parquet"]
    );
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| {
        !e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".fairkit-")
    }));
    // The rows of group A in their order, then those of B; the key column last.
    let a = read_csv(&csv);
    let b = fairkit_harness::parquet::read(&out, None).unwrap();
    let g = a.column_index("group").unwrap();
    let mut header: Vec<String> = a.header().to_vec();
    let key = header.remove(g);
    header.push(key);
    assert_eq!(b.header(), header);
    let order: Vec<usize> = ["A", "B"]
        .iter()
        .flat_map(|v| (0..a.n_rows()).filter(|&i| a.column_at(g).get(i) == *v))
        .collect();
    for name in a.header() {
        let expected: Vec<&str> = order
            .iter()
            .map(|&i| a.column(name).unwrap().get(i))
            .collect();
        let got: Vec<&str> = b.column(name).unwrap().iter().collect();
        assert_eq!(expected, got, "{name}");
    }
    // A directory that holds something else is refused before anything is written.
    let o = run(&[
        "simulate",
        "--rows",
        "10",
        "--out",
        s(dir.path()),
        "--partition-by",
        "group",
    ]);
    assert_bad_input(&o, &["--out"]);
    let o = run(&[
        "simulate",
        "--rows",
        "10",
        "--out",
        s(&dir.path().join("x")),
        "--partition-by",
        "nope",
    ]);
    assert_bad_input(&o, &["missing column 'nope'"]);
    assert!(!dir.path().join("x").exists());
}

#[test]
fn train_mitigate_and_compare_give_the_same_bytes_on_csv_and_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let sim = dir.path().join("sim.csv");
    run(&[
        "simulate",
        "--rows",
        "1500",
        "--seed",
        "3",
        "--out",
        s(&sim),
    ]);
    let (csv, pq) = both(dir.path(), &sim, "rows");
    let spec = ["--label", "approved", "--sensitive", "group"];
    same_output(
        "--data",
        &csv,
        &pq,
        &[&["train", "--format", "json"][..], &spec].concat(),
    );
    same_output(
        "--data",
        &csv,
        &pq,
        &[
            &[
                "mitigate",
                "--method",
                "threshold",
                "--constraint",
                "demographic_parity",
                "--format",
                "json",
            ][..],
            &spec,
        ]
        .concat(),
    );
    let mut runs = Vec::new();
    for (name, data, extra) in [("a", &csv, None), ("b", &pq, Some("parquet"))] {
        let out = dir.path().join(name);
        let mut args = vec![
            "compare",
            "--data",
            s(data),
            "--label",
            "approved",
            "--sensitive",
            "group",
            "--methods",
            "baseline,threshold-dp",
            "--seeds",
            "2",
            "--quiet",
            "--out",
            s(&out),
        ];
        if let Some(f) = extra {
            args.extend(["--data-format", f]);
        }
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        // The recorded configuration names the file and, for Parquet, its format.
        let text: Vec<String> = without_timing_lines(&out.join("results.json"))
            .lines()
            .filter(|l| !l.contains("\"path\": ") && !l.contains("\"format\": \"parquet\""))
            .map(|l| l.trim_end_matches(',').to_string())
            .collect();
        runs.push(text.join("\n"));
    }
    assert_eq!(runs[0], runs[1]);
    assert!(runs[0].contains("threshold-dp"));
}

#[test]
fn assess_gives_the_same_bytes_on_csv_and_parquet_rows_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let preds = dir.path().join("preds.csv");
    let o = run(&["train", "--rows", "3000", "--predictions", s(&preds)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (csv, pq) = both(dir.path(), &preds, "preds");
    let flags = [
        "assess",
        "--label",
        "approved",
        "--pred",
        "pred",
        "--sensitive",
        "group",
    ];
    let json = same_output(
        "--data",
        &csv,
        &pq,
        &[
            &flags[..],
            &["--format", "json", "--bootstrap", "40", "--score", "score"],
        ]
        .concat(),
    );
    assert!(json.contains("\"rows\": 900"), "{json}");
    // The same predictions as counts: one row per group, label and prediction.
    let table = read_csv(&preds);
    let mut counts = std::collections::BTreeMap::new();
    for i in 0..table.n_rows() {
        let key: Vec<String> = ["group", "approved", "pred"]
            .iter()
            .map(|c| table.column(c).unwrap().get(i).to_string())
            .collect();
        *counts.entry(key).or_insert(0u64) += 1;
    }
    let mut text = String::from("group,approved,pred,count\n");
    for (k, n) in &counts {
        text.push_str(&format!("{},{n}\n", k.join(",")));
    }
    let counts_csv = write_file(dir.path(), "counts.csv", text.as_bytes());
    let (csv, pq) = both(&dir.path().join("c"), Path::new(&counts_csv), "counts");
    same_output(
        "--counts",
        &csv,
        &pq,
        &[&flags[..], &["--format", "json"]].concat(),
    );
    // By the name alone.
    let named = dir.path().join("counts.parquet");
    std::fs::copy(&pq, &named).unwrap();
    let o = run(&[&flags[..], &["--counts", s(&named)]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_file_pyarrow_wrote_reads_as_the_csv_pyarrow_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, pq) = (dir.path().join("a/rows"), dir.path().join("b/rows"));
    for (from, to) in [("pyarrow.csv", &csv), ("pyarrow.parquet", &pq)] {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(data_dir().join(from), to).unwrap();
    }
    let flags = [
        "assess", "--label", "label", "--pred", "pred", "--format", "json",
    ];
    for extra in [
        &["--sensitive", "group"][..],
        &["--sensitive", "group,flag", "--weights", "w"],
        &["--sensitive", "region", "--bootstrap", "30"],
    ] {
        same_output("--data", &csv, &pq, &[&flags[..], extra].concat());
    }
}

#[test]
fn a_dataset_directory_skips_marker_files_and_reads_keys_from_folders() {
    let dir = tempfile::tempdir().unwrap();
    let preds = dir.path().join("preds.csv");
    run(&["train", "--rows", "2000", "--predictions", s(&preds)]);
    // Split by hand into a Spark-style dataset: group=X/part-*.parquet, plus _SUCCESS and
    // .crc files that readers skip.
    let table = read_csv(&preds);
    let data = dir.path().join("data");
    for g in ["A", "B"] {
        let rows: Vec<usize> = (0..table.n_rows())
            .filter(|&i| table.column("group").unwrap().get(i) == g)
            .collect();
        let part = table
            .select_rows(&rows)
            .unwrap()
            .select_columns(&["approved", "pred"])
            .unwrap();
        let folder = data.join(format!("group={g}"));
        std::fs::create_dir_all(&folder).unwrap();
        let file = folder.join("part-00000-x.snappy.parquet");
        fairkit_columnar::write_table(&part, "p", File::create(&file).unwrap()).unwrap();
        std::fs::write(folder.join(".part-00000-x.snappy.parquet.crc"), b"junk").unwrap();
    }
    std::fs::write(data.join("_SUCCESS"), b"").unwrap();
    let flags = [
        "assess",
        "--label",
        "approved",
        "--pred",
        "pred",
        "--sensitive",
        "group",
        "--format",
        "json",
    ];
    let a = run(&[&flags[..], &["--data", s(&preds)]].concat());
    let b = run(&[&flags[..], &["--data", s(&data)]].concat());
    assert!(b.status.success(), "{}", stderr(&b));
    // The rows come grouped, so the inequality indices' sums run in another order: equal to
    // rounding; everything else exactly.
    let strip = |o: &std::process::Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let m = v.as_object_mut().unwrap();
        m.remove("input");
        let ineq = m.remove("inequality").unwrap();
        (v, ineq)
    };
    let ((a, ia), (b, ib)) = (strip(&a), strip(&b));
    assert_eq!(a, b);
    for (k, x) in ia.as_object().unwrap() {
        let (x, y) = (x.as_f64().unwrap(), ib[k].as_f64().unwrap());
        assert!((x - y).abs() <= 1e-12 * x.abs().max(1.0), "{k}: {x} vs {y}");
    }
}

#[test]
fn bad_parquet_is_one_line_and_exit_status_two() {
    let dir = tempfile::tempdir().unwrap();
    let flags = ["assess", "--label", "y", "--pred", "p", "--sensitive", "g"];
    // Not Parquet at all.
    let fake = write_file(dir.path(), "fake.parquet", b"y,p,g\n1,1,a\n");
    let o = run(&[&flags[..], &["--data", &fake]].concat());
    assert_bad_input(&o, &["fake.parquet", "not a readable Parquet file"]);
    assert_eq!(stderr(&o).trim_end().lines().count(), 1, "{}", stderr(&o));
    // Truncated.
    let csv = write_file(dir.path(), "t.csv", b"y,p,g\n1,1,a\n0,1,b\n");
    let pq = dir.path().join("t.parquet");
    to_parquet(Path::new(&csv), &pq);
    let bytes = std::fs::read(&pq).unwrap();
    for cut in [0, 4, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&pq, &bytes[..cut]).unwrap();
        let o = run(&[&flags[..], &["--data", s(&pq)]].concat());
        assert_bad_input(&o, &["t.parquet"]);
        assert_eq!(stderr(&o).trim_end().lines().count(), 1, "{}", stderr(&o));
    }
    // A missing column, as for CSV.
    std::fs::write(&pq, &bytes).unwrap();
    let o = run(&[
        "assess",
        "--label",
        "y",
        "--pred",
        "p",
        "--sensitive",
        "zz",
        "--data",
        s(&pq),
    ]);
    assert_bad_input(&o, &["missing column 'zz'"]);
    // An empty directory.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = run(&[&flags[..], &["--data", s(&empty)]].concat());
    assert_bad_input(&o, &["holds no data files"]);
}

#[test]
fn an_experiment_file_names_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let sim = dir.path().join("sim.csv");
    run(&["simulate", "--rows", "800", "--seed", "2", "--out", s(&sim)]);
    let pq = dir.path().join("rows");
    to_parquet(&sim, &pq);
    let config = format!(
        "seeds = 1\nmethods = [\"baseline\"]\n[data]\nsource = \"csv\"\npath = {:?}\n\
         [data.spec]\nlabel = \"approved\"\nsensitive = [\"group\"]\n[data.layout]\nformat = \"parquet\"\n",
        s(&pq)
    );
    let config = write_file(dir.path(), "run.toml", config.as_bytes());
    let out = dir.path().join("out");
    let o = run(&["compare", "--config", &config, "--out", s(&out), "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("experiment.toml")).unwrap();
    assert!(text.contains("format = \"parquet\""), "{text}");
}
