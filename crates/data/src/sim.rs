//! Seeded simulators. Each scenario returns a [`Table`], so simulated data takes the same
//! encoding path as a CSV file; [`Table::write_csv`] writes it (floats in Rust's shortest
//! round-trip form). The same scenario, row count and seed give the same bytes on every
//! platform (ChaCha8 from [`fairkit_core::rng`], `rand_distr` 0.4.3 samplers).
//!
//! Scenarios:
//!
//! * `biased-credit` (the default data of every fairkit command): loan decisions where bias
//!   reaches a model the way it does in real data; see [`biased_credit`] and
//!   [`BiasedCreditParams`].
//! * `credit`: the reference material's generator, as written; see [`credit`]. It is nearly
//!   unlearnable (one lognormal draw dominates `income / max(income)`), so it is kept for
//!   comparison with the reference results only.
//!
//! ```
//! use fairkit_data::{Prepared, sim};
//!
//! let table = sim::simulate(sim::DEFAULT_SCENARIO, 500, 7)?;
//! let spec = sim::default_spec();
//! let data = Prepared::split(&spec, &table, 0.3, 7, false)?;
//! assert_eq!(data.test.n_rows(), 150);
//! assert!(!data.encoder.feature_names().contains(&"group".to_string()));
//! # Ok::<(), fairkit_data::DataError>(())
//! ```

use fairkit_core::{Error, rng};
use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal, Poisson, StandardNormal};

use crate::{DataError, DatasetSpec, Result, Table};

/// The scenario used when none is named.
pub const DEFAULT_SCENARIO: &str = "biased-credit";

/// The row count used when none is given: large enough for stable group rates, small enough
/// that comparing every mitigation method stays fast.
pub const DEFAULT_ROWS: usize = 10_000;

/// The known scenario names.
pub const SCENARIOS: [&str; 2] = ["biased-credit", "credit"];

/// Simulates `rows` rows of a scenario from `seed` (default parameters), held in memory as a
/// table (the same rows as [`stream`] produces).
///
/// # Errors
/// [`DataError::UnknownScenario`], [`DataError::ZeroRows`].
pub fn simulate(scenario: &str, rows: usize, seed: u64) -> Result<Table> {
    stream(scenario, rows as u64, seed)?.into_table()
}

/// The rows of a scenario from `seed` (default parameters), produced one at a time in
/// constant memory: [`SimRows::write_csv`] writes exactly the bytes of the table of
/// [`simulate`] written with [`Table::write_csv`].
///
/// # Errors
/// [`DataError::UnknownScenario`], [`DataError::ZeroRows`].
pub fn stream(scenario: &str, rows: u64, seed: u64) -> Result<SimRows> {
    match scenario {
        "biased-credit" => biased_credit_rows(rows, seed, &BiasedCreditParams::default()),
        "credit" => credit_rows(rows, seed),
        _ => Err(unknown(scenario)),
    }
}

/// A scenario's rows, produced one at a time (see [`stream`]).
#[derive(Debug)]
pub struct SimRows {
    source: &'static str,
    header: &'static [&'static str],
    remaining: u64,
    generator: Generator,
}

#[derive(Debug)]
enum Generator {
    BiasedCredit(Box<BiasedCreditRows>),
    Credit(Box<CreditRows>),
}

impl SimRows {
    /// The column names.
    pub fn header(&self) -> &'static [&'static str] {
        self.header
    }

    /// Rows still to come.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// Puts the next row's values, as text, into `row` (one string per column, reusing their
    /// allocations); `false` when every row was produced.
    pub fn next_row(&mut self, row: &mut Vec<String>) -> bool {
        if self.remaining == 0 {
            return false;
        }
        self.remaining -= 1;
        row.resize(self.header.len(), String::new());
        match &mut self.generator {
            Generator::BiasedCredit(g) => g.next_row(row),
            Generator::Credit(g) => g.next_row(row),
        }
        true
    }

    /// Writes the header and every remaining row as CSV, as [`Table::write_csv`] does.
    ///
    /// # Errors
    /// The writer's error (a closed pipe stays recognisable by its kind).
    pub fn write_csv(mut self, writer: impl std::io::Write) -> std::io::Result<()> {
        let io = |e: csv::Error| match e.into_kind() {
            csv::ErrorKind::Io(e) => e,
            other => std::io::Error::other(format!("{other:?}")),
        };
        let mut w = csv::Writer::from_writer(writer);
        w.write_record(self.header).map_err(io)?;
        let mut row = Vec::new();
        while self.next_row(&mut row) {
            w.write_record(&row).map_err(io)?;
        }
        w.flush()
    }

    /// Collects the remaining rows into a table.
    ///
    /// # Errors
    /// [`DataError::ZeroRows`] when no rows remain.
    pub fn into_table(mut self) -> Result<Table> {
        let n = usize::try_from(self.remaining).map_err(|_| DataError::ZeroRows)?;
        let mut columns: Vec<Vec<String>> = vec![Vec::with_capacity(n); self.header.len()];
        let mut row = Vec::new();
        while self.next_row(&mut row) {
            for (column, value) in columns.iter_mut().zip(&mut row) {
                column.push(std::mem::take(value));
            }
        }
        let header = self.header.iter().map(|h| h.to_string()).collect();
        Table::from_columns(self.source, header, &columns)
    }
}

/// Sets `cell` to `value` as Rust's shortest round-trip form (as `f64::to_string`).
fn put(cell: &mut String, value: impl std::fmt::Display) {
    use std::fmt::Write;
    cell.clear();
    let _ = write!(cell, "{value}");
}

/// `1` / `0`.
fn flag(v: bool) -> &'static str {
    if v { "1" } else { "0" }
}

/// The dataset spec of a scenario: its label and sensitive column (features: every other
/// column; standardized).
///
/// # Errors
/// [`DataError::UnknownScenario`].
pub fn spec(scenario: &str) -> Result<DatasetSpec> {
    match scenario {
        "biased-credit" => Ok(DatasetSpec::new("approved", ["group"])),
        "credit" => Ok(DatasetSpec::new("approved", ["gender"])),
        _ => Err(unknown(scenario)),
    }
}

/// The spec of the built-in default data ([`DEFAULT_SCENARIO`]): label `approved` (1 =
/// approved), sensitive `group`.
pub fn default_spec() -> DatasetSpec {
    DatasetSpec::new("approved", ["group"])
}

fn unknown(name: &str) -> DataError {
    DataError::UnknownScenario {
        name: name.to_string(),
        known: SCENARIOS.join(", "),
    }
}

/// The reference material's generator, as written: per row
/// `income ~ lognormal(10, 1)`, `debt_ratio ~ U(0, 1)`,
/// `credit_history_years ~ exponential(mean 5)`, `num_accounts ~ Poisson(3)`,
/// `gender ~ Bernoulli(0.5)`, `p = clip(0.3 + 0.4 income / max(income) + 0.1 gender, 0, 1)`,
/// `approved ~ Bernoulli(p)`.
///
/// Draws go column by column in that order (as the reference's numpy code does), all from
/// `rng::seeded(seed)`. Columns: `income, debt_ratio, credit_history_years, num_accounts,
/// gender, approved` (gender and approved are `0`/`1`).
///
/// # Errors
/// [`DataError::ZeroRows`].
pub fn credit(rows: usize, seed: u64) -> Result<Table> {
    credit_rows(rows as u64, seed)?.into_table()
}

/// The rows of [`credit`], one at a time. The generator draws column by column, so a first
/// pass over the draws (nothing kept but `max(income)`) marks where each column's draws begin;
/// one copy of the generator per column then replays them row by row.
fn credit_rows(rows: u64, seed: u64) -> Result<SimRows> {
    if rows == 0 {
        return Err(DataError::ZeroRows);
    }
    let lognormal = LogNormal::new(10.0, 1.0).map_err(|e| invalid_distribution(&e))?;
    let exp = Exp::new(1.0 / 5.0).map_err(|e| invalid_distribution(&e))?;
    let poisson = Poisson::new(3.0).map_err(|e| invalid_distribution(&e))?;
    let mut r = rng::seeded(seed);
    let income = r.clone();
    let mut max_income = f64::MIN;
    for _ in 0..rows {
        max_income = max_income.max(lognormal.sample(&mut r));
    }
    let debt = r.clone();
    for _ in 0..rows {
        r.r#gen::<f64>();
    }
    let history = r.clone();
    for _ in 0..rows {
        let _: f64 = exp.sample(&mut r);
    }
    let accounts = r.clone();
    for _ in 0..rows {
        let _: f64 = poisson.sample(&mut r);
    }
    let gender = r.clone();
    for _ in 0..rows {
        r.gen_bool(0.5);
    }
    Ok(SimRows {
        source: "credit",
        header: &[
            "income",
            "debt_ratio",
            "credit_history_years",
            "num_accounts",
            "gender",
            "approved",
        ],
        remaining: rows,
        generator: Generator::Credit(Box::new(CreditRows {
            lognormal,
            exp,
            poisson,
            max_income,
            income,
            debt,
            history,
            accounts,
            gender,
            approved: r,
        })),
    })
}

/// One generator per column of [`credit`], each at its column's next draw.
#[derive(Debug)]
struct CreditRows {
    lognormal: LogNormal<f64>,
    exp: Exp<f64>,
    poisson: Poisson<f64>,
    max_income: f64,
    income: rng::FairRng,
    debt: rng::FairRng,
    history: rng::FairRng,
    accounts: rng::FairRng,
    gender: rng::FairRng,
    approved: rng::FairRng,
}

impl CreditRows {
    fn next_row(&mut self, row: &mut [String]) {
        let income: f64 = self.lognormal.sample(&mut self.income);
        let debt = self.debt.r#gen::<f64>();
        let history: f64 = self.exp.sample(&mut self.history);
        let accounts: f64 = self.poisson.sample(&mut self.accounts);
        let gender = self.gender.gen_bool(0.5);
        let p = 0.3 + 0.4 * income / self.max_income + 0.1 * f64::from(u8::from(gender));
        let approved = self.approved.gen_bool(p.clamp(0.0, 1.0));
        put(&mut row[0], income);
        put(&mut row[1], debt);
        put(&mut row[2], history);
        put(&mut row[3], accounts);
        put(&mut row[4], flag(gender));
        put(&mut row[5], flag(approved));
    }
}

/// The knobs of the `biased-credit` scenario.
///
/// With the defaults and [`DEFAULT_ROWS`], a logistic-regression baseline (C = 1, 70/30 split)
/// shows a demographic parity difference of 0.174 on average (standard deviation 0.023, range
/// 0.12 to 0.25 over 60 seeds, plain and stratified splits) and an accuracy of 0.69 against a
/// majority-class rate of 0.51 (`examples/scenario_baseline.rs` measures it).
#[derive(Debug, Clone, PartialEq)]
pub struct BiasedCreditParams {
    /// Share of rows in the disadvantaged group `B` (the rest are group `A`). Default 0.4.
    pub minority_share: f64,
    /// How much lower group `B`'s log-income is at equal creditworthiness (0.25: about 22%
    /// lower income), a group-dependent feature distribution. Default 0.25.
    pub income_gap: f64,
    /// Distance between the groups' mean `neighbourhood_score`, in standard deviations: the
    /// proxy feature, which says nothing about repayment but reveals the group. Default 1.5
    /// (correlation with the group about 0.6).
    pub proxy_gap: f64,
    /// Probability that a favourable past decision for group `B` was recorded as a refusal:
    /// the historical bias in the labels. Default 0.26.
    pub label_flip: f64,
    /// Log-odds of repayment per standard deviation of latent creditworthiness: how learnable
    /// the outcome is from the features. Default 2.0.
    pub signal: f64,
}

impl Default for BiasedCreditParams {
    fn default() -> Self {
        Self {
            minority_share: 0.4,
            income_gap: 0.25,
            proxy_gap: 1.5,
            label_flip: 0.26,
            signal: 2.0,
        }
    }
}

impl BiasedCreditParams {
    fn validate(&self) -> Result<()> {
        let unit = |name: &str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(Error::invalid(name, v, "must be in [0, 1]"))
            }
        };
        unit("minority_share", self.minority_share)?;
        unit("label_flip", self.label_flip)?;
        for (name, v) in [
            ("income_gap", self.income_gap),
            ("proxy_gap", self.proxy_gap),
            ("signal", self.signal),
        ] {
            if !v.is_finite() {
                return Err(Error::invalid(name, v, "must be finite").into());
            }
        }
        Ok(())
    }
}

/// Loan decisions where bias reaches a model the way it does in real data.
///
/// Per row, in this order of draws from `rng::seeded(seed)`:
///
/// 1. `group` is `B` with probability `minority_share`, else `A`;
/// 2. latent creditworthiness `c ~ N(0, 1)`, the same distribution in both groups;
/// 3. `income = exp(10.6 + 0.35 c - income_gap [B] + 0.35 e1)`;
/// 4. `debt_ratio = sigmoid(-0.5 - 0.6 c + 0.7 e2)`;
/// 5. `credit_history_years ~ exponential(mean 6)` and `num_accounts ~ Poisson(3)`, noise;
/// 6. `neighbourhood_score = ±proxy_gap / 2 + e3` (`+` for `A`), the proxy;
/// 7. repayment `~ Bernoulli(sigmoid(0.3 + signal c))`, the same rule in both groups;
/// 8. the recorded decision `approved` is the repayment, except that for group `B` a `1` is
///    recorded as `0` with probability `label_flip` (historically biased labels).
///
/// (`e1, e2, e3 ~ N(0, 1)`.) `group` is the sensitive column and must not be a feature:
/// the model still learns the bias through the income gap and the proxy.
///
/// Columns: `income, debt_ratio, credit_history_years, num_accounts, neighbourhood_score,
/// group, approved`.
///
/// # Errors
/// [`DataError::ZeroRows`], a parameter out of range.
pub fn biased_credit(rows: usize, seed: u64, params: &BiasedCreditParams) -> Result<Table> {
    biased_credit_rows(rows as u64, seed, params)?.into_table()
}

/// The rows of [`biased_credit`], one at a time (its draws go row by row).
fn biased_credit_rows(rows: u64, seed: u64, params: &BiasedCreditParams) -> Result<SimRows> {
    if rows == 0 {
        return Err(DataError::ZeroRows);
    }
    params.validate()?;
    Ok(SimRows {
        source: "biased-credit",
        header: &[
            "income",
            "debt_ratio",
            "credit_history_years",
            "num_accounts",
            "neighbourhood_score",
            "group",
            "approved",
        ],
        remaining: rows,
        generator: Generator::BiasedCredit(Box::new(BiasedCreditRows {
            params: params.clone(),
            exp: Exp::new(1.0 / 6.0).map_err(|e| invalid_distribution(&e))?,
            poisson: Poisson::new(3.0).map_err(|e| invalid_distribution(&e))?,
            r: rng::seeded(seed),
        })),
    })
}

/// The state of [`biased_credit`]'s generator.
#[derive(Debug)]
struct BiasedCreditRows {
    params: BiasedCreditParams,
    exp: Exp<f64>,
    poisson: Poisson<f64>,
    r: rng::FairRng,
}

impl BiasedCreditRows {
    fn next_row(&mut self, row: &mut [String]) {
        let (params, r) = (&self.params, &mut self.r);
        let sigmoid = |z: f64| 1.0 / (1.0 + (-z).exp());
        let normal = |r: &mut rng::FairRng| -> f64 { StandardNormal.sample(r) };
        let b = r.gen_bool(params.minority_share);
        let c = normal(r);
        let gap = if b { params.income_gap } else { 0.0 };
        let income = (10.6 + 0.35 * c - gap + 0.35 * normal(r)).exp();
        let debt = sigmoid(-0.5 - 0.6 * c + 0.7 * normal(r));
        let history: f64 = self.exp.sample(r);
        let accounts: f64 = self.poisson.sample(r);
        let side = if b { -0.5 } else { 0.5 };
        let neighbourhood = side * params.proxy_gap + normal(r);
        let repaid = r.gen_bool(sigmoid(0.3 + params.signal * c));
        let flipped = r.gen_bool(params.label_flip);
        for (cell, v) in row
            .iter_mut()
            .zip([income, debt, history, accounts, neighbourhood])
        {
            put(cell, v);
        }
        put(&mut row[5], if b { "B" } else { "A" });
        put(&mut row[6], flag(repaid && !(b && flipped)));
    }
}

fn invalid_distribution(e: &dyn std::fmt::Display) -> DataError {
    Error::invalid("distribution", e, "rejected by rand_distr").into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Encoder;

    fn csv_bytes(t: &Table) -> Vec<u8> {
        let mut out = Vec::new();
        t.write_csv(&mut out).unwrap();
        out
    }

    fn numbers(t: &Table, name: &str) -> Vec<f64> {
        t.column(name)
            .unwrap()
            .iter()
            .map(|v| v.parse().unwrap())
            .collect()
    }

    fn mean(v: impl IntoIterator<Item = f64>) -> f64 {
        let (s, n) = v.into_iter().fold((0.0, 0.0), |(s, n), x| (s + x, n + 1.0));
        s / n
    }

    /// The simulators as they were before they streamed (whole columns in memory): the oracle
    /// of the streaming generators' bytes.
    mod oracle {
        use super::super::*;

        pub(super) fn credit(rows: usize, seed: u64) -> Result<Table> {
            if rows == 0 {
                return Err(DataError::ZeroRows);
            }
            let mut r = rng::seeded(seed);
            let lognormal = LogNormal::new(10.0, 1.0).map_err(|e| invalid_distribution(&e))?;
            let exp = Exp::new(1.0 / 5.0).map_err(|e| invalid_distribution(&e))?;
            let poisson = Poisson::new(3.0).map_err(|e| invalid_distribution(&e))?;
            let income: Vec<f64> = (0..rows).map(|_| lognormal.sample(&mut r)).collect();
            let debt: Vec<f64> = (0..rows).map(|_| r.r#gen::<f64>()).collect();
            let history: Vec<f64> = (0..rows).map(|_| exp.sample(&mut r)).collect();
            let accounts: Vec<f64> = (0..rows).map(|_| poisson.sample(&mut r)).collect();
            let gender: Vec<bool> = (0..rows).map(|_| r.gen_bool(0.5)).collect();
            let max_income = income.iter().fold(f64::MIN, |m, &v| m.max(v));
            let approved: Vec<bool> = income
                .iter()
                .zip(&gender)
                .map(|(&inc, &g)| {
                    let p = 0.3 + 0.4 * inc / max_income + 0.1 * f64::from(u8::from(g));
                    r.gen_bool(p.clamp(0.0, 1.0))
                })
                .collect();
            table(
                "credit",
                vec![
                    ("income", floats(&income)),
                    ("debt_ratio", floats(&debt)),
                    ("credit_history_years", floats(&history)),
                    ("num_accounts", floats(&accounts)),
                    ("gender", flags(&gender)),
                    ("approved", flags(&approved)),
                ],
            )
        }

        pub(super) fn biased_credit(
            rows: usize,
            seed: u64,
            params: &BiasedCreditParams,
        ) -> Result<Table> {
            if rows == 0 {
                return Err(DataError::ZeroRows);
            }
            params.validate()?;
            let exp = Exp::new(1.0 / 6.0).map_err(|e| invalid_distribution(&e))?;
            let poisson = Poisson::new(3.0).map_err(|e| invalid_distribution(&e))?;
            let sigmoid = |z: f64| 1.0 / (1.0 + (-z).exp());
            let mut r = rng::seeded(seed);
            let normal = |r: &mut rng::FairRng| -> f64 { StandardNormal.sample(r) };
            let mut cols: [Vec<f64>; 5] = Default::default();
            let mut group = Vec::with_capacity(rows);
            let mut approved = Vec::with_capacity(rows);
            for _ in 0..rows {
                let b = r.gen_bool(params.minority_share);
                let c = normal(&mut r);
                let gap = if b { params.income_gap } else { 0.0 };
                let income = (10.6 + 0.35 * c - gap + 0.35 * normal(&mut r)).exp();
                let debt = sigmoid(-0.5 - 0.6 * c + 0.7 * normal(&mut r));
                let history = exp.sample(&mut r);
                let accounts = poisson.sample(&mut r);
                let side = if b { -0.5 } else { 0.5 };
                let neighbourhood = side * params.proxy_gap + normal(&mut r);
                let repaid = r.gen_bool(sigmoid(0.3 + params.signal * c));
                let flipped = r.gen_bool(params.label_flip);
                for (col, v) in
                    cols.iter_mut()
                        .zip([income, debt, history, accounts, neighbourhood])
                {
                    col.push(v);
                }
                group.push(if b { "B" } else { "A" });
                approved.push(repaid && !(b && flipped));
            }
            let [income, debt, history, accounts, neighbourhood] = &cols;
            table(
                "biased-credit",
                vec![
                    ("income", floats(income)),
                    ("debt_ratio", floats(debt)),
                    ("credit_history_years", floats(history)),
                    ("num_accounts", floats(accounts)),
                    ("neighbourhood_score", floats(neighbourhood)),
                    ("group", group.iter().map(|g| g.to_string()).collect()),
                    ("approved", flags(&approved)),
                ],
            )
        }

        /// Floats in Rust's shortest round-trip form.
        fn floats(values: &[f64]) -> Vec<String> {
            values.iter().map(|v| v.to_string()).collect()
        }

        /// Booleans as `1`/`0`.
        fn flags(values: &[bool]) -> Vec<String> {
            values
                .iter()
                .map(|&v| if v { "1" } else { "0" }.to_string())
                .collect()
        }

        fn table(source: &str, columns: Vec<(&str, Vec<String>)>) -> Result<Table> {
            let (names, values): (Vec<String>, Vec<Vec<String>>) =
                columns.into_iter().map(|(n, v)| (n.to_string(), v)).unzip();
            Table::from_columns(source, names, &values)
        }
    }

    #[test]
    fn streamed_rows_are_the_bytes_of_the_whole_table() {
        for (scenario, rows, seed) in [
            ("biased-credit", 1, 0),
            ("biased-credit", 777, 3),
            ("biased-credit", 10_000, 0),
            ("credit", 1, 5),
            ("credit", 777, 3),
            ("credit", 10_000, 42),
        ] {
            let old = match scenario {
                "credit" => oracle::credit(rows, seed),
                _ => oracle::biased_credit(rows, seed, &BiasedCreditParams::default()),
            }
            .unwrap();
            let mut streamed = Vec::new();
            stream(scenario, rows as u64, seed)
                .unwrap()
                .write_csv(&mut streamed)
                .unwrap();
            assert_eq!(streamed, csv_bytes(&old), "{scenario} {rows} {seed}");
            assert_eq!(simulate(scenario, rows, seed).unwrap(), old);
        }
    }

    #[test]
    fn a_stream_counts_down_its_rows() {
        let mut s = stream("credit", 3, 1).unwrap();
        assert_eq!(s.header().len(), 6);
        let mut row = Vec::new();
        assert_eq!(s.remaining(), 3);
        assert!(s.next_row(&mut row) && s.next_row(&mut row) && s.next_row(&mut row));
        assert_eq!(row.len(), 6);
        assert!(!s.next_row(&mut row));
        assert_eq!(s.remaining(), 0);
        assert!(matches!(
            stream("x", 3, 1),
            Err(DataError::UnknownScenario { .. })
        ));
        assert!(matches!(stream("credit", 0, 1), Err(DataError::ZeroRows)));
    }

    #[test]
    fn same_seed_same_bytes() {
        for scenario in SCENARIOS {
            let a = csv_bytes(&simulate(scenario, 300, 11).unwrap());
            assert_eq!(a, csv_bytes(&simulate(scenario, 300, 11).unwrap()));
            assert_ne!(a, csv_bytes(&simulate(scenario, 300, 12).unwrap()));
            // What is written reads back as the same table.
            let back = Table::from_csv(&a[..], scenario).unwrap();
            assert_eq!(back, simulate(scenario, 300, 11).unwrap());
        }
    }

    #[test]
    fn unknown_scenario() {
        let e = simulate("loans", 10, 0).unwrap_err();
        assert!(matches!(&e, DataError::UnknownScenario { name, .. } if name == "loans"));
        assert_eq!(
            e.to_string(),
            "unknown scenario 'loans' (known: biased-credit, credit)"
        );
        assert!(matches!(
            spec("loans"),
            Err(DataError::UnknownScenario { .. })
        ));
    }

    #[test]
    fn zero_rows() {
        for scenario in SCENARIOS {
            let e = simulate(scenario, 0, 0).unwrap_err();
            assert_eq!(e, DataError::ZeroRows);
            assert!(e.to_string().contains("zero rows requested"));
        }
    }

    #[test]
    fn invalid_parameters() {
        let params = BiasedCreditParams {
            label_flip: 1.5,
            ..BiasedCreditParams::default()
        };
        let e = biased_credit(10, 0, &params).unwrap_err();
        assert!(e.to_string().contains("label_flip"));
    }

    #[test]
    fn credit_follows_the_reference_generator() {
        let t = credit(10_000, 42).unwrap();
        assert_eq!(
            t.header(),
            [
                "income",
                "debt_ratio",
                "credit_history_years",
                "num_accounts",
                "gender",
                "approved"
            ]
        );
        let income = numbers(&t, "income");
        let log_mean = mean(income.iter().map(|v| v.ln()));
        assert!((log_mean - 10.0).abs() < 0.03, "{log_mean}");
        assert!((mean(numbers(&t, "credit_history_years")) - 5.0).abs() < 0.15);
        assert!((mean(numbers(&t, "num_accounts")) - 3.0).abs() < 0.06);
        assert!((mean(numbers(&t, "debt_ratio")) - 0.5).abs() < 0.01);
        assert!((mean(numbers(&t, "gender")) - 0.5).abs() < 0.015);
        // The reference's approval rate is 0.3656 (income / max(income) is small).
        let approved = mean(numbers(&t, "approved"));
        assert!((approved - 0.365).abs() < 0.015, "{approved}");
        assert!(numbers(&t, "num_accounts").iter().all(|v| v.fract() == 0.0));
    }

    #[test]
    fn biased_credit_has_the_designed_group_structure() {
        let t = biased_credit(20_000, 3, &BiasedCreditParams::default()).unwrap();
        let b: Vec<f64> = t
            .column("group")
            .unwrap()
            .iter()
            .map(|g| f64::from(u8::from(g == "B")))
            .collect();
        let share_b = mean(b.iter().copied());
        assert!((share_b - 0.4).abs() < 0.015, "{share_b}");
        // The proxy: correlation with group B near -0.6 (proxy_gap 1.5).
        let nb = numbers(&t, "neighbourhood_score");
        let (mb, mn) = (share_b, mean(nb.iter().copied()));
        let cov = mean(b.iter().zip(&nb).map(|(x, y)| (x - mb) * (y - mn)));
        let var_nb = mean(nb.iter().map(|y| (y - mn).powi(2)));
        let corr = cov / (mb * (1.0 - mb) * var_nb).sqrt();
        assert!((-0.64..=-0.56).contains(&corr), "{corr}");
        // Group-dependent income: log-income of B lower by income_gap = 0.25.
        let log_income = numbers(&t, "income")
            .iter()
            .map(|v| v.ln())
            .collect::<Vec<_>>();
        let by_group = |values: &[f64], group: f64| {
            mean(
                values
                    .iter()
                    .zip(&b)
                    .filter(|(_, g)| **g == group)
                    .map(|(v, _)| *v),
            )
        };
        let gap = by_group(&log_income, 0.0) - by_group(&log_income, 1.0);
        assert!((gap - 0.25).abs() < 0.03, "{gap}");
        // Biased labels: B's base rate is (1 - label_flip) times A's.
        let y = numbers(&t, "approved");
        let (rate_a, rate_b) = (by_group(&y, 0.0), by_group(&y, 1.0));
        assert!((0.45..=0.60).contains(&rate_a), "{rate_a}");
        assert!((rate_b / rate_a - 0.74).abs() < 0.04, "{rate_a} {rate_b}");
        // The sensitive column is not a feature of the default spec.
        let e = Encoder::fit(&default_spec(), &t, &[]).unwrap();
        assert_eq!(
            e.feature_names(),
            [
                "income",
                "debt_ratio",
                "credit_history_years",
                "num_accounts",
                "neighbourhood_score"
            ]
        );
        assert_eq!(spec(DEFAULT_SCENARIO).unwrap(), default_spec());
    }
}
