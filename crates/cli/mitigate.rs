//! `fairkit mitigate`: fit a mitigation method and report its test metrics by group.

use std::process::ExitCode;

use anyhow::{Result, bail};
use fairkit_core::limits;
use fairkit_harness::method::{
    CalibratedEqOddsSpec, EqOddsSpec, ExpgradSpec, GerryFairSpec, GridsearchSpec, LfrSpec,
    MassagingSpec, MethodSpec, PRESETS, PrejudiceRemoverSpec, ReductionConstraint,
    RejectOptionSpec, ThresholdSpec,
};
use fairkit_postprocessing::{Constraint, CostConstraint, Disparity, Objective};
use fairkit_reductions::Bound;

use crate::single::{self, RunArgs};

/// Fit a mitigation method on the training rows and report accuracy and fairness by group on
/// the test rows.
///
/// The report covers the predicted labels (sampled with --seed for randomized methods) and,
/// under `expected`, the same metrics in expectation over the method's randomization, which is
/// what compares across tools. Without --data it runs on the built-in biased-credit scenario.
///
/// Methods: reweighing, di-remover, correlation-remover, massaging, lfr (pre-processing; lfr
/// predicts with its own labels unless --fit-estimator); expgrad, gridsearch
/// (reductions); threshold, reject-option, eq-odds, calibrated-eq-odds (post-processing);
/// prejudice-remover, gerryfair, adversarial (in-processing: they fit their own learner, so
/// --estimator does not apply); baseline; or a preset such as expgrad-dp, expgrad-eo,
/// gridsearch-dp, threshold-eo.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The method (or a preset: see above).
    #[arg(long, value_name = "NAME")]
    method: String,
    /// The fairness constraint: demographic_parity, equalized_odds, true_positive_rate_parity,
    /// false_positive_rate_parity, error_rate_parity (reductions); demographic_parity,
    /// equalized_odds, true/false positive/negative_rate_parity (threshold).
    #[arg(long, value_name = "NAME")]
    constraint: Option<String>,
    /// Reductions: each group's rate may differ from the overall rate by at most X
    /// (default 0.01).
    #[arg(long, value_name = "X", conflicts_with = "ratio_bound")]
    difference_bound: Option<f64>,
    /// Reductions: each group's rate must be at least X times the overall rate and the overall
    /// rate at least X times the group's, X in (0, 1].
    #[arg(long, value_name = "X")]
    ratio_bound: Option<f64>,
    /// Reductions: slack added to the ratio bound's constraints (default 0).
    #[arg(long, value_name = "X", requires = "ratio_bound")]
    ratio_slack: Option<f64>,
    /// Exponentiated gradient: B = 1/eps caps the Lagrange multipliers (default 0.01).
    #[arg(long, value_name = "X")]
    eps: Option<f64>,
    /// Exponentiated gradient: maximum iterations (default 50, at most 100000); lfr: L-BFGS
    /// iterations at most (AIF360's maxiter, default 5000).
    #[arg(long, value_name = "N")]
    max_iter: Option<usize>,
    /// Exponentiated gradient: convergence threshold on the duality gap (default: from the
    /// data).
    #[arg(long, value_name = "X")]
    nu: Option<f64>,
    /// Exponentiated gradient: initial learning rate multiplier (default 2).
    #[arg(long, value_name = "X")]
    eta0: Option<f64>,
    /// Grid search: grid points (default 10, at most 100000); threshold: grid intervals
    /// (default 1000, at most 10000000).
    #[arg(long, value_name = "N")]
    grid_size: Option<usize>,
    /// Grid search: largest multiplier (default 2).
    #[arg(long, value_name = "X")]
    grid_limit: Option<f64>,
    /// Grid search: weight of the violation against the error (default 0.5).
    #[arg(long, value_name = "X")]
    constraint_weight: Option<f64>,
    /// Threshold: what to maximize: accuracy, balanced_accuracy, selection_rate,
    /// true_positive_rate, true_negative_rate (default accuracy).
    #[arg(long, value_name = "NAME")]
    objective: Option<String>,
    /// Threshold: also consider "score below the threshold gives 1" rules.
    #[arg(long)]
    flip: bool,
    /// Threshold: relaxed mode, the groups' rates may differ by up to X.
    #[arg(long, value_name = "X")]
    tol: Option<f64>,
    /// Threshold, reject-option, eq-odds, calibrated-eq-odds: fit the post-processing on this
    /// numeric column of --data (e.g. an existing model's scores) instead of fitting an
    /// estimator, and evaluate it on the same column of --test. The column is the only input
    /// (not a feature); no estimator is fitted. Massaging: rank the training rows by this
    /// column instead of the estimator's scores; the (logistic) estimator is fitted on the
    /// other features.
    #[arg(long, value_name = "COL", conflicts_with = "estimator")]
    score: Option<String>,
    /// Reject-option, eq-odds, calibrated-eq-odds, massaging: the privileged group (its value
    /// of the sensitive column; default: the group with the higher training base rate).
    #[arg(long, value_name = "GROUP")]
    privileged: Option<String>,
    /// Reject-option: the disparity bounded on the training rows: statistical_parity_difference
    /// (spd, the default), average_odds_difference (aod), equal_opportunity_difference (eod).
    #[arg(long, value_name = "NAME")]
    metric: Option<String>,
    /// Reject-option: lower bound on the disparity (default -0.05).
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    metric_lb: Option<f64>,
    /// Reject-option: upper bound on the disparity (default 0.05).
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    metric_ub: Option<f64>,
    /// Reject-option: smallest classification threshold of the grid (default 0.01).
    #[arg(long, value_name = "X")]
    low_class_thresh: Option<f64>,
    /// Reject-option: largest classification threshold of the grid (default 0.99).
    #[arg(long, value_name = "X")]
    high_class_thresh: Option<f64>,
    /// Reject-option: classification thresholds in the grid (default 100).
    #[arg(long, value_name = "N")]
    num_class_thresh: Option<usize>,
    /// Reject-option: margins tried per threshold (default 50).
    #[arg(long, value_name = "N")]
    num_roc_margin: Option<usize>,
    /// Calibrated-eq-odds: the generalized rate equalized: fnr, fpr or weighted (default).
    #[arg(long, value_name = "NAME")]
    cost_constraint: Option<String>,
    /// Eq-odds: the base prediction is 1 iff the score is above X; calibrated-eq-odds: label
    /// 1 iff the (possibly replaced) score is at least X (default 0.5); lfr: label 1 iff the
    /// prototypes' label probability is above X (default 0.5).
    #[arg(long, value_name = "X")]
    threshold: Option<f64>,
    /// Lfr: number of prototypes (default 5).
    #[arg(long = "k", value_name = "N")]
    k: Option<usize>,
    /// Lfr: weight of the reconstruction error (AIF360's Ax, default 0.01).
    #[arg(long, value_name = "X")]
    ax: Option<f64>,
    /// Lfr: weight of the prediction log-loss (AIF360's Ay, default 1).
    #[arg(long, value_name = "X")]
    ay: Option<f64>,
    /// Lfr: weight of the groups' prototype-assignment gap (AIF360's Az, default 50).
    #[arg(long, value_name = "X")]
    az: Option<f64>,
    /// Lfr: fit --estimator on the learned representation and predict with it, instead of
    /// LFR's own labels (AIF360's default).
    #[arg(long)]
    fit_estimator: bool,
    /// Prejudice-remover: weight of the prejudice index (default 1).
    #[arg(long, value_name = "X")]
    eta: Option<f64>,
    /// Prejudice-remover: weight of the L2 penalty (default 1); gerryfair: bound on the
    /// auditor's dual variables (default 10). AIF360's C.
    #[arg(long = "c", value_name = "X")]
    c: Option<f64>,
    /// Gerryfair: fairness tolerance (default 0.01).
    #[arg(long, value_name = "X")]
    gamma: Option<f64>,
    /// Gerryfair: horizon of the fictitious play (default 10, at least 2).
    #[arg(long, value_name = "N")]
    max_iters: Option<usize>,
    /// Gerryfair: the error rate the subgroups must equalize: FP (false positives, the
    /// default) or FN.
    #[arg(long, value_name = "NAME")]
    fairness: Option<String>,
    /// Gerryfair: encoded feature columns (comma-separated) that the auditor searches over
    /// besides the groups, e.g. age.
    #[arg(long, value_name = "COLS", value_delimiter = ',')]
    protected_features: Option<Vec<String>>,
    /// Gerryfair: run every round (AIF360 stops once the violation is below gamma and stalls).
    #[arg(long)]
    no_early_termination: bool,
    /// Gerryfair: follow the paper's cost update and auditor instead of AIF360 0.6.1's
    /// (docs/inprocessing.md#gerryfair).
    #[arg(long)]
    no_aif360_quirks: bool,
    /// Prejudice-remover: reproduce AIF360 0.6.1's result (its 100 conjugate-gradient steps
    /// with Kamishima's gradient) instead of the optimum of the objective
    /// (docs/inprocessing.md#prejudice-remover).
    #[arg(long)]
    aif360_compat: bool,
    /// Adversarial: weight of the adversary's gradient in the classifier's steps (default 0.1).
    #[arg(long, value_name = "X")]
    adversary_loss_weight: Option<f64>,
    /// Adversarial: passes over the training rows (default 50).
    #[arg(long, value_name = "N")]
    num_epochs: Option<usize>,
    /// Adversarial: rows per mini-batch (default 128).
    #[arg(long, value_name = "N")]
    batch_size: Option<usize>,
    /// Adversarial: width of the hidden layer (default 200).
    #[arg(long, value_name = "N")]
    hidden_units: Option<usize>,
    /// Adversarial: train against the adversary, true (default) or false (the plain network).
    #[arg(long, value_name = "BOOL")]
    debias: Option<bool>,
    /// Adversarial: the disparity the adversary targets: equalized-odds (AIF360's, the
    /// default) or demographic-parity.
    #[arg(long, value_name = "NAME")]
    adversary_target: Option<String>,
    #[command(flatten)]
    repair: RepairArgs,
    #[command(flatten)]
    run: RunArgs,
}

/// The parameters of the feature repairs (shared with `fairkit transform`).
#[derive(Debug, clap::Args)]
pub struct RepairArgs {
    /// Disparate-impact remover: repair level in [0, 1] (default 1; 0 leaves the features as
    /// they are).
    #[arg(long, value_name = "X")]
    repair_level: Option<f64>,
    /// Disparate-impact remover: AIF360's Freedman-Diaconis binning of the groups.
    #[arg(long)]
    aif360_binning: bool,
    /// Correlation remover: share of the filtered features in [0, 1] (default 1).
    #[arg(long, value_name = "X")]
    alpha: Option<f64>,
}

impl RepairArgs {
    /// Sets the repair parameters of `spec`, recording the flags used.
    fn apply(&self, spec: &mut MethodSpec, used: &mut Vec<&'static str>) {
        match spec {
            MethodSpec::DiRemover(d) => {
                set(used, "repair-level", self.repair_level, &mut d.repair_level);
                if self.aif360_binning {
                    d.aif360_binning = true;
                    used.push("aif360-binning");
                }
            }
            MethodSpec::CorrelationRemover(c) => set(used, "alpha", self.alpha, &mut c.alpha),
            _ => {}
        }
    }

    /// Which of the flags were given.
    fn given(&self) -> [(&'static str, bool); 3] {
        [
            ("repair-level", self.repair_level.is_some()),
            ("aif360-binning", self.aif360_binning),
            ("alpha", self.alpha.is_some()),
        ]
    }

    /// `spec` (a feature repair) with these parameters; a flag of another repair is an error.
    ///
    /// # Errors
    /// A given flag that does not apply to `spec`.
    pub fn repair_spec(&self, mut spec: MethodSpec, method: &str) -> Result<MethodSpec> {
        let mut used = Vec::new();
        self.apply(&mut spec, &mut used);
        refuse_unused(&self.given(), &used, method)?;
        Ok(spec)
    }
}

/// Errors on the first given flag that the method did not use.
fn refuse_unused(given: &[(&str, bool)], used: &[&str], method: &str) -> Result<()> {
    match given.iter().find(|(f, g)| *g && !used.contains(f)) {
        Some((flag, _)) => bail!("--{flag} does not apply to --method {method}"),
        None => Ok(()),
    }
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let spec = method_spec(&args)?;
    single::run(spec, &args.run)
}

fn reduction_constraint(args: &Args) -> Result<ReductionConstraint> {
    match &args.constraint {
        Some(c) => Ok(c.parse()?),
        None => bail!("--method {} needs --constraint NAME", args.method),
    }
}

/// The method spec from the method name (or preset) and the flags that apply to it; a flag
/// that does not apply to the method is an error rather than silently ignored.
fn method_spec(args: &Args) -> Result<MethodSpec> {
    let mut spec: MethodSpec = match args.method.as_str() {
        "expgrad" => MethodSpec::expgrad(reduction_constraint(args)?),
        "gridsearch" => MethodSpec::gridsearch(reduction_constraint(args)?),
        "threshold" => {
            let Some(c) = &args.constraint else {
                bail!("--method threshold needs --constraint NAME");
            };
            MethodSpec::threshold(c.parse::<Constraint>()?)
        }
        other => {
            if args.constraint.is_some() {
                bail!(
                    "--constraint applies to expgrad, gridsearch and threshold; --method {other} \
                     names its constraint itself or has none"
                );
            }
            other.parse().map_err(|_| {
                let mut names = vec!["expgrad", "gridsearch", "threshold"];
                names.extend(PRESETS);
                anyhow::anyhow!(
                    "unknown --method '{other}': {}",
                    fairkit_core::suggest::one_of(other, &names)
                )
            })?
        }
    };
    let mut used: Vec<&str> = Vec::new();
    match &mut spec {
        MethodSpec::Expgrad(ExpgradSpec {
            bound,
            eps,
            max_iter,
            nu,
            eta0,
            ..
        }) => {
            set_bound(args, bound, &mut used);
            set(&mut used, "eps", args.eps, eps);
            set(&mut used, "max-iter", args.max_iter, max_iter);
            set(&mut used, "eta0", args.eta0, eta0);
            if args.nu.is_some() {
                *nu = args.nu;
                used.push("nu");
            }
        }
        MethodSpec::Gridsearch(GridsearchSpec {
            bound,
            grid_size,
            grid_limit,
            constraint_weight,
            ..
        }) => {
            set_bound(args, bound, &mut used);
            set(&mut used, "grid-size", args.grid_size, grid_size);
            set(&mut used, "grid-limit", args.grid_limit, grid_limit);
            set(
                &mut used,
                "constraint-weight",
                args.constraint_weight,
                constraint_weight,
            );
        }
        MethodSpec::Threshold(ThresholdSpec {
            objective,
            grid_size,
            flip,
            tol,
            score,
            ..
        }) => {
            if args.score.is_some() {
                score.clone_from(&args.score);
                used.push("score");
            }
            if let Some(o) = &args.objective {
                *objective = o.parse::<Objective>()?;
                used.push("objective");
            }
            set(&mut used, "grid-size", args.grid_size, grid_size);
            if args.flip {
                *flip = true;
                used.push("flip");
            }
            if args.tol.is_some() {
                *tol = args.tol;
                used.push("tol");
            }
        }
        MethodSpec::RejectOption(RejectOptionSpec {
            low_class_thresh,
            high_class_thresh,
            num_class_thresh,
            num_roc_margin,
            metric,
            metric_lb,
            metric_ub,
            privileged,
            score,
        }) => {
            set_column(&mut used, args, score, privileged);
            if let Some(m) = &args.metric {
                *metric = m
                    .parse::<Disparity>()
                    .map_err(|e| anyhow::anyhow!("--metric: {e}"))?;
                used.push("metric");
            }
            set(&mut used, "metric-lb", args.metric_lb, metric_lb);
            set(&mut used, "metric-ub", args.metric_ub, metric_ub);
            set(
                &mut used,
                "low-class-thresh",
                args.low_class_thresh,
                low_class_thresh,
            );
            set(
                &mut used,
                "high-class-thresh",
                args.high_class_thresh,
                high_class_thresh,
            );
            set(
                &mut used,
                "num-class-thresh",
                args.num_class_thresh,
                num_class_thresh,
            );
            set(
                &mut used,
                "num-roc-margin",
                args.num_roc_margin,
                num_roc_margin,
            );
        }
        MethodSpec::EqOdds(EqOddsSpec {
            threshold,
            privileged,
            score,
        }) => {
            set_column(&mut used, args, score, privileged);
            set(&mut used, "threshold", args.threshold, threshold);
        }
        MethodSpec::CalibratedEqOdds(CalibratedEqOddsSpec {
            cost_constraint,
            threshold,
            privileged,
            score,
        }) => {
            set_column(&mut used, args, score, privileged);
            if let Some(c) = &args.cost_constraint {
                *cost_constraint = c
                    .parse::<CostConstraint>()
                    .map_err(|e| anyhow::anyhow!("--cost-constraint: {e}"))?;
                used.push("cost-constraint");
            }
            set(&mut used, "threshold", args.threshold, threshold);
        }
        MethodSpec::PrejudiceRemover(PrejudiceRemoverSpec {
            eta,
            c,
            aif360_compat,
        }) => {
            set(&mut used, "eta", args.eta, eta);
            set(&mut used, "c", args.c, c);
            if args.aif360_compat {
                *aif360_compat = true;
                used.push("aif360-compat");
            }
        }
        MethodSpec::Gerryfair(GerryFairSpec {
            c,
            gamma,
            max_iters,
            fairness,
            early_termination,
            aif360_quirks,
            protected_features,
        }) => {
            set(&mut used, "c", args.c, c);
            set(&mut used, "gamma", args.gamma, gamma);
            set(&mut used, "max-iters", args.max_iters, max_iters);
            if let Some(f) = &args.fairness {
                *fairness = f.parse().map_err(|e| anyhow::anyhow!("--fairness: {e}"))?;
                used.push("fairness");
            }
            if let Some(p) = &args.protected_features {
                protected_features.clone_from(p);
                used.push("protected-features");
            }
            if args.no_early_termination {
                *early_termination = false;
                used.push("no-early-termination");
            }
            if args.no_aif360_quirks {
                *aif360_quirks = false;
                used.push("no-aif360-quirks");
            }
        }
        MethodSpec::DiRemover(_) | MethodSpec::CorrelationRemover(_) => {
            args.repair.apply(&mut spec, &mut used);
        }
        MethodSpec::Adversarial(a) => {
            set(
                &mut used,
                "adversary-loss-weight",
                args.adversary_loss_weight,
                &mut a.adversary_loss_weight,
            );
            set(&mut used, "num-epochs", args.num_epochs, &mut a.num_epochs);
            set(&mut used, "batch-size", args.batch_size, &mut a.batch_size);
            set(
                &mut used,
                "hidden-units",
                args.hidden_units,
                &mut a.hidden_units,
            );
            set(&mut used, "debias", args.debias, &mut a.debias);
            if let Some(t) = &args.adversary_target {
                a.target = t.parse()?;
                used.push("adversary-target");
            }
        }
        MethodSpec::Massaging(MassagingSpec { privileged, score }) => {
            set_column(&mut used, args, score, privileged);
        }
        MethodSpec::Lfr(LfrSpec {
            k,
            ax,
            ay,
            az,
            max_iter,
            threshold,
            fit_estimator,
        }) => {
            set(&mut used, "k", args.k, k);
            set(&mut used, "ax", args.ax, ax);
            set(&mut used, "ay", args.ay, ay);
            set(&mut used, "az", args.az, az);
            set(
                &mut used,
                "max-iter",
                args.max_iter.map(|n| n as u64),
                max_iter,
            );
            set(&mut used, "threshold", args.threshold, threshold);
            if args.fit_estimator {
                *fit_estimator = true;
                used.push("fit-estimator");
            }
        }
        MethodSpec::Baseline | MethodSpec::Reweighing => {}
    }
    let given = [
        ("difference-bound", args.difference_bound.is_some()),
        ("ratio-bound", args.ratio_bound.is_some()),
        ("eps", args.eps.is_some()),
        ("max-iter", args.max_iter.is_some()),
        ("nu", args.nu.is_some()),
        ("eta0", args.eta0.is_some()),
        ("grid-size", args.grid_size.is_some()),
        ("grid-limit", args.grid_limit.is_some()),
        ("constraint-weight", args.constraint_weight.is_some()),
        ("objective", args.objective.is_some()),
        ("flip", args.flip),
        ("tol", args.tol.is_some()),
        ("score", args.score.is_some()),
        ("privileged", args.privileged.is_some()),
        ("metric", args.metric.is_some()),
        ("metric-lb", args.metric_lb.is_some()),
        ("metric-ub", args.metric_ub.is_some()),
        ("low-class-thresh", args.low_class_thresh.is_some()),
        ("high-class-thresh", args.high_class_thresh.is_some()),
        ("num-class-thresh", args.num_class_thresh.is_some()),
        ("num-roc-margin", args.num_roc_margin.is_some()),
        ("cost-constraint", args.cost_constraint.is_some()),
        ("threshold", args.threshold.is_some()),
        ("k", args.k.is_some()),
        ("ax", args.ax.is_some()),
        ("ay", args.ay.is_some()),
        ("az", args.az.is_some()),
        ("fit-estimator", args.fit_estimator),
        ("eta", args.eta.is_some()),
        ("c", args.c.is_some()),
        ("gamma", args.gamma.is_some()),
        ("max-iters", args.max_iters.is_some()),
        ("fairness", args.fairness.is_some()),
        ("protected-features", args.protected_features.is_some()),
        ("no-early-termination", args.no_early_termination),
        ("no-aif360-quirks", args.no_aif360_quirks),
        ("aif360-compat", args.aif360_compat),
        (
            "adversary-loss-weight",
            args.adversary_loss_weight.is_some(),
        ),
        ("num-epochs", args.num_epochs.is_some()),
        ("batch-size", args.batch_size.is_some()),
        ("hidden-units", args.hidden_units.is_some()),
        ("debias", args.debias.is_some()),
        ("adversary-target", args.adversary_target.is_some()),
    ];
    refuse_unused(&given, &used, &args.method)?;
    refuse_unused(&args.repair.given(), &used, &args.method)?;
    // A method with its own learner fits no estimator: a non-default one is refused.
    if let Some(learner) = spec.own_learner() {
        if args.run.estimator != "logistic" {
            bail!(
                "--estimator does not apply to --method {}: it fits {learner}",
                args.method
            );
        }
        if args.run.solver.is_some() {
            bail!(
                "--solver does not apply to --method {}: it fits {learner}",
                args.method
            );
        }
    }
    // The counts that the methods also bound, checked here to name the flags.
    match &spec {
        MethodSpec::Gridsearch(GridsearchSpec { grid_size, .. }) => {
            limits::GRID_POINTS.check_usize("--grid-size", *grid_size)?;
        }
        MethodSpec::Expgrad(ExpgradSpec { max_iter, .. }) => {
            limits::ITERATIONS.check_usize("--max-iter", *max_iter)?;
        }
        MethodSpec::Gerryfair(GerryFairSpec { max_iters, .. }) => {
            limits::ITERATIONS.check_usize("--max-iters", *max_iters)?;
        }
        _ => {}
    }
    Ok(spec)
}

fn set<T: Copy>(used: &mut Vec<&'static str>, flag: &'static str, value: Option<T>, slot: &mut T) {
    if let Some(v) = value {
        *slot = v;
        used.push(flag);
    }
}

/// Sets the score column and the privileged group of a two-group post-processor.
fn set_column(
    used: &mut Vec<&'static str>,
    args: &Args,
    score: &mut Option<String>,
    privileged: &mut Option<String>,
) {
    if args.score.is_some() {
        score.clone_from(&args.score);
        used.push("score");
    }
    if args.privileged.is_some() {
        privileged.clone_from(&args.privileged);
        used.push("privileged");
    }
}

fn set_bound(args: &Args, bound: &mut Bound, used: &mut Vec<&'static str>) {
    if let Some(eps) = args.difference_bound {
        *bound = Bound::Difference(eps);
        used.push("difference-bound");
    }
    if let Some(ratio) = args.ratio_bound {
        *bound = Bound::Ratio {
            ratio,
            slack: args.ratio_slack.unwrap_or(0.0),
        };
        used.push("ratio-bound");
    }
}
