//! One card per method family: the paper, what it optimizes, where it acts. The HTML report
//! shows the card of each method it ran; the README's methods table is checked against the
//! same table (tests/readme.rs), so the two never drift apart.

/// What the report says about one method family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodCard {
    /// The family: the `method` key of experiment files (e.g. `expgrad`).
    pub family: &'static str,
    /// A plain name.
    pub title: &'static str,
    /// The paper, as the README cites it; `None` for the baseline and methods without one.
    pub paper: Option<&'static str>,
    /// Where the method acts: `none`, `pre` (on the data), `in` (in training) or `post` (on
    /// the predictions), as the README's `kind` column.
    pub stage: &'static str,
    /// What the method optimizes, in a sentence.
    pub optimizes: &'static str,
}

/// Every method family's card, in the README's order.
pub const METHOD_CARDS: [MethodCard; 15] = [
    MethodCard {
        family: "baseline",
        title: "the estimator alone",
        paper: None,
        stage: "none",
        optimizes: "the estimator's own loss (e.g. log loss), with no fairness constraint; the \
                    point every mitigation is measured against",
    },
    MethodCard {
        family: "reweighing",
        title: "reweighing",
        paper: Some("Kamiran and Calders 2012"),
        stage: "pre",
        optimizes: "weights each (group, label) cell so that group and label are independent \
                    in the weighted training data, then fits the estimator with those weights",
    },
    MethodCard {
        family: "di-remover",
        title: "disparate-impact remover",
        paper: Some("Feldman et al. 2015"),
        stage: "pre",
        optimizes: "moves each feature's distribution within every group towards their common \
                    median distribution (by the repair level), so features predict the group less",
    },
    MethodCard {
        family: "correlation-remover",
        title: "correlation remover",
        paper: None,
        stage: "pre",
        optimizes: "projects out the linear correlation of the features with the sensitive \
                    attribute (alpha blends the original and the projected features)",
    },
    MethodCard {
        family: "expgrad",
        title: "exponentiated gradient",
        paper: Some("Agarwal et al. 2018"),
        stage: "in",
        optimizes: "the lowest error subject to a bound on the chosen disparity, solved as a \
                    game between the learner and Lagrange multipliers; the result mixes fits",
    },
    MethodCard {
        family: "gridsearch",
        title: "grid search",
        paper: Some("Agarwal et al. 2018"),
        stage: "in",
        optimizes: "fits the estimator for a grid of Lagrange multipliers and keeps the fit \
                    with the best error-plus-weighted-disparity",
    },
    MethodCard {
        family: "threshold",
        title: "threshold optimizer",
        paper: Some("Hardt, Price and Srebro 2016"),
        stage: "post",
        optimizes: "per-group thresholds on the estimator's scores that maximize accuracy \
                    subject to the chosen parity, randomizing between two thresholds",
    },
    MethodCard {
        family: "reject-option",
        title: "reject option classification",
        paper: Some("Kamiran, Karim and Zhang 2012"),
        stage: "post",
        optimizes: "flips the labels of uncertain rows (scores near the threshold) in favour \
                    of the unprivileged group, within a bound on the disparity",
    },
    MethodCard {
        family: "eq-odds",
        title: "equalized odds post-processing",
        paper: Some("Hardt, Price and Srebro 2016"),
        stage: "post",
        optimizes: "per-group flip probabilities of the predicted labels, found by a linear \
                    program, that equalize TPR and FPR at the least loss of accuracy",
    },
    MethodCard {
        family: "calibrated-eq-odds",
        title: "calibrated equalized odds",
        paper: Some("Pleiss et al. 2017"),
        stage: "post",
        optimizes: "keeps scores calibrated while equalizing one error rate (false negatives, \
                    false positives or a weighted mix) by withholding some rows' scores",
    },
    MethodCard {
        family: "prejudice-remover",
        title: "prejudice remover",
        paper: Some("Kamishima et al. 2012"),
        stage: "in",
        optimizes: "a logistic regression per group whose loss adds eta times the prejudice \
                    index, the mutual information between the prediction and the group",
    },
    MethodCard {
        family: "gerryfair",
        title: "GerryFair (rich-subgroup fairness)",
        paper: Some("Kearns et al. 2018"),
        stage: "in",
        optimizes: "error subject to every subgroup the auditor can describe having a false \
                    positive (or negative) rate within gamma of the overall rate, by \
                    fictitious play between a learner and an auditor; randomized",
    },
    MethodCard {
        family: "adversarial",
        title: "adversarial debiasing",
        paper: Some("Zhang, Lemoine and Mitchell 2018"),
        stage: "in",
        optimizes: "a small network's log loss while an adversary, trained at the same time, \
                    fails to recover the group from its output (and the label, for equalized \
                    odds)",
    },
    MethodCard {
        family: "massaging",
        title: "massaging",
        paper: Some("Kamiran and Calders 2012"),
        stage: "pre",
        optimizes: "relabels the training rows the estimator ranks least surely (unprivileged \
                    negatives up, privileged positives down) until the groups' base rates \
                    agree, then refits the estimator on the new labels; deterministic",
    },
    MethodCard {
        family: "lfr",
        title: "learning fair representations",
        paper: Some("Zemel et al. 2013"),
        stage: "pre",
        optimizes: "prototypes whose soft assignment reconstructs the features (Ax), predicts \
                    the label (Ay) and is used alike by both groups (Az, statistical parity); \
                    its own labels or the estimator's on the representation; deterministic \
                    given the run's seed",
    },
];

/// The card of `family`, if there is one.
pub fn card(family: &str) -> Option<&'static MethodCard> {
    METHOD_CARDS.iter().find(|c| c.family == family)
}
