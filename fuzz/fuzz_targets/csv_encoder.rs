//! The CSV reader and the feature encoder.
//!
//! Input: two flags bytes, then a training CSV, a NUL byte and a test CSV. The first byte picks
//! the delimiter, trimming, duplicate renaming and the chunk size the reader is fed in; the
//! second the encoder's options (label: the last column; sensitive: the first or the
//! second-to-last). Checked beyond "no panic, no hang":
//! * the table read in small chunks equals the table read at once (values and line numbers);
//! * a table written with `write_csv` reads back to the same header and values;
//! * selecting columns while reading equals selecting them afterwards;
//! * a fitted encoder passes its own `validate` (or a saved model could not be loaded), encodes
//!   its training table, gives finite features, and survives a JSON round trip.
#![no_main]

#[path = "common.rs"]
mod common;

use common::{Trickle, split_nul};
use fairkit_data::{CsvFormat, DatasetSpec, Encoder, Prepared, Table};
use libfuzzer_sys::fuzz_target;

fn values(t: &Table) -> Vec<Vec<String>> {
    (0..t.n_columns())
        .map(|j| t.column_at(j).iter().map(str::to_string).collect())
        .collect()
}

fn lines(t: &Table) -> Vec<u64> {
    (0..t.n_rows()).map(|i| t.line(i)).collect()
}

fn read(bytes: &[u8], chunk: usize, format: &CsvFormat) -> Option<Table> {
    let whole = Table::from_csv_with(bytes, "fuzz.csv", format);
    let trickled = Table::from_csv_with(Trickle::new(bytes, chunk), "fuzz.csv", format);
    match (&whole, &trickled) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.header(), b.header());
            assert_eq!(values(a), values(b));
            assert_eq!(lines(a), lines(b));
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("chunked read differs: {whole:?} vs {trickled:?}"),
    }
    whole.ok()
}

fuzz_target!(|data: &[u8]| {
    let [flags, options, rest @ ..] = data else {
        return;
    };
    let (flags, options) = (*flags, *options);
    let (train_bytes, test_bytes) = split_nul(rest);
    let format = CsvFormat {
        delimiter: [b',', b';', b'\t', b'|'][usize::from(flags & 3)],
        trim: flags & 4 != 0,
        rename_duplicates: flags & 8 != 0,
        ..CsvFormat::default()
    };
    let chunk = usize::from(flags >> 4) + 1;
    let Some(train) = read(train_bytes, chunk, &format) else {
        return;
    };

    // Written and read back: the same header and values.
    let mut written = Vec::new();
    train.write_csv(&mut written).expect("writing to memory");
    let back = Table::from_csv(&written[..], "back.csv").unwrap_or_else(|e| {
        panic!(
            "written table does not read back: {e}\n{:?}",
            String::from_utf8_lossy(&written)
        )
    });
    assert_eq!(back.header(), train.header());
    assert_eq!(values(&back), values(&train));

    // Selecting while reading equals selecting afterwards.
    let header = train.header().to_vec();
    let mut wanted = vec![header[0].clone(), header[header.len() - 1].clone()];
    wanted.dedup();
    let selecting = CsvFormat {
        select: Some(wanted.clone()),
        ..format.clone()
    };
    if let Some(selected) = read(train_bytes, chunk, &selecting) {
        let after = train.select_columns(&wanted).expect("the columns exist");
        assert_eq!(selected.header(), after.header());
        assert_eq!(values(&selected), values(&after));
    }

    let test = read(test_bytes, chunk, &format);
    if header.len() < 2 {
        return;
    }
    let label = &header[header.len() - 1];
    let sensitive = if options & 8 == 0 {
        &header[0]
    } else {
        &header[header.len().saturating_sub(2)]
    };
    let mut spec = DatasetSpec::new(label, [sensitive.clone()]);
    spec.positive_label = train.column_at(header.len() - 1).get(0).to_string();
    spec.standardize = options & 1 == 0;
    if options & 2 != 0 {
        spec.categorical = header[1..header.len() - 1]
            .iter()
            .step_by(2)
            .cloned()
            .collect();
    }
    let others: Vec<&Table> = test.iter().collect();
    let Ok(encoder) = Encoder::fit(&spec, &train, &others) else {
        return;
    };
    if let Err(e) = encoder.validate() {
        panic!("a fitted encoder fails its own validation: {e}");
    }
    let encoded = encoder
        .transform(&train)
        .unwrap_or_else(|e| panic!("the encoder cannot encode its training table: {e}"));
    assert!(
        encoded.features().iter().all(|v| v.is_finite()),
        "non-finite features"
    );
    let json = serde_json::to_string(&encoder).expect("an encoder serializes");
    let again: Encoder = serde_json::from_str(&json).expect("an encoder deserializes");
    assert_eq!(again, encoder);
    if let Some(test) = &test {
        let _ = encoder.transform(test);
        let _ = encoder.open_groups(test);
        let _ = Prepared::from_tables(&spec, &train, test);
    }
    let _ = Prepared::split(
        &spec,
        &train,
        0.25,
        u64::from(options >> 4),
        options & 4 != 0,
    );
});
