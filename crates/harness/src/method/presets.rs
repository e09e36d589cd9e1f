//! The preset names (`--methods`, experiment files): a family with its constraint and the
//! default parameters.

use std::str::FromStr;

use fairkit_core::Error;
use fairkit_postprocessing::Constraint;

use super::{
    AdversarialSpec, CalibratedEqOddsSpec, CorrelationRemoverSpec, DiRemoverSpec, EqOddsSpec,
    ExpgradSpec, GerryFairSpec, GridsearchSpec, LfrSpec, MassagingSpec, MethodSpec,
    PrejudiceRemoverSpec, ReductionConstraint, RejectOptionSpec, ThresholdSpec,
};

/// The preset names accepted by [`MethodSpec::from_str`] and `--methods`.
pub const PRESETS: [&str; 21] = [
    "baseline",
    "reweighing",
    "di-remover",
    "correlation-remover",
    "expgrad-dp",
    "expgrad-eo",
    "expgrad-tpr",
    "expgrad-fpr",
    "expgrad-erp",
    "gridsearch-dp",
    "gridsearch-eo",
    "threshold-dp",
    "threshold-eo",
    "reject-option",
    "eq-odds",
    "calibrated-eq-odds",
    "prejudice-remover",
    "gerryfair",
    "adversarial",
    "massaging",
    "lfr",
];

impl MethodSpec {
    /// Exponentiated gradient with fairlearn's defaults.
    pub fn expgrad(constraint: ReductionConstraint) -> Self {
        MethodSpec::Expgrad(ExpgradSpec::new(constraint))
    }

    /// Grid search with fairlearn's defaults.
    pub fn gridsearch(constraint: ReductionConstraint) -> Self {
        MethodSpec::Gridsearch(GridsearchSpec::new(constraint))
    }

    /// The threshold optimizer with fairlearn's defaults.
    pub fn threshold(constraint: Constraint) -> Self {
        MethodSpec::Threshold(ThresholdSpec::new(constraint))
    }
}

impl FromStr for MethodSpec {
    type Err = Error;

    /// Parses a preset name (see [`PRESETS`]).
    fn from_str(s: &str) -> Result<Self, Error> {
        Ok(match s {
            "baseline" => MethodSpec::Baseline,
            "reweighing" => MethodSpec::Reweighing,
            "di-remover" => MethodSpec::DiRemover(DiRemoverSpec::default()),
            "correlation-remover" => {
                MethodSpec::CorrelationRemover(CorrelationRemoverSpec::default())
            }
            "threshold-dp" => MethodSpec::threshold(Constraint::DemographicParity),
            "threshold-eo" => MethodSpec::threshold(Constraint::EqualizedOdds),
            "reject-option" => MethodSpec::RejectOption(RejectOptionSpec::default()),
            "eq-odds" => MethodSpec::EqOdds(EqOddsSpec::default()),
            "calibrated-eq-odds" => MethodSpec::CalibratedEqOdds(CalibratedEqOddsSpec::default()),
            "prejudice-remover" => MethodSpec::PrejudiceRemover(PrejudiceRemoverSpec::default()),
            "gerryfair" => MethodSpec::Gerryfair(GerryFairSpec::default()),
            "adversarial" => MethodSpec::Adversarial(AdversarialSpec::default()),
            "massaging" => MethodSpec::Massaging(MassagingSpec::default()),
            "lfr" => MethodSpec::Lfr(LfrSpec::default()),
            _ => {
                let parsed = s.split_once('-').and_then(|(family, c)| {
                    let c = c.parse::<ReductionConstraint>().ok()?;
                    match family {
                        "expgrad" => Some(MethodSpec::expgrad(c)),
                        "gridsearch" => Some(MethodSpec::gridsearch(c)),
                        _ => None,
                    }
                });
                parsed.ok_or_else(|| Error::unknown("method", s, &PRESETS))?
            }
        })
    }
}
