//! `fairkit gate`: the fairness gate of a CI/CD pipeline, over a CSV of test predictions.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use fairkit_gate::{GateConfig, GateError, GateReport, Multiplicity};
use fairkit_harness::evidence::GATE_FILES;
use fairkit_harness::gate::{self, Baseline, GateInput};
use fairkit_harness::io::Outputs;

use crate::columns::PredictionArgs;
use crate::common::{Format, claim, finish};

/// Check a model's test predictions against fairness and accuracy thresholds (`--help`
/// shows [`HELP`]).
#[derive(Debug, clap::Args)]
#[command(after_long_help = HELP)]
pub struct Args {
    #[command(flatten)]
    input: PredictionArgs,
    /// A gate.toml with settings; flags override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Largest allowed demographic parity difference, or `off` [default: 0.10].
    #[arg(long, value_name = "X", value_parser = threshold)]
    dp_max: Option<Threshold>,
    /// Largest allowed equalized odds difference, or `off` [default: 0.10].
    #[arg(long, value_name = "X", value_parser = threshold)]
    eo_max: Option<Threshold>,
    /// Smallest allowed overall accuracy, or `off` [default: 0.70].
    #[arg(long, value_name = "X", value_parser = threshold)]
    min_accuracy: Option<Threshold>,
    /// Rows a group needs for a check involving it to decide [default: 100].
    #[arg(long, value_name = "N")]
    min_group_size: Option<u64>,
    /// Check the four-fifths rule (on by default; overrides `four_fifths = false` in --config).
    #[arg(long, overrides_with = "no_four_fifths")]
    four_fifths: bool,
    /// Do not check the four-fifths rule.
    #[arg(long)]
    no_four_fifths: bool,
    /// Treat INCONCLUSIVE as a failure (exit status 1).
    #[arg(long)]
    strict: bool,
    /// Decide on bootstrap intervals at this confidence level, strictly between 0 and 1.
    #[arg(long, value_name = "C")]
    confidence: Option<f64>,
    /// Bootstrap resamples with --confidence, at most 1000000 [default: 1000].
    #[arg(long, value_name = "N",
          value_parser = crate::common::count(fairkit_core::limits::BOOTSTRAP, 1))]
    n_boot: Option<u64>,
    /// Seed of the bootstrap [default: 0].
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Simultaneous intervals over all groups and checks with --confidence [default: max-t].
    #[arg(long, value_name = "METHOD", value_parser = ["none", "bonferroni", "max-t"])]
    multiplicity: Option<String>,
    /// Column of the baseline (production) model's predictions on the same rows: compare the
    /// candidate (--pred) with it.
    #[arg(long, value_name = "COL")]
    baseline_pred: Option<String>,
    /// CSV or Parquet file with the baseline's predictions on the same rows in the same order (column
    /// --baseline-pred, or the --pred column's name); its label and sensitive columns, where
    /// present, must match --data row by row.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Against a baseline: the largest allowed increase of the demographic parity difference,
    /// or `off` [default: 0.02].
    #[arg(long, value_name = "X", value_parser = threshold)]
    dp_margin: Option<Threshold>,
    /// Against a baseline: the largest allowed increase of the equalized odds difference, or
    /// `off` [default: 0.02].
    #[arg(long, value_name = "X", value_parser = threshold)]
    eo_margin: Option<Threshold>,
    /// Against a baseline: the largest allowed loss of overall accuracy, or `off`
    /// [default: 0.01].
    #[arg(long, value_name = "X", value_parser = threshold)]
    accuracy_margin: Option<Threshold>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Output file (written atomically); standard output without it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write the decision's evidence into this directory: evidence.json (the SHA-256 of every
    /// input file, the fairkit version, the seed, the command line), report.json and gate.toml
    /// (the resolved configuration). `fairkit verify DIR` replays it.
    #[arg(long, value_name = "DIR")]
    evidence: Option<PathBuf>,
    /// Also write the decision as one self-contained HTML page (checks, per-group rates and
    /// bar charts; no script or network), committed with --out and --evidence.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

/// The long help: what the gate checks, where settings come from, what a verdict means.
const HELP: &str = "\
Reads a CSV with a label column, a prediction column (values from the label's two classes)
and one or more sensitive columns, and runs the checks: accuracy >= --min-accuracy (0.70),
demographic parity difference <= --dp-max (0.10), equalized odds difference <= --eo-max
(0.10) and the four-fifths rule (smallest / largest selection rate >= 0.8). Each check reports
its value, threshold and status, and the report lists every group's counts and rates. With
--weights the rates are weighted, while the minimum group sizes count rows.

A check that involves a group with fewer than --min-group-size rows (100; for equalized odds
also fewer than 10 positives or 10 negatives) is INCONCLUSIVE.

Sampling noise: with --confidence C (e.g. 0.95) each check decides on a seeded bootstrap
interval (--n-boot resamples, --seed) instead of the point value. FAIL only when the whole
interval is beyond the threshold: the violation is not explained by sampling noise. PASS only
when the whole interval meets it. INCONCLUSIVE when it straddles the threshold: the test set
cannot tell; collect more labelled data, or accept the risk explicitly (without --strict) or
refuse it (with --strict). With many groups and checks the intervals are simultaneous
(--multiplicity max-t, the default; bonferroni; or none: each check's percentile interval on
its own), so a model whose true values all meet the thresholds fails with probability at most
1 - C. An inconclusive check reports the labelled rows per group that would decide it at the
observed effect.

Against the production model: --baseline-pred COL (a column of --data) or --baseline FILE (the
same rows in the same order) compares candidate minus baseline on the same rows (a paired
bootstrap with --confidence): the demographic parity and equalized odds differences may grow
by at most --dp-margin and --eo-margin (0.02), accuracy may drop by at most --accuracy-margin
(0.01). PASS when the whole interval of the difference is within the margin, FAIL when it is
wholly beyond, INCONCLUSIVE otherwise.

Settings: the defaults, then --config (a gate.toml with any of the keys dp_difference_max,
eo_difference_max, accuracy_floor, per_group_accuracy_floor, four_fifths,
four_fifths_threshold, min_samples_per_group, min_positives_per_group,
min_negatives_per_group, strict, confidence, n_boot, seed, multiplicity, dp_margin,
eo_margin, accuracy_margin; a threshold or margin set to false turns it off), then the flags.

Evidence: --evidence DIR writes report.json, gate.toml (the resolved configuration) and
evidence.json (SHA-256 of --data, --baseline and --config, the fairkit version, the seed, the
command line) together with --out; `fairkit verify DIR` checks the inputs and replays the
decision byte for byte.

Exit status: 0 pass (or inconclusive without --strict), 1 fail (or inconclusive with
--strict), 2 bad input or usage. The same input, settings and seed give the same bytes.";

/// A threshold flag: a number, or `off` to turn the check off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold(pub Option<f64>);

/// Parses a [`Threshold`]: a finite number or `off`.
pub fn threshold(text: &str) -> Result<Threshold, String> {
    if text.eq_ignore_ascii_case("off") {
        return Ok(Threshold(None));
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Threshold(Some(v))),
        _ => Err(format!("expected a number or `off`, got '{text}'")),
    }
}

impl Args {
    /// The defaults, overridden by the config file, overridden by the flags.
    fn config(&self) -> Result<GateConfig> {
        let mut c = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                // The message already quotes the TOML error; keep it once (not again as a cause).
                GateConfig::from_toml(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?
            }
            None => GateConfig::default(),
        };
        let set = |slot: &mut Option<f64>, flag: Option<Threshold>| {
            if let Some(Threshold(v)) = flag {
                *slot = v;
            }
        };
        set(&mut c.dp_difference_max, self.dp_max);
        set(&mut c.eo_difference_max, self.eo_max);
        set(&mut c.accuracy_floor, self.min_accuracy);
        set(&mut c.dp_margin, self.dp_margin);
        set(&mut c.eo_margin, self.eo_margin);
        set(&mut c.accuracy_margin, self.accuracy_margin);
        c.multiplicity = match self.multiplicity.as_deref() {
            Some("none") => Multiplicity::None,
            Some("bonferroni") => Multiplicity::Bonferroni,
            Some(_) => Multiplicity::MaxT,
            None => c.multiplicity,
        };
        c.min_samples_per_group = self.min_group_size.unwrap_or(c.min_samples_per_group);
        c.four_fifths = (c.four_fifths || self.four_fifths) && !self.no_four_fifths;
        c.strict |= self.strict;
        c.confidence = self.confidence.or(c.confidence);
        if let Some(n) = self.n_boot {
            c.n_boot = usize::try_from(n)?;
        }
        c.seed = self.seed.unwrap_or(c.seed);
        // The file's values were checked where they were read, so what fails now came from a
        // flag: name the flag.
        c.validate().map_err(|e| match e {
            GateError::Core(fairkit_core::Error::InvalidParameter {
                name,
                value,
                reason,
            }) => {
                let flag = match name.as_str() {
                    "dp_difference_max" => "--dp-max",
                    "eo_difference_max" => "--eo-max",
                    "accuracy_floor" => "--min-accuracy",
                    "dp_margin" => "--dp-margin",
                    "eo_margin" => "--eo-margin",
                    "accuracy_margin" => "--accuracy-margin",
                    "n_boot" => "--n-boot",
                    "confidence" => "--confidence",
                    other => other,
                };
                anyhow!("invalid value for {flag}: {value} ({reason})")
            }
            other => anyhow!("invalid gate settings: {other}"),
        })?;
        Ok(c)
    }
}

impl Args {
    /// What the gate reads: --data under the column flags, and the baseline of
    /// --baseline-pred / --baseline.
    fn input(&self) -> GateInput {
        let baseline = match (&self.baseline, &self.baseline_pred) {
            (Some(path), column) => Some(Baseline::File {
                path: path.clone(),
                column: column.clone(),
            }),
            (None, Some(column)) => Some(Baseline::Column(column.clone())),
            (None, None) => None,
        };
        GateInput {
            data: self.input.data.clone(),
            layout: self.input.columns.layout.layout(),
            columns: self.input.columns(),
            baseline,
        }
    }
}

/// Reads the inputs and decides: the report, and the resolved configuration.
pub fn decide(args: &Args) -> Result<(GateReport, GateConfig)> {
    let config = args.config()?;
    let report = gate::run(&args.input(), &config)?;
    Ok((report, config))
}

/// Runs the command; `command_line` is recorded in the evidence.
pub fn run(args: Args, command_line: &[String]) -> Result<ExitCode> {
    let mut outputs = Outputs::new();
    let out = claim(&mut outputs, args.out.as_deref(), "--out")?;
    let html = claim(&mut outputs, args.html.as_deref(), "--html")?;
    let dir = args
        .evidence
        .as_deref()
        .map(|d| outputs.dir(d, "--evidence", &GATE_FILES))
        .transpose()?;
    let (report, config) = decide(&args)?;
    if let Some(dir) = dir {
        let files = gate::evidence_files(&report, &config)?;
        let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (*n, &c[..])).collect();
        gate::evidence(&args.input(), args.config.as_deref(), &config, command_line)?.stage(
            &mut outputs,
            dir,
            &borrowed,
        )?;
    }
    if let Some(id) = html {
        let page = fairkit_harness::report_html::gate(&report);
        outputs.write(id, |w| w.write_all(page.as_bytes()))?;
    }
    let text = match args.format {
        Format::Table => report.to_string(),
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
    };
    finish(outputs, out, |w| w.write_all(text.as_bytes()))?;
    Ok(ExitCode::from(report.exit_code() as u8))
}
