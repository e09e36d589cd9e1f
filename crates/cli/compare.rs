//! `fairkit compare`: every method over several seeds, with the accuracy-fairness trade-off.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use fairkit_core::limits;
use fairkit_harness::compare::{CompareConfig, MethodEntry, claim_run_dir, compare};
use fairkit_harness::io::Outputs;
use fairkit_harness::multi::{compare_many, named_source};
use fairkit_harness::resume::{Outcome, resume};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::common::Format;
use crate::data_args::DataArgs;

/// Compare mitigation methods over several seeds and draw the accuracy-fairness trade-off.
///
/// With no arguments: the built-in biased-credit scenario, logistic and tree baselines,
/// reweighing, disparate-impact remover, exponentiated gradient (demographic parity, equalized
/// odds), grid search (demographic parity) and threshold optimizer (demographic parity,
/// equalized odds), over 5 seeds (a new 70/30 split per seed). Prints the mean and standard
/// deviation of each method's test metrics (in expectation over its randomization), marks the
/// Pareto-optimal methods, and writes results.json, results.csv, report.md, tradeoff.svg,
/// report.html (one self-contained page to open in a browser) and experiment.toml (the
/// resolved configuration, for --config) into --out.
///
/// The files are written as one run: they are staged beside --out and replace it in one
/// step after all of them are ready, so --out never mixes two runs, and a failed or interrupted
/// run (Ctrl-C, SIGTERM) leaves it as it was. Running the same command twice replaces the
/// earlier run and says so on standard error; --out holding anything but a fairkit run is
/// refused (exit status 2) before the run starts.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// Several datasets in one run, comma-separated: adult, compas, german (read from
    /// --data-dir) and the simulator scenarios biased-credit and credit. Each is compared with
    /// the same methods and seeds; --out then holds one table and one plot per dataset
    /// (tradeoff-NAME.svg), the plots as small multiples in tradeoff.svg, and a cross-dataset
    /// summary (accuracy loss and disparity reduction against the baseline, ranks, sd over
    /// splits).
    #[arg(long, value_name = "LIST", value_delimiter = ',', conflicts_with_all = ["data", "dataset"])]
    datasets: Option<Vec<String>>,
    /// The folder of the public datasets of --datasets, laid out as adult/ (adult.data,
    /// adult.test), compas/ (compas-scores-two-years.csv) and german/ (german.data).
    #[arg(long, value_name = "DIR", requires = "datasets")]
    data_dir: Option<PathBuf>,
    /// Methods to compare, comma-separated: baseline, baseline-logistic, baseline-tree,
    /// baseline-forest, baseline-naive-bayes, baseline-svm, baseline-boosting,
    /// baseline-linfa-tree, baseline-linfa-logistic (the baseline with that estimator),
    /// reweighing, di-remover, correlation-remover, expgrad-dp, expgrad-eo, expgrad-tpr,
    /// expgrad-fpr, expgrad-erp, gridsearch-dp, gridsearch-eo, threshold-dp, threshold-eo,
    /// reject-option, eq-odds, calibrated-eq-odds, prejudice-remover, gerryfair, adversarial,
    /// lfr (these fit their own learner, not --estimator), massaging; `all` is every one of
    /// these but the baseline-ESTIMATOR variants, each at its defaults [default: baseline,
    /// baseline-tree, reweighing, di-remover, expgrad-dp, expgrad-eo, gridsearch-dp,
    /// threshold-dp, threshold-eo].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    methods: Option<Vec<String>>,
    /// Base estimator of every method: logistic, tree, forest, naive-bayes, svm, boosting,
    /// linfa-tree or linfa-logistic (see `fairkit train --help`) [default: logistic].
    #[arg(long, value_name = "NAME")]
    estimator: Option<String>,
    /// Solver of the logistic estimator: newton-cholesky (the default, reaches the optimum) or
    /// lbfgs (L-BFGS, stopping when the gradient norm of the mean loss falls below 1e-4).
    #[arg(long, value_name = "NAME")]
    solver: Option<String>,
    /// Number of seeds (0, 1, ..., N-1), at most 100000; each seeds the split and the sampled
    /// predictions [default: 5].
    #[arg(long, value_name = "N", value_parser = crate::common::count(limits::SEEDS, 1))]
    seeds: Option<u64>,
    /// The disparity of the plot and the Pareto front: demographic_parity or equalized_odds
    /// [default: demographic_parity].
    #[arg(long, value_name = "NAME")]
    disparity: Option<String>,
    /// Trade-off curves: run every method over its main knob's default grid (exponentiated
    /// gradient's bound and the threshold optimizer's tolerance 0.001, 0.005, 0.01, 0.02, 0.05,
    /// 0.1; the disparate-impact remover's repair level and the correlation remover's alpha
    /// 0, 0.25, 0.5, 0.75, 1; reject option's bound 0.01, 0.025, 0.05, 0.1, 0.2; grid search
    /// contributes its whole grid; a method without a knob is one point). See docs/sweeps.md.
    #[arg(long)]
    sweep: bool,
    /// Use the data's fixed train/test split (--test, Adult's official files, COMPAS's
    /// reference split) for every seed instead of a new split per seed.
    #[arg(long)]
    fixed_split: bool,
    /// Seed of the simulated scenario (the built-in data, and the scenarios of --datasets).
    #[arg(long, value_name = "S", default_value_t = 0)]
    sim_seed: u64,
    /// An experiment file describing the whole run: TOML, or a results.json of an earlier
    /// run (its recorded configuration; experiment.toml holds the same as TOML). The other
    /// flags that choose the run must not be given.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output directory of the run's files. It must be new, empty, or hold an earlier
    /// fairkit run, which is replaced as a whole (a note on standard error says so); a directory
    /// holding anything else is refused before the run starts.
    #[arg(long, value_name = "DIR", default_value = "fairkit-out")]
    out: PathBuf,
    /// Finish the run that --out holds part of (an interrupted multi-dataset sweep, or one
    /// given more seeds, methods or datasets): the rows its results.json records, keyed by
    /// dataset, method, knob value and seed, are reused as they are, only the missing ones
    /// are run, and every file is written again from all rows. Refused (exit status 2) when
    /// the recorded run differs in anything that changes a row (data, split, estimator, a
    /// method's parameters, fairkit version) or has rows this run would drop. See
    /// docs/datasets.md.
    #[arg(long)]
    resume: bool,
    /// No progress bars.
    #[arg(long)]
    quiet: bool,
    /// Standard output: the summary table, or results.json's content (the files are written
    /// to --out either way).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl Args {
    fn flags_given(&self) -> bool {
        self.methods.is_some()
            || self.estimator.is_some()
            || self.solver.is_some()
            || self.seeds.is_some()
            || self.disparity.is_some()
            || self.fixed_split
            || self.sweep
            || self.data.data.is_some()
            || self.data.dataset.is_some()
            || self.datasets.is_some()
            || !self.data.layout.layout().is_default()
    }

    fn config(&self) -> Result<CompareConfig> {
        if let Some(path) = &self.config {
            if self.flags_given() {
                bail!("--config describes the whole run: give either --config or the run's flags");
            }
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            return Ok(CompareConfig::from_text(
                &text,
                &path.display().to_string(),
            )?);
        }
        let mut config = CompareConfig::default();
        let (source, mut split) = self.data.source(self.sim_seed, !self.fixed_split)?;
        split.fixed = self.fixed_split;
        config.data = source;
        config.split = split;
        if let Some(names) = &self.datasets {
            let rows = usize::try_from(self.data.rows)?;
            config.datasets = names
                .iter()
                .map(|n| named_source(n.trim(), self.data_dir.as_deref(), rows, self.sim_seed))
                .collect::<Result<_, _>>()?;
            if let Some(first) = config.datasets.first() {
                config.data = first.clone();
            }
        }
        if let Some(methods) = &self.methods {
            config.methods = methods
                .iter()
                .map(|m| MethodEntry::presets(m))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .flatten()
                .collect();
        }
        if let Some(e) = &self.estimator {
            config.estimator = e.parse()?;
        }
        config.estimator = crate::single::with_solver(config.estimator, self.solver.as_deref())?;
        if let Some(n) = self.seeds {
            config.seeds = (0..n).collect();
        }
        if let Some(d) = &self.disparity {
            config.disparity = d.parse()?;
        }
        config.sweep = self.sweep;
        config.check()?;
        Ok(config)
    }
}

/// Runs the command.
pub fn run(args: Args, command_line: &[String]) -> Result<ExitCode> {
    let config = args.config()?;
    let mut outputs = Outputs::new();
    let run_dir = claim_run_dir(&mut outputs, &args.out, "--out")?;
    let bars = MultiProgress::with_draw_target(if args.quiet {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    });
    let style = ProgressStyle::with_template("{prefix:>22} {bar:30} {pos}/{len} fits {elapsed}")
        .expect("valid template");
    let points = config.points();
    let per_method: Vec<ProgressBar> = config
        .methods
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let fits = points.iter().filter(|p| p.method == i).count() * config.seeds.len();
            let bar = bars.add(ProgressBar::new(fits as u64));
            bar.set_style(style.clone());
            bar.set_prefix(m.name.clone());
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        })
        .collect();
    let multi = !config.datasets.is_empty();
    if multi {
        // Every dataset runs each method's points on every seed.
        for bar in &per_method {
            let fits = bar.length().unwrap_or(0) * config.datasets.len() as u64;
            bar.set_length(fits);
        }
    }
    let bump = |_: usize, m: usize| per_method[m].inc(1);
    let result = if args.resume {
        resume(&config, &args.out, &bump).map(|r| {
            let note = format!(
                "note: resumed the run in {}: {} row(s) reused from its results.json, {} fitted",
                args.out.display(),
                r.reused,
                r.fitted
            );
            (r.outcome, Some(note))
        })
    } else if multi {
        compare_many(&config, &bump).map(|m| (Outcome::Many(m), None))
    } else {
        compare(&config, &|m| bump(0, m)).map(|c| (Outcome::One(c), None))
    };
    for bar in &per_method {
        bar.finish();
    }
    let _ = bars.clear();
    let (outcome, note) = result?;
    outcome.stage(&mut outputs, run_dir, command_line)?;
    let committed = outputs.commit()?;
    match note {
        Some(note) => eprintln!("{note}"),
        None => {
            for dir in &committed.replaced_runs {
                eprintln!(
                    "note: replaced the earlier fairkit run in {}",
                    dir.display()
                );
            }
        }
    }
    match outcome {
        Outcome::Many(multi) => {
            for run in &multi.runs {
                for w in &run.warnings {
                    eprintln!("warning: {}: {w}", run.dataset);
                }
            }
            match args.format {
                Format::Table => {
                    print!("{}", multi.render_table());
                    println!(
                        "\nwrote results.json, results.csv, report.md, tradeoff.svg (every \
                         dataset), tradeoff-NAME.svg (one per dataset), report.html, \
                         experiment.toml and evidence.json to {}",
                        args.out.display()
                    );
                }
                Format::Json => print!("{}", multi.render_json()?),
            }
        }
        Outcome::One(comparison) => {
            for w in &comparison.warnings {
                eprintln!("warning: {w}");
            }
            match args.format {
                Format::Table => {
                    print!("{}", comparison.render_table());
                    println!(
                        "\nwrote results.json, results.csv, report.md, tradeoff.svg, report.html, \
                         experiment.toml and evidence.json to {}",
                        args.out.display()
                    );
                }
                Format::Json => print!("{}", comparison.render_json()?),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
