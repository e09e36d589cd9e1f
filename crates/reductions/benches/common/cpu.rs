//! The CPU clock the benches print beside wall time (on a shared machine the steadier figure).

/// CPU seconds of this process's live threads so far (Linux), `None` where not reported.
pub fn cpu_seconds() -> Option<f64> {
    let mut total = 0.0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<f64>().ok()? * 1e-9;
    }
    Some(total)
}
