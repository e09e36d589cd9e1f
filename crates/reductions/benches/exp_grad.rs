//! ExponentiatedGradient on Adult (../shared/reference/prepared, features as written) with the
//! weighted logistic regression of fairkit-learners (C = 1), eps 0.01, for demographic parity
//! and equalized odds. Fairlearn 0.15.0 needs 5.3 s and 6.5 s for the same fits
//! (reference/README.md); `scripts/fairlearn_eg_reference.py adult` prints what it reaches.
//!
//! Before timing, prints one line per constraint, solver and warm-start rule: fit seconds (wall,
//! and the process's CPU seconds where Linux reports them: on a shared machine that is the
//! steadier figure), seconds in the base learner, total solver iterations, iterations, oracle calls, best
//! gap, and the expected test accuracy and disparities computed from the mixture's
//! probabilities. Criterion then times the Newton-Cholesky solver under each warm-start rule
//! (L-BFGS takes seconds per fit, so it is only in the printed lines).
//!
//! Run: `cargo bench -p fairkit-reductions --bench exp_grad`. Skipped with a message when the
//! prepared files are absent.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use fairkit_core::{FairDataset, FeatureCache, Learner, LearnerError, WeightSupport};
use fairkit_data::{DatasetSpec, Prepared, Table};
use fairkit_learners::{Logistic, LogisticParams, LogisticSolver};
use fairkit_reductions::{ExponentiatedGradient, FitReduction, UtilityParity, WarmStart};
use ndarray::{Array1, ArrayView1, ArrayView2};

#[path = "common/cpu.rs"]
mod cpu;
#[path = "../tests/expected.rs"]
mod expected;
use cpu::cpu_seconds;
use expected::{Expected, expected_metrics};

fn adult() -> Option<(FairDataset, FairDataset)> {
    let read = |part: &str| {
        let file = format!("adult_{part}.csv");
        let path = fairkit_testkit::shared(&format!("reference/prepared/{file}"))?;
        let reader = std::fs::File::open(path).ok()?;
        Table::from_csv(std::io::BufReader::new(reader), &file).ok()
    };
    let (train, test) = (read("train")?, read("test")?);
    let spec = DatasetSpec {
        standardize: false,
        ..DatasetSpec::new("label", ["sensitive"])
    };
    let p = Prepared::from_tables(&spec, &train, &test).ok()?;
    Some((p.train, p.test))
}

/// The logistic regression, counting the solver iterations of every fit.
struct Counting {
    inner: LogisticParams,
    iterations: AtomicU64,
}

impl Learner for &Counting {
    type Model = Logistic;

    fn name(&self) -> String {
        self.inner.name()
    }

    fn weight_support(&self) -> WeightSupport {
        self.inner.weight_support()
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        w: Option<ArrayView1<'_, f64>>,
    ) -> Result<Logistic, LearnerError> {
        self.fit_warm(x, y, w, None)
    }

    fn fit_warm(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        w: Option<ArrayView1<'_, f64>>,
        warm: Option<&Logistic>,
    ) -> Result<Logistic, LearnerError> {
        self.count(self.inner.fit_warm(x, y, w, warm))
    }

    fn fit_cached(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        w: Option<ArrayView1<'_, f64>>,
        warm: Option<&Logistic>,
        cache: &FeatureCache,
    ) -> Result<Logistic, LearnerError> {
        self.count(self.inner.fit_cached(x, y, w, warm, cache))
    }

    fn predict_cached(
        &self,
        model: &Logistic,
        x: ArrayView2<'_, f64>,
        cache: &FeatureCache,
    ) -> Array1<bool> {
        self.inner.predict_cached(model, x, cache)
    }
}

impl Counting {
    fn count(&self, fit: Result<Logistic, LearnerError>) -> Result<Logistic, LearnerError> {
        if let Ok(model) = &fit {
            self.iterations
                .fetch_add(model.iterations(), Ordering::Relaxed);
        }
        fit
    }
}

fn constraints() -> [(&'static str, UtilityParity); 2] {
    [
        ("dp", UtilityParity::demographic_parity()),
        ("eo", UtilityParity::equalized_odds()),
    ]
}

const RULES: [(&str, WarmStart); 3] = [
    ("nearest", WarmStart::NearestLambda),
    ("recent", WarmStart::MostRecent),
    ("cold", WarmStart::Off),
];

const SOLVERS: [(&str, LogisticSolver); 2] = [
    ("newton", LogisticSolver::NewtonCholesky),
    ("lbfgs", LogisticSolver::Lbfgs),
];

fn summary(train: &FairDataset, test: &FairDataset) {
    for (name, constraint) in constraints() {
        for (solver_name, solver) in SOLVERS {
            for (rule_name, rule) in RULES {
                let learner = Counting {
                    inner: Logistic::params().solver(solver),
                    iterations: AtomicU64::new(0),
                };
                let cpu = cpu_seconds();
                let start = Instant::now();
                let eg = ExponentiatedGradient::params(&learner, constraint)
                    .warm_start(rule)
                    .fit(train)
                    .expect("fit");
                let seconds = start.elapsed().as_secs_f64();
                let cpu = match (cpu, cpu_seconds()) {
                    (Some(a), Some(b)) => format!("{:.3} s", b - a),
                    _ => "n/a".into(),
                };
                let p = eg.expected(test.features()).expect("predict").to_vec();
                let Expected {
                    accuracy,
                    dp_difference: dp,
                    tpr_difference: tpr,
                    eo_difference: eo,
                } = expected_metrics(test, &p);
                eprintln!(
                    "adult eg_{name} {solver_name} warm={rule_name}: fit {seconds:.3} s (CPU \
                     {cpu}; learner {:.3} s, {} solver iterations), iterations {}, oracle \
                     calls {} ({} constant), predictors {}, best gap {:.2e}; expected test \
                     accuracy {accuracy:.4}, DP difference {dp:.4}, TPR difference {tpr:.4}, EO \
                     difference {eo:.4}",
                    eg.oracle_seconds().iter().sum::<f64>(),
                    learner.iterations.load(Ordering::Relaxed),
                    eg.last_iteration() + 1,
                    eg.n_oracle_calls(),
                    eg.n_constant_fallbacks(),
                    eg.predictors().len(),
                    eg.best_gap(),
                );
            }
        }
    }
}

fn bench(c: &mut Criterion) {
    let Some((train, test)) = adult() else {
        return;
    };
    summary(&train, &test);
    let mut group = c.benchmark_group("exp_grad/adult");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for (name, constraint) in constraints() {
        for (rule_name, rule) in RULES {
            group.bench_function(format!("{name}/newton/{rule_name}"), |b| {
                b.iter(|| {
                    let learner = Logistic::params().solver(LogisticSolver::NewtonCholesky);
                    ExponentiatedGradient::params(learner, constraint)
                        .warm_start(rule)
                        .fit(&train)
                        .expect("fit")
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
