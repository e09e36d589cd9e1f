//! Fit times of massaging and LFR on Adult (the prepared reference file, 32,561 × 106; skipped
//! when ../shared is absent), to set against AIF360's fit times in tests/data/aif360/adult.json.
//!
//! `cargo bench -p fairkit-preprocessing --bench adult`
//!
//! `wall` is criterion's wall-clock time, which on a busy shared machine includes the time spent
//! waiting for a core; `cpu` is the process's user + system CPU time over the same work (all
//! threads, Linux `/proc/self/stat`, 10 ms ticks), the measure the reference records as
//! `cpu_seconds`. LFR is measured by CPU time only where Linux tells it. Massaging is fed the committed base scores (the ranker's fit is the
//! learner's bench); LFR runs at AIF360's defaults (k = 5, Ax = 0.01, Ay = 1, Az = 50), seed 0.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use fairkit_core::FairDataset;
use fairkit_data::{DatasetSpec, Encoder, Table};
use fairkit_preprocessing::{FitFeatureTransform, Lfr, Massaging};

fn adult_train() -> Option<FairDataset> {
    let path = fairkit_testkit::shared("reference/prepared/adult_train.csv")?;
    let file = std::fs::File::open(&path).ok()?;
    let table = Table::from_csv(file, &path.display().to_string()).ok()?;
    let spec = DatasetSpec {
        standardize: false,
        ..DatasetSpec::new("label", ["sensitive"])
    };
    Encoder::fit(&spec, &table, &[])
        .ok()?
        .transform(&table)
        .ok()
}

fn train_scores() -> Option<Vec<f64>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/aif360/adult_train_scores.csv"
    );
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().skip(1).map(|l| l.parse().ok()).collect()
}

/// User + system CPU time of this process (all threads), if the platform tells.
fn cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): utime and stime are the 12th and
    // 13th, in clock ticks (100 per second on Linux).
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Criterion's figure from the process's CPU time over `iters` runs of `work`.
fn cpu_iters(iters: u64, mut work: impl FnMut()) -> Duration {
    let start = cpu_time().unwrap_or_default();
    for _ in 0..iters {
        work();
    }
    cpu_time().unwrap_or_default() - start
}

fn bench(c: &mut Criterion) {
    let (Some(data), Some(scores)) = (adult_train(), train_scores()) else {
        return;
    };
    let has_cpu = cpu_time().is_some();
    let mut group = c.benchmark_group("adult");
    group.sample_size(10);
    let massaging = Massaging::params();
    let massage = || {
        massaging.fit(&data, &scores).expect("fit");
    };
    group.bench_function("massaging_fit/wall", |b| b.iter(massage));
    if has_cpu {
        group.bench_function("massaging_fit/cpu", |b| {
            b.iter_custom(|iters| cpu_iters(iters, massage))
        });
    }
    // An LFR fit takes seconds: the CPU figure only (ten fits), the wall time being that of
    // the machine's load.
    let lfr = Lfr::params().seed(0);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(30));
    if has_cpu {
        group.bench_function("lfr_fit/cpu", |b| {
            b.iter_custom(|iters| {
                cpu_iters(iters, || {
                    lfr.fit(&data).expect("fit");
                })
            })
        });
    } else {
        group.bench_function("lfr_fit/wall", |b| b.iter(|| lfr.fit(&data).expect("fit")));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
