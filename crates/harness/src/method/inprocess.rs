//! In-processing methods (docs/inprocessing.md): the prejudice remover and GerryFair. Their
//! learner is part of the algorithm (`fairkit-inprocessing`), so they fit no estimator: the
//! estimator of a run is not used ([`Method::own_learner`]).

use std::fmt;
use std::str::FromStr;

use fairkit_core::{Error, FairDataset, Predictor};
use fairkit_inprocessing::{FairnessDef, GerryFair, PrejudiceRemover, Subgroup};
use fairkit_learners::Estimator;
use serde::{Deserialize, Serialize};

use super::{Fitted, FittedMethod, Method, MethodDetails};
use crate::Result;

fn one() -> f64 {
    1.0
}
fn ten() -> f64 {
    10.0
}
fn default_gamma() -> f64 {
    0.01
}
fn default_max_iters() -> usize {
    10
}
fn yes() -> bool {
    true
}

/// The prejudice remover's parameters, AIF360's defaults
/// (docs/inprocessing.md#prejudice-remover).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrejudiceRemoverSpec {
    /// Weight of the prejudice index (AIF360's `eta`, default 1).
    #[serde(default = "one")]
    pub eta: f64,
    /// Weight of the L2 penalty `C/2 · ‖W‖²` (AIF360's `C`, fixed to 1 there).
    #[serde(default = "one", alias = "C")]
    pub c: f64,
    /// Reproduce AIF360 0.6.1's result (its conjugate-gradient run with Kamishima's gradient)
    /// instead of the optimum of the objective (default off; refuses weighted data).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub aif360_compat: bool,
}

impl Default for PrejudiceRemoverSpec {
    fn default() -> Self {
        Self {
            eta: 1.0,
            c: 1.0,
            aif360_compat: false,
        }
    }
}

impl Method for PrejudiceRemoverSpec {
    fn family(&self) -> &'static str {
        "prejudice-remover"
    }

    /// `prejudice-remover`, or `prejudice-remover-aif360` in the AIF360-compatible mode.
    fn name(&self) -> String {
        if self.aif360_compat {
            format!("{}-aif360", self.family())
        } else {
            self.family().into()
        }
    }

    fn own_learner(&self) -> Option<&'static str> {
        Some("its own logistic regression per group")
    }

    fn fit(&self, _: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        let model = PrejudiceRemover::params()
            .eta(self.eta)
            .c(self.c)
            .aif360_compat(self.aif360_compat)
            .fit(train)?;
        Ok(FittedMethod::PrejudiceRemover { model })
    }

    fn is_fit(&self, fitted: &FittedMethod) -> bool {
        matches!(fitted, FittedMethod::PrejudiceRemover { .. })
    }
}

impl Fitted for PrejudiceRemover {
    fn predictor(&self) -> &dyn Predictor {
        self
    }

    fn reader(&self) -> &'static str {
        "prejudice-remover model"
    }

    fn details(&self) -> MethodDetails {
        MethodDetails {
            iterations: usize::try_from(self.iterations()).ok(),
            loss: Some(self.loss()),
            converged: Some(self.converged()),
            ..MethodDetails::default()
        }
    }
}

/// The error rate GerryFair's subgroups must equalize: `FP` (false positives, AIF360's
/// default) or `FN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fairness {
    /// False-positive rate.
    #[serde(rename = "FP", alias = "fp")]
    Fp,
    /// False-negative rate.
    #[serde(rename = "FN", alias = "fn")]
    Fn,
}

impl Fairness {
    fn def(self) -> FairnessDef {
        match self {
            Fairness::Fp => FairnessDef::FalsePositive,
            Fairness::Fn => FairnessDef::FalseNegative,
        }
    }
}

impl fmt::Display for Fairness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fairness::Fp => "FP",
            Fairness::Fn => "FN",
        })
    }
}

impl FromStr for Fairness {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "FP" | "fp" => Ok(Fairness::Fp),
            "FN" | "fn" => Ok(Fairness::Fn),
            _ => Err(Error::unknown("fairness", s, &["FP", "FN"])),
        }
    }
}

/// GerryFair's parameters, AIF360's defaults (docs/inprocessing.md#gerryfair).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GerryFairSpec {
    /// Bound on the auditor's dual variables (AIF360's `C`, default 10).
    #[serde(default = "ten", alias = "C")]
    pub c: f64,
    /// Fairness tolerance (default 0.01).
    #[serde(default = "default_gamma")]
    pub gamma: f64,
    /// Horizon of the fictitious play (default 10; `max_iters − 1` rounds).
    #[serde(default = "default_max_iters")]
    pub max_iters: usize,
    /// The audited error rate: `FP` (default) or `FN`.
    #[serde(default = "default_fairness")]
    pub fairness: Fairness,
    /// Stop once the violation is below `gamma` and stalls (AIF360's default, on).
    #[serde(default = "yes")]
    pub early_termination: bool,
    /// Reproduce AIF360 0.6.1's cost update and auditor (default on); off follows the paper.
    #[serde(default = "yes")]
    pub aif360_quirks: bool,
    /// Encoded feature columns the auditor searches over besides the groups (e.g. `age`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protected_features: Vec<String>,
}

fn default_fairness() -> Fairness {
    Fairness::Fp
}

impl Default for GerryFairSpec {
    fn default() -> Self {
        Self {
            c: ten(),
            gamma: default_gamma(),
            max_iters: default_max_iters(),
            fairness: Fairness::Fp,
            early_termination: true,
            aif360_quirks: true,
            protected_features: Vec::new(),
        }
    }
}

impl Method for GerryFairSpec {
    fn family(&self) -> &'static str {
        "gerryfair"
    }

    /// `gerryfair`, or `gerryfair-fn` for false-negative fairness.
    fn name(&self) -> String {
        match self.fairness {
            Fairness::Fp => self.family().into(),
            Fairness::Fn => format!("{}-fn", self.family()),
        }
    }

    fn is_randomized(&self) -> bool {
        true
    }

    fn own_learner(&self) -> Option<&'static str> {
        Some("its own cost-sensitive least-squares learner")
    }

    fn fit(&self, _: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        // One classifier is kept per round.
        fairkit_core::limits::ITERATIONS.check_usize("max_iters", self.max_iters)?;
        let names = train.feature_names();
        let known: Vec<&str> = names.iter().map(String::as_str).collect();
        let columns = self
            .protected_features
            .iter()
            .map(|want| {
                known
                    .iter()
                    .position(|n| n == want)
                    .ok_or_else(|| Error::unknown("protected-features", want, &known))
            })
            .collect::<Result<Vec<usize>, Error>>()?;
        let model = GerryFair::params()
            .c(self.c)
            .gamma(self.gamma)
            .max_iters(self.max_iters)
            .fairness(self.fairness.def())
            .early_termination(self.early_termination)
            .aif360_quirks(self.aif360_quirks)
            .protected_features(columns.clone())
            .fit(train)?;
        let schema = train.groups().schema();
        let mut protected_columns: Vec<String> = (1..schema.n_groups())
            .map(|code| format!("[{}]", schema.describe(code as u32)))
            .collect();
        protected_columns.extend(columns.iter().map(|&c| names[c].clone()));
        Ok(FittedMethod::Gerryfair(GerryFairFit {
            model,
            protected_columns,
        }))
    }

    fn is_fit(&self, fitted: &FittedMethod) -> bool {
        matches!(fitted, FittedMethod::Gerryfair(_))
    }
}

/// A fitted GerryFair mixture (`model`) and the names of the auditor's columns
/// (`protected_columns`: `[group]` indicators, then feature columns), which name the most
/// unfair subgroup.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GerryFairFit {
    /// The mixture of cost-sensitive classifiers.
    pub model: GerryFair,
    /// The auditor's columns, in order.
    pub protected_columns: Vec<String>,
}

impl Fitted for GerryFairFit {
    fn predictor(&self) -> &dyn Predictor {
        &self.model
    }

    fn reader(&self) -> &'static str {
        "gerryfair model"
    }

    fn details(&self) -> MethodDetails {
        let fairness = match self.model.fairness() {
            FairnessDef::FalsePositive => Fairness::Fp,
            FairnessDef::FalseNegative => Fairness::Fn,
        };
        MethodDetails {
            iterations: Some(self.model.classifiers().len()),
            subgroup: Some(SubgroupReport::new(
                self.model.train_subgroup(),
                fairness,
                &self.protected_columns,
            )),
            ..MethodDetails::default()
        }
    }
}

/// The most unfair subgroup GerryFair's auditor finds for the fitted mixture on the training
/// rows (docs/inprocessing.md#gerryfair): a row is in it iff
/// `Σ coefficients[k] · column k + intercept < 0` over the auditor's `columns`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubgroupReport {
    /// The audited error rate, `FP` or `FN`.
    pub fairness: Fairness,
    /// The auditor's columns: `[group]` indicators (1 for that group), then feature columns.
    pub columns: Vec<String>,
    /// Membership weights of the columns.
    pub coefficients: Vec<f64>,
    /// Membership intercept.
    pub intercept: f64,
    /// The audited rate over all audited rows.
    pub baseline: f64,
    /// Audited rows in the subgroup divided by all rows.
    pub size: f64,
    /// `|subgroup rate − baseline|`.
    pub disparity: f64,
    /// `size × disparity`: the γ-unfairness the auditor maximizes.
    pub weighted_disparity: f64,
    /// `above` when the subgroup's rate is above the baseline, else `below`.
    pub direction: &'static str,
}

impl SubgroupReport {
    fn new(g: &Subgroup, fairness: Fairness, columns: &[String]) -> Self {
        let (b0, b1) = (&g.rule.b0, &g.rule.b1);
        Self {
            fairness,
            columns: columns.to_vec(),
            coefficients: b1.coef.iter().zip(&b0.coef).map(|(a, b)| a - b).collect(),
            intercept: b1.intercept - b0.intercept,
            baseline: g.baseline,
            size: g.size,
            disparity: g.disparity,
            weighted_disparity: g.weighted_disparity,
            direction: if g.direction > 0 { "above" } else { "below" },
        }
    }

    /// One line: the rates and the membership rule.
    pub fn describe(&self) -> String {
        let rule = self
            .coefficients
            .iter()
            .zip(&self.columns)
            .map(|(w, c)| format!("{w:+.4e}·{c}"))
            .collect::<Vec<_>>()
            .join(" ");
        format!(
            "{} rate {} the baseline {:.4} by {:.4} on {:.4} of the rows (weighted disparity \
             {:.6}); members: {rule} {:+.4e} < 0",
            self.fairness,
            self.direction,
            self.baseline,
            self.disparity,
            self.size,
            self.weighted_disparity,
            self.intercept
        )
    }
}
