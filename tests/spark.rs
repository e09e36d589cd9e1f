//! Spark in a real test: `scripts/spark_check.py` writes a 1,000,000-row partitioned Parquet
//! dataset with `fairkit simulate`, runs the SQL of `fairkit assess --emit-sql --sql-dialect
//! spark` in Spark local mode, and checks that `fairkit assess --counts` on Spark's output
//! reports what `fairkit assess` reports on the rows (docs/parquet.md).
//!
//! The interpreter is named by `FAIRKIT_SPARK_PYTHON` (a Python with pyspark 4; Spark needs
//! Java 17). Without it the test prints a notice and passes, unless `FAIRKIT_REQUIRE_SPARK=1`:
//! then it fails. `FAIRKIT_SPARK_ROWS` sets the row count (default 1,000,000).

use std::process::Command;

#[test]
fn spark_counts_match_fairkit_on_the_rows() {
    let Some(python) = std::env::var_os("FAIRKIT_SPARK_PYTHON") else {
        assert!(
            std::env::var("FAIRKIT_REQUIRE_SPARK").as_deref() != Ok("1"),
            "FAIRKIT_REQUIRE_SPARK=1 but FAIRKIT_SPARK_PYTHON names no interpreter: set it to a \
             Python with pyspark 4 installed"
        );
        eprintln!(
            "notice: spark check skipped: set FAIRKIT_SPARK_PYTHON to a Python with pyspark 4 \
             (FAIRKIT_REQUIRE_SPARK=1 makes this a failure)"
        );
        return;
    };
    let rows = std::env::var("FAIRKIT_SPARK_ROWS").unwrap_or_else(|_| "1000000".into());
    let work = tempfile::tempdir().unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/spark_check.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_fairkit"))
        .arg(work.path().join("spark"))
        .args(["--rows", &rows])
        .output()
        .expect("the interpreter of FAIRKIT_SPARK_PYTHON runs");
    let text = String::from_utf8_lossy(&out.stdout);
    eprintln!("{text}");
    assert!(
        out.status.success(),
        "spark check failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("ok: ")).count(),
        2,
        "{text}"
    );
    assert!(
        text.contains(&format!("{rows} rows read from Spark's Parquet")),
        "{text}"
    );
}
