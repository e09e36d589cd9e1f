//! Reading CSV at the speed of the disk (docs/csv.md):
//!
//! - `csv/adult_read_encode`: the prepared Adult train and test files (32,561 and 16,281 rows,
//!   108 columns, 16 MB) from memory to a [`Prepared`] pair, as `fairkit train --data ...
//!   --test ...` reads them (skipped with a notice when `../shared` is absent);
//! - `csv/cells_10m`: 10 million rows of `group,label,prediction` (60 MB) counted into cells
//!   as `fairkit assess` streams them;
//! - `csv/table_10m`: the same bytes read into a [`Table`] (what `assess` held before).
//!
//! Run: `cargo bench -p fairkit-data --bench csv`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fairkit_data::counts::accumulate_csv;
use fairkit_data::{CsvFormat, DatasetSpec, Prepared, Table};

/// 10 million rows of predictions for three groups, the same bytes every run.
fn predictions() -> Vec<u8> {
    let mut out = b"group,approved,pred\n".to_vec();
    let mut state = 7u64;
    for i in 0..10_000_000u64 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let r = state >> 33;
        let group = [b'A', b'B', b'C'][(i.wrapping_mul(2_654_435_761) % 3) as usize];
        let y = u8::from(r % 10 < 4);
        let p = if r.is_multiple_of(5) { 1 - y } else { y };
        out.extend_from_slice(&[group, b',', b'0' + y, b',', b'0' + p, b'\n']);
    }
    out
}

fn csv(c: &mut Criterion) {
    let mut group = c.benchmark_group("csv");
    group.sample_size(10);
    let files = ["adult_train", "adult_test"]
        .map(|f| fairkit_testkit::shared(&format!("reference/prepared/{f}.csv")));
    if let [Some(train), Some(test)] = files {
        let (train, test) = (std::fs::read(train).unwrap(), std::fs::read(test).unwrap());
        let spec = DatasetSpec {
            standardize: false,
            ..DatasetSpec::new("label", ["sensitive"])
        };
        group.throughput(Throughput::Bytes((train.len() + test.len()) as u64));
        group.bench_function("adult_read_encode", |b| {
            b.iter(|| {
                let format = CsvFormat::default();
                let train = Table::from_csv_bytes(&train, "train", &format).unwrap();
                let test = Table::from_csv_bytes(&test, "test", &format).unwrap();
                Prepared::from_tables(&spec, &train, &test).unwrap()
            })
        });
    }
    let bytes = predictions();
    let keys = ["group", "approved", "pred"].map(String::from);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("cells_10m", |b| {
        b.iter(|| accumulate_csv(&bytes[..], "p.csv", &CsvFormat::default(), &keys, None).unwrap())
    });
    group.bench_function("table_10m", |b| {
        b.iter(|| Table::from_csv_bytes(&bytes, "p.csv", &CsvFormat::default()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, csv);
criterion_main!(benches);
