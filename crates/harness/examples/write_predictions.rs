//! Writes `ROWS` simulated predictions (columns `label`, `prediction`, `group`, `weight`) as
//! one Parquet file `OUT`, for the streamed-assessment measurements of docs/parquet.md#streaming:
//!
//! ```sh
//! cargo run --release -p fairkit-harness --example write_predictions -- 100000000 predictions.parquet
//! ```
//!
//! Rows are a fixed function of their index (SplitMix64), so a row count gives the same file
//! every time. Four groups of unequal size, a base rate and an error rate per group, and
//! sixteen weights from 0.5 to 2.375 (so that weights vary within every cell).

use std::fs::File;
use std::io::BufWriter;

/// The rows `0..n` of the simulated predictions.
pub struct Predictions {
    next: u64,
    n: u64,
}

impl Predictions {
    /// The first `n` rows.
    pub fn new(n: u64) -> Self {
        Predictions { next: 0, n }
    }
}

/// SplitMix64: a well-mixed 64-bit hash of `x`.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl fairkit_columnar::RowSource for Predictions {
    fn header(&self) -> Vec<String> {
        ["label", "prediction", "group", "weight"]
            .map(String::from)
            .to_vec()
    }

    fn next_row(&mut self, row: &mut Vec<String>) -> bool {
        if self.next >= self.n {
            return false;
        }
        let h = mix(self.next);
        self.next += 1;
        let u = |shift: u32| ((h >> shift) & 0xFFFF) as f64 / 65536.0;
        let g = match u(0) {
            x if x < 0.4 => 0,
            x if x < 0.7 => 1,
            x if x < 0.9 => 2,
            _ => 3,
        };
        let label = u(16) < [0.45, 0.35, 0.3, 0.5][g];
        let wrong = u(32) < [0.1, 0.15, 0.2, 0.12][g];
        let weight = 0.5 + ((h >> 48) & 15) as f64 / 8.0;
        row.clear();
        row.push(u8::from(label).to_string());
        row.push(u8::from(label != wrong).to_string());
        row.push(["A", "B", "C", "D"][g].to_string());
        row.push(weight.to_string());
        true
    }
}

/// Writes the first `rows` predictions to `path`.
pub fn write(rows: u64, path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let out = BufWriter::new(File::create(path)?);
    fairkit_columnar::write_rows(
        &mut Predictions::new(rows),
        &path.display().to_string(),
        out,
    )?;
    Ok(())
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, rows, out] = &args[..] else {
        return Err("usage: write_predictions ROWS OUT.parquet".into());
    };
    write(rows.parse()?, std::path::Path::new(out))
}
