//! In-processing mitigations: the fairness constraint is part of the learner's own fit.
//!
//! * [`PrejudiceRemover`] (Kamishima et al. 2012, AIF360's `PrejudiceRemover`): one logistic
//!   regression per group with the prejudice-index regularizer weighted by `eta`
//!   (docs/inprocessing.md#prejudice-remover).
//! * [`GerryFair`] (Kearns et al. 2018, AIF360's `GerryFairClassifier`): fictitious play
//!   between a cost-sensitive learner and an auditor that finds the subgroup, a linear threshold
//!   over the protected columns, with the largest false-positive (or false-negative) disparity
//!   (docs/inprocessing.md#gerryfair). [`audit`] runs the auditor alone on any predictions.
//! * [`AdversarialDebiasing`] (Zhang, Lemoine and Mitchell 2018, AIF360's
//!   `AdversarialDebiasing`): a one-hidden-layer network trained against an adversary that
//!   predicts the group from its output (docs/inprocessing.md#adversarial-debiasing).
//!
//! All fit from a [`fairkit_core::FairDataset`] and never name a concrete learner: the
//! learners they need (a logistic model, least-squares regressions) are part of the algorithms
//! and live here.
//!
//! ```
//! use fairkit_core::{FairDataset, Groups};
//! use fairkit_inprocessing::PrejudiceRemover;
//! use ndarray::array;
//!
//! let g = Groups::from_labels("g", &["a", "a", "a", "b", "b", "b"])?;
//! let x = array![[1.0], [2.0], [3.0], [1.0], [2.0], [3.0]];
//! let data = FairDataset::new(x.clone(), vec![false, true, true, false, false, true], g.clone())?;
//! let model = PrejudiceRemover::params().eta(1.0).fit(&data)?;
//! let p = model.predict_proba(x.view(), &g)?;
//! assert!(p.iter().all(|&v| v > 0.0 && v < 1.0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod adversarial;
mod error;
mod fmin_cg;
mod gerryfair;
mod lstsq;
mod predictor;
mod prejudice_remover;

pub use adversarial::{
    AdversarialDebiasing, AdversarialDebiasingParams, AdversarialDebiasingValidParams, Adversary,
    AdversaryTarget, DECAY_RATE, DECAY_STEPS, EPOCHS, KEEP_PROBABILITY, LEARNING_RATE,
};
pub use error::{InprocessingError, Result};
pub use gerryfair::{
    Auditor, CostClassifier, FairnessDef, GerryFair, GerryFairParams, GerryFairValidParams,
    ProtectedColumns, Subgroup, audit,
};
pub use linfa::ParamGuard;
pub use lstsq::LinearFunction;
pub use prejudice_remover::{
    AIF360_CG_ITERATIONS, PrejudiceRemover, PrejudiceRemoverParams, PrejudiceRemoverValidParams,
    SCORE_CLIP,
};
