//! End-to-end benches of the comparison harness, the product's main job, through the same
//! library calls as `fairkit compare` (no process start, no file writes):
//!
//! - `compare/default`: the default experiment (`fairkit compare` with no arguments): the
//!   built-in biased-credit scenario, 10,000 rows, nine methods, five seeds;
//! - `compare/adult_1_seed`: every default method on UCI Adult (30,162 training and 15,060 test
//!   rows after the reference preprocessing) for one seed, read from `../shared/data/adult`
//!   (skipped with a notice when absent). `fairkit compare --dataset adult --seeds 3` runs three
//!   such seeds in parallel.
//!
//! Run: `cargo bench --bench end_to_end`.
//!
//! Measured on the project's 2-core machine (`-- --quick`, nothing else running): default
//! 229 ms, Adult one seed 2.26 s.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use fairkit::harness::compare::{CompareConfig, compare};
use fairkit::harness::data::DataSource;

fn default_experiment(c: &mut Criterion) {
    let config = CompareConfig::default();
    let mut group = c.benchmark_group("compare");
    group.sample_size(10);
    group.bench_function("default", |b| {
        b.iter(|| compare(&config, &|_| {}).expect("the default experiment runs"))
    });
    let adult = fairkit_testkit::shared("data/adult/adult.data")
        .and_then(|file| file.parent().map(Path::to_path_buf));
    if let Some(adult) = adult {
        let config = CompareConfig {
            data: DataSource::Adult { path: adult },
            seeds: vec![0],
            ..CompareConfig::default()
        };
        group.bench_function("adult_1_seed", |b| {
            b.iter(|| compare(&config, &|_| {}).expect("the Adult experiment runs"))
        });
    }
    group.finish();
}

criterion_group!(benches, default_experiment);
criterion_main!(benches);
