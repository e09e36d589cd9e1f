//! Fit time of every learner on Adult (32,561 x 106, the prepared reference file, features as
//! in the file). scikit-learn's counterparts on the same file and machine, one thread
//! (`scripts/sklearn_learners.py`, recorded in `tests/data/sklearn_learners.json`), are printed
//! beside them. Run with `cargo bench -p fairkit-learners --bench learners`.
//!
//! `FAIRKIT_BENCH_CLOCK=cpu` measures the CPU time of the process (every thread) instead of wall
//! time: on a machine that other work shares, CPU seconds compare with scikit-learn's recorded
//! `fit_cpu_seconds` where wall seconds do not.

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput};
use fairkit_core::Learner;
use fairkit_data::{DatasetSpec, Encoder, Table};
use fairkit_learners::{
    ForestParams, LinfaTree, LogisticParams, LogisticSolver, NaiveBayesParams, SvmParams,
    TreeParams,
};
use serde_json::Value;

fn adult_train() -> Option<fairkit_core::FairDataset> {
    let path = fairkit_testkit::shared("reference/prepared/adult_train.csv")?;
    let file = std::fs::File::open(&path).ok()?;
    let table = Table::from_csv(file, &path.display().to_string()).ok()?;
    let spec = DatasetSpec {
        standardize: false,
        ..DatasetSpec::new("label", ["sensitive"])
    };
    let encoder = Encoder::fit(&spec, &table, &[]).ok()?;
    encoder.transform(&table).ok()
}

/// CPU time of the whole process (every thread), in nanoseconds.
struct CpuTime;

fn process_cpu_nanos() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to write into.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    t.tv_sec as f64 * 1e9 + t.tv_nsec as f64
}

impl Measurement for CpuTime {
    type Intermediate = f64;
    type Value = f64;

    fn start(&self) -> f64 {
        process_cpu_nanos()
    }
    fn end(&self, start: f64) -> f64 {
        process_cpu_nanos() - start
    }
    fn add(&self, a: &f64, b: &f64) -> f64 {
        a + b
    }
    fn zero(&self) -> f64 {
        0.0
    }
    fn to_f64(&self, value: &f64) -> f64 {
        *value
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

/// Nanoseconds of CPU shown as ms or s of CPU.
struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical < 1e9 {
            (1e-6, "ms CPU")
        } else {
            (1e-9, "s CPU")
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }
    fn scale_throughputs(&self, _: f64, _: &Throughput, values: &mut [f64]) -> &'static str {
        values.iter_mut().for_each(|v| *v = 1e9 / *v);
        "fits/s CPU"
    }
    fn scale_for_machines(&self, _: &mut [f64]) -> &'static str {
        "ns"
    }
}

/// scikit-learn's median fit seconds of `learner` on Adult, as recorded: wall clock, or CPU
/// with `cpu`.
fn sklearn_seconds(learner: &str, cpu: bool) -> Option<f64> {
    let all: Value =
        serde_json::from_str(include_str!("../tests/data/sklearn_learners.json")).ok()?;
    let key = if cpu {
        "fit_cpu_seconds"
    } else {
        "fit_seconds"
    };
    all["datasets"]["adult"][learner][key].as_f64()
}

fn bench_one<L: Learner, M: Measurement>(
    c: &mut Criterion<M>,
    name: &str,
    sklearn: Option<&str>,
    learner: &L,
    cpu: bool,
) {
    let Some(data) = adult_train() else { return };
    if let Some(seconds) = sklearn.and_then(|s| sklearn_seconds(s, cpu)) {
        let clock = if cpu { "CPU seconds" } else { "seconds" };
        println!("{name}: scikit-learn fits Adult in {seconds:.3} {clock} (one thread, recorded)");
    }
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.bench_function("adult/32561x106/fit", |b| {
        b.iter(|| {
            learner
                .fit(data.features(), data.labels_view(), None)
                .expect("fit")
        })
    });
    group.finish();
}

fn bench<M: Measurement>(c: &mut Criterion<M>, cpu: bool) {
    bench_one(c, "logistic", None, &LogisticParams::default(), cpu);
    // L-BFGS (`--solver lbfgs`) on the same sparse rows as Newton's.
    bench_one(
        c,
        "logistic-lbfgs",
        None,
        &LogisticParams::default().solver(LogisticSolver::Lbfgs),
        cpu,
    );
    bench_one(c, "tree", Some("tree"), &TreeParams::default(), cpu);
    bench_one(c, "linfa-tree", Some("tree"), &LinfaTree::default(), cpu);
    bench_one(
        c,
        "naive-bayes",
        Some("naive_bayes"),
        &NaiveBayesParams::default(),
        cpu,
    );
    bench_one(c, "svm", Some("svm"), &SvmParams::default(), cpu);
    bench_one(c, "forest", Some("forest"), &ForestParams::default(), cpu);
}

fn main() {
    if std::env::var("FAIRKIT_BENCH_CLOCK").as_deref() == Ok("cpu") {
        let mut c = Criterion::default()
            .with_measurement(CpuTime)
            .configure_from_args();
        bench(&mut c, true);
        c.final_summary();
    } else {
        let mut c = Criterion::default()
            .with_measurement(WallTime)
            .configure_from_args();
        bench(&mut c, false);
        c.final_summary();
    }
}
