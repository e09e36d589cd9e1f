//! Measures what a logistic-regression baseline learns from a simulated scenario: demographic
//! parity difference, accuracy and the majority-class rate on a 70/30 split, over seeds.
//!
//! `cargo run --release -p fairkit-data --example scenario_baseline -- [SCENARIO] [SEEDS] [ROWS]`

use fairkit_data::{Prepared, sim};
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let scenario = args.first().map_or(sim::DEFAULT_SCENARIO, String::as_str);
    let seeds: u64 = args.get(1).map_or(Ok(10), |s| s.parse())?;
    let rows: usize = args.get(2).map_or(Ok(sim::DEFAULT_ROWS), |s| s.parse())?;
    let spec = sim::spec(scenario)?;
    println!("scenario {scenario}, {rows} rows, logistic regression (C = 1), 70/30 split");
    println!("seed  stratified  dp_diff  accuracy  majority  margin");
    let mut worst = (f64::MAX, f64::MIN, f64::MAX);
    let mut dps = Vec::new();
    for seed in 0..seeds {
        let table = sim::simulate(scenario, rows, seed)?;
        for stratify in [false, true] {
            let p = Prepared::split(&spec, &table, 0.3, seed, stratify)?;
            let train = Dataset::new(
                p.train.features().to_owned(),
                p.train.labels_view().to_owned(),
            );
            let model = LogisticRegression::default()
                .max_iterations(1000)
                .fit(&train)?;
            let pred = model.predict(&p.test.features().to_owned());
            let y = p.test.labels();
            let n = y.len() as f64;
            let accuracy = pred.iter().zip(y).filter(|(a, b)| a == b).count() as f64 / n;
            let base = y.iter().filter(|&&v| v).count() as f64 / n;
            let majority = base.max(1.0 - base);
            let codes = p.test.groups().codes();
            let rate = |g: u32| {
                let (pos, all) = codes
                    .iter()
                    .zip(&pred)
                    .filter(|(c, _)| **c == g)
                    .fold((0.0, 0.0), |(pos, all), (_, &yhat)| {
                        (pos + f64::from(u8::from(yhat)), all + 1.0)
                    });
                pos / all
            };
            let dp = (rate(0) - rate(1)).abs();
            let margin = accuracy - majority;
            worst = (worst.0.min(dp), worst.1.max(dp), worst.2.min(margin));
            dps.push(dp);
            println!(
                "{seed:4}  {stratify:10}  {dp:7.4}  {accuracy:8.4}  {majority:8.4}  {margin:6.4}"
            );
        }
    }
    let mean = dps.iter().sum::<f64>() / dps.len() as f64;
    let sd = (dps.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / dps.len() as f64).sqrt();
    println!(
        "dp mean {mean:.4} sd {sd:.4} range [{:.4}, {:.4}]; smallest accuracy margin {:.4}",
        worst.0, worst.1, worst.2
    );
    Ok(())
}
