//! Every command writes its files through one staging mechanism: a failed, refused or
//! interrupted command creates or changes no file and leaves no staged `.fairkit-*` copy, and
//! `compare` replaces only an earlier run, as a whole, and says so.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::util::{SIM_FLAGS, assert_bad_input, fairkit, run, simulated, stderr, write_file};

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The staged copies (`.fairkit-*`) in `dir`.
fn staged(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with(".fairkit-"))
        .collect()
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_string()
}

#[test]
fn a_failed_report_write_leaves_predictions_and_model_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (p, m) = (path(dir.path(), "p.csv"), path(dir.path(), "m.model"));
    std::fs::write(&m, b"earlier model").unwrap();
    for cmd in [vec!["train"], vec!["mitigate", "--method", "reweighing"]] {
        let mut args = cmd.clone();
        args.extend(["--rows", "400", "--out", "/proc/x.txt", "--predictions", &p]);
        args.extend(["--save-model", &m]);
        assert_bad_input(&run(&args), &["/proc/x.txt"]);
        let mut args = cmd.clone();
        args.extend(["--rows", "400", "--save-model", "/proc/m.model"]);
        args.extend(["--predictions", &p]);
        assert_bad_input(&run(&args), &["/proc/m.model"]);
        // A run that fails after the claims (one group only) writes nothing either.
        let (train, _) = simulated(dir.path());
        let mut args = cmd.clone();
        args.extend([
            "--data",
            &train,
            "--label",
            "approved",
            "--sensitive",
            "nope",
        ]);
        args.extend(["--predictions", &p, "--save-model", &m]);
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        std::fs::remove_file(&train).unwrap();
        std::fs::remove_file(dir.path().join("sim_test.csv")).unwrap();
        assert_eq!(names(dir.path()), ["m.model"]);
        assert_eq!(std::fs::read(&m).unwrap(), b"earlier model");
    }
}

#[test]
fn two_outputs_naming_one_file_are_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = path(dir.path(), "p.csv");
    let same = format!("{}/./p.csv", dir.path().display());
    assert_bad_input(
        &run(&["train", "--predictions", &p, "--save-model", &same]),
        &["--save-model", "the same place as --predictions"],
    );
    assert_bad_input(
        &run(&["train", "--predictions", &p, "--out", &p]),
        &["--out", "the same place as --predictions"],
    );
    assert_bad_input(
        &run(&["train", "--predictions", dir.path().to_str().unwrap()]),
        &["--predictions", "is a directory"],
    );
    let missing = path(dir.path(), "no/p.csv");
    assert_bad_input(
        &run(&["train", "--predictions", &missing]),
        &["--predictions", "does not exist"],
    );
    assert!(names(dir.path()).is_empty());
}

#[test]
fn a_successful_run_commits_every_output_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let (p, m, o) = (
        path(dir.path(), "p.csv"),
        path(dir.path(), "m.model"),
        path(dir.path(), "report.txt"),
    );
    let out = run(&[
        "train",
        "--rows",
        "400",
        "--out",
        &o,
        "--predictions",
        &p,
        "--save-model",
        &m,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert_eq!(names(dir.path()), ["m.model", "p.csv", "report.txt"]);
    let (_, test) = simulated(dir.path());
    let predicted = run(&["predict", "--model", &m, "--data", &test, "--out", &o]);
    assert!(predicted.status.success(), "{}", stderr(&predicted));
    assert!(
        std::fs::read_to_string(&o)
            .unwrap()
            .starts_with("row,group,score")
    );
    assert_eq!(
        names(dir.path()),
        [
            "m.model",
            "p.csv",
            "report.txt",
            "sim_test.csv",
            "sim_train.csv"
        ]
    );
}

#[test]
fn predict_and_transform_claim_their_output_before_working() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&[
        "predict",
        "--model",
        "/no/model",
        "--data",
        "/no/data",
        "--out",
        "/proc/x.csv",
    ]);
    assert_bad_input(&out, &["/proc/x.csv"]);
    let out = run(&[
        "transform",
        "--method",
        "di-remover",
        "--rows",
        "300",
        "--out",
        "/proc/x.csv",
    ]);
    assert_bad_input(&out, &["/proc/x.csv"]);
    let target = path(dir.path(), "t.csv");
    let out = run(&["simulate", "--rows", "0", "--out", &target]);
    assert_eq!(out.status.code(), Some(2));
    assert!(names(dir.path()).is_empty());
}

#[test]
fn transform_refuses_to_write_values_fairkit_would_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(
        dir.path(),
        "big.csv",
        b"x1,x2,g,y\n1e308,1,a,1\n-1e308,2,a,0\n1.5e308,3,b,1\n-1.7e308,4,b,0\n1e308,5,b,0\n",
    );
    let out = path(dir.path(), "t.csv");
    assert_bad_input(
        &run(&[
            "transform",
            "--method",
            "correlation-remover",
            "--data",
            &data,
            "--label",
            "y",
            "--sensitive",
            "g",
            "--no-standardize",
            "--out",
            &out,
        ]),
        &["big.csv: line 2", "column 'x1'", "rescale column 'x1'"],
    );
    assert_eq!(names(dir.path()), ["big.csv"]);
}

const RUN: [&str; 7] = [
    "evidence.json",
    "experiment.toml",
    "report.html",
    "report.md",
    "results.csv",
    "results.json",
    "tradeoff.svg",
];

fn compare(out: &Path) -> std::process::Output {
    run(&[
        "compare",
        "--quiet",
        "--rows",
        "400",
        "--methods",
        "baseline",
        "--seeds",
        "1",
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn compare_replaces_an_earlier_run_whole_and_says_so() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("nested/cout");
    let first = compare(&out);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(!stderr(&first).contains("replaced"), "{}", stderr(&first));
    assert_eq!(names(&out), RUN);
    let second = compare(&out);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains(&format!(
            "note: replaced the earlier fairkit run in {}",
            out.display()
        )),
        "{}",
        stderr(&second)
    );
    assert_eq!(names(&out), RUN);
    assert_eq!(names(&root.path().join("nested")), ["cout"]);
    // An empty directory is simply filled.
    let empty = root.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let third = compare(&empty);
    assert!(third.status.success(), "{}", stderr(&third));
    assert!(!stderr(&third).contains("replaced"));
    assert_eq!(names(&empty), RUN);
}

#[test]
fn compare_never_clobbers_what_is_not_a_fairkit_run() {
    let root = tempfile::tempdir().unwrap();
    // The case: a directory where one of the run's files goes.
    let cout = root.path().join("cout");
    std::fs::create_dir_all(cout.join("tradeoff.svg")).unwrap();
    assert_bad_input(
        &compare(&cout),
        &[
            "--out",
            "holds tradeoff.svg (not a file), which is not part of a fairkit run",
            "give a new or empty directory",
        ],
    );
    assert_eq!(names(&cout), ["tradeoff.svg"]);
    assert!(names(&cout.join("tradeoff.svg")).is_empty());
    // A user's file beside an earlier run.
    let run_dir = root.path().join("run");
    assert!(compare(&run_dir).status.success());
    std::fs::write(run_dir.join("notes.txt"), b"mine").unwrap();
    assert_bad_input(&compare(&run_dir), &["holds notes.txt"]);
    assert_eq!(std::fs::read(run_dir.join("notes.txt")).unwrap(), b"mine");
    // A file, and a directory of someone else's report.
    let file = root.path().join("file");
    std::fs::write(&file, b"x").unwrap();
    assert_bad_input(&compare(&file), &["is a file"]);
    let other = root.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("report.md"), b"my report").unwrap();
    assert_bad_input(&compare(&other), &["no results.json"]);
    assert_eq!(
        std::fs::read(other.join("report.md")).unwrap(),
        b"my report"
    );
    assert!(staged(root.path()).is_empty());
}

/// Spawns `fairkit args` and waits until a staged copy appears in `dir`.
fn spawn_until_staged(args: &[&str], dir: &Path) -> Child {
    let child = fairkit()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while staged(dir).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no staged file appeared in {}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

#[cfg(unix)]
fn signal(child: &mut Child, name: &str) -> std::process::ExitStatus {
    let killed = std::process::Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    child.wait().unwrap()
}

#[cfg(unix)]
#[test]
fn an_interrupted_compare_leaves_the_earlier_run_whole_and_nothing_staged() {
    use std::os::unix::process::ExitStatusExt;
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("cout");
    assert!(compare(&out).status.success());
    let before: Vec<Vec<u8>> = RUN
        .iter()
        .map(|n| std::fs::read(out.join(n)).unwrap())
        .collect();
    for sig in ["INT", "TERM"] {
        let mut child = spawn_until_staged(
            &[
                "compare",
                "--quiet",
                "--rows",
                "20000",
                "--seeds",
                "3",
                "--out",
                out.to_str().unwrap(),
            ],
            root.path(),
        );
        // While the new run is staged beside it, --out is the earlier run, whole.
        let during: Vec<Vec<u8>> = RUN
            .iter()
            .map(|n| std::fs::read(out.join(n)).unwrap())
            .collect();
        assert_eq!(during, before);
        let status = signal(&mut child, sig);
        let expected = if sig == "INT" { 2 } else { 15 };
        assert_eq!(status.signal(), Some(expected), "{status:?}");
        assert!(staged(root.path()).is_empty(), "{:?}", names(root.path()));
        assert_eq!(names(&out), RUN);
        let after: Vec<Vec<u8>> = RUN
            .iter()
            .map(|n| std::fs::read(out.join(n)).unwrap())
            .collect();
        assert_eq!(after, before);
    }
}

#[cfg(unix)]
#[test]
fn interrupted_single_runs_and_simulations_leave_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let (p, m, s) = (
        path(dir.path(), "p.csv"),
        path(dir.path(), "m.model"),
        path(dir.path(), "s.csv"),
    );
    std::fs::write(&m, b"earlier model").unwrap();
    let mut child = spawn_until_staged(
        &[
            "mitigate",
            "--method",
            "expgrad-dp",
            "--rows",
            "200000",
            "--predictions",
            &p,
            "--save-model",
            &m,
        ],
        dir.path(),
    );
    signal(&mut child, "TERM");
    assert_eq!(names(dir.path()), ["m.model"]);
    assert_eq!(std::fs::read(&m).unwrap(), b"earlier model");
    let mut child = spawn_until_staged(
        &["simulate", "--rows", "100000000", "--out", &s],
        dir.path(),
    );
    signal(&mut child, "INT");
    assert_eq!(names(dir.path()), ["m.model"]);
}

#[test]
fn simulate_streams_to_a_closed_pipe_quietly() {
    let mut child = fairkit()
        .args(["simulate", "--rows", "100000000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 100];
    {
        use std::io::Read;
        let mut stdout = child.stdout.take().unwrap();
        stdout.read_exact(&mut head).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(head.starts_with(b"income,debt_ratio,"));
}

#[test]
fn simulate_writes_the_rows_of_the_in_memory_table() {
    // The streamed file reads back as the scenario that train simulates in memory: the same
    // model and metrics from --data FILE as from the built-in data.
    let dir = tempfile::tempdir().unwrap();
    let file: PathBuf = dir.path().join("sim.csv");
    let out = run(&[
        "simulate",
        "--rows",
        "2000",
        "--seed",
        "5",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let from_file = run(&[
        "train",
        "--data",
        file.to_str().unwrap(),
        SIM_FLAGS[0],
        SIM_FLAGS[1],
        SIM_FLAGS[2],
        SIM_FLAGS[3],
        "--format",
        "json",
    ]);
    let built_in = run(&[
        "train",
        "--rows",
        "2000",
        "--sim-seed",
        "5",
        "--format",
        "json",
    ]);
    assert!(from_file.status.success(), "{}", stderr(&from_file));
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&from_file.stdout).unwrap(),
        serde_json::from_slice(&built_in.stdout).unwrap(),
    );
    for key in ["by_group", "overall", "disparities", "expected"] {
        assert_eq!(a[key], b[key], "{key}");
    }
}

#[cfg(unix)]
#[test]
fn a_pipe_or_device_is_written_in_place_never_replaced() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            std::fs::File::open(fifo)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            text
        })
    };
    let out = run(&["simulate", "--rows", "10", "--out", fifo.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(reader.join().unwrap().lines().count(), 11);
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(names(dir.path()), ["fifo"]);
}
