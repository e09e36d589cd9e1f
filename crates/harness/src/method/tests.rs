//! The method layer on its own, without the binary: presets and their serde shape, names, fits
//! of every preset as predictors, saved fits, and typed errors.

use fairkit_core::{FairDataset, Groups, rng};
use fairkit_learners::Estimator;
use ndarray::Array2;

use super::*;
use crate::HarnessError;

/// `n` rows of three features and two groups: the label follows the first feature, with a
/// group-dependent shift and noise, so that every method has a disparity to remove.
fn data(seed: u64, n: usize) -> FairDataset {
    let mut r = rng::seeded(seed);
    let mut x = Array2::zeros((n, 3));
    let mut labels = Vec::with_capacity(n);
    let mut groups = Vec::with_capacity(n);
    for i in 0..n {
        let g = rng::uniform(&mut r) < 0.4;
        for j in 0..3 {
            x[[i, j]] = rng::uniform(&mut r) * 2.0 - 1.0 + if g && j == 1 { 0.5 } else { 0.0 };
        }
        let shift = if g { -0.3 } else { 0.2 };
        labels.push(x[[i, 0]] + shift + 0.5 * (rng::uniform(&mut r) - 0.5) > 0.0);
        groups.push(if g { "b" } else { "a" });
    }
    FairDataset::new(x, labels, Groups::from_labels("g", &groups).unwrap()).unwrap()
}

/// Every preset's JSON, as experiment files and `results.json` have always written it.
const PRESET_JSON: [(&str, &str); 21] = [
    ("baseline", r#"{"method":"baseline"}"#),
    ("reweighing", r#"{"method":"reweighing"}"#),
    (
        "di-remover",
        r#"{"method":"di-remover","repair_level":1.0,"aif360_binning":false}"#,
    ),
    (
        "correlation-remover",
        r#"{"method":"correlation-remover","alpha":1.0}"#,
    ),
    (
        "expgrad-dp",
        r#"{"method":"expgrad","constraint":"demographic_parity","bound":{"difference":0.01},"eps":0.01,"max_iter":50,"nu":null,"eta0":2.0}"#,
    ),
    (
        "expgrad-eo",
        r#"{"method":"expgrad","constraint":"equalized_odds","bound":{"difference":0.01},"eps":0.01,"max_iter":50,"nu":null,"eta0":2.0}"#,
    ),
    (
        "expgrad-tpr",
        r#"{"method":"expgrad","constraint":"true_positive_rate_parity","bound":{"difference":0.01},"eps":0.01,"max_iter":50,"nu":null,"eta0":2.0}"#,
    ),
    (
        "expgrad-fpr",
        r#"{"method":"expgrad","constraint":"false_positive_rate_parity","bound":{"difference":0.01},"eps":0.01,"max_iter":50,"nu":null,"eta0":2.0}"#,
    ),
    (
        "expgrad-erp",
        r#"{"method":"expgrad","constraint":"error_rate_parity","bound":{"difference":0.01},"eps":0.01,"max_iter":50,"nu":null,"eta0":2.0}"#,
    ),
    (
        "gridsearch-dp",
        r#"{"method":"gridsearch","constraint":"demographic_parity","bound":{"difference":0.01},"grid_size":10,"grid_limit":2.0,"constraint_weight":0.5}"#,
    ),
    (
        "gridsearch-eo",
        r#"{"method":"gridsearch","constraint":"equalized_odds","bound":{"difference":0.01},"grid_size":10,"grid_limit":2.0,"constraint_weight":0.5}"#,
    ),
    (
        "threshold-dp",
        r#"{"method":"threshold","constraint":"demographic_parity","objective":"accuracy_score","grid_size":1000,"flip":false,"tol":null}"#,
    ),
    (
        "threshold-eo",
        r#"{"method":"threshold","constraint":"equalized_odds","objective":"accuracy_score","grid_size":1000,"flip":false,"tol":null}"#,
    ),
    (
        "reject-option",
        r#"{"method":"reject-option","low_class_thresh":0.01,"high_class_thresh":0.99,"num_class_thresh":100,"num_roc_margin":50,"metric":"statistical_parity_difference","metric_lb":-0.05,"metric_ub":0.05}"#,
    ),
    ("eq-odds", r#"{"method":"eq-odds","threshold":0.5}"#),
    (
        "calibrated-eq-odds",
        r#"{"method":"calibrated-eq-odds","cost_constraint":"weighted","threshold":0.5}"#,
    ),
    (
        "prejudice-remover",
        r#"{"method":"prejudice-remover","eta":1.0,"c":1.0}"#,
    ),
    (
        "gerryfair",
        r#"{"method":"gerryfair","c":10.0,"gamma":0.01,"max_iters":10,"fairness":"FP","early_termination":true,"aif360_quirks":true}"#,
    ),
    (
        "adversarial",
        r#"{"method":"adversarial","adversary_loss_weight":0.1,"num_epochs":50,"batch_size":128,"hidden_units":200,"debias":true,"target":"equalized-odds"}"#,
    ),
    ("massaging", r#"{"method":"massaging"}"#),
    (
        "lfr",
        r#"{"method":"lfr","k":5,"ax":0.01,"ay":1.0,"az":50.0,"max_iter":5000,"threshold":0.5}"#,
    ),
];

#[test]
fn presets_keep_their_names_and_json() {
    assert_eq!(PRESET_JSON.map(|(p, _)| p), PRESETS);
    for (preset, json) in PRESET_JSON {
        let spec: MethodSpec = preset.parse().unwrap();
        assert_eq!(spec.name(), preset);
        assert_eq!(spec.to_string(), preset);
        assert!(preset.starts_with(spec.family()), "{preset}");
        assert_eq!(serde_json::to_string(&spec).unwrap(), json);
        assert_eq!(serde_json::from_str::<MethodSpec>(json).unwrap(), spec);
    }
    let err = "expgrad-xx".parse::<MethodSpec>().unwrap_err();
    assert!(
        err.to_string()
            .contains("must be one of baseline, reweighing")
    );
}

#[test]
fn names_of_other_parameters() {
    let json = |text: &str| serde_json::from_str::<MethodSpec>(text).unwrap();
    // Parameters other than the preset's keep the family and constraint.
    let eg = json(r#"{"method":"expgrad","constraint":"equalized_odds","eps":0.05}"#);
    assert_eq!(eg.name(), "expgrad-eo");
    let th = json(r#"{"method":"threshold","constraint":"demographic_parity","flip":true}"#);
    assert_eq!(th.name(), "threshold-demographic_parity");
    let th = json(r#"{"method":"threshold","constraint":"true_positive_rate_parity"}"#);
    assert_eq!(th.name(), "threshold-true_positive_rate_parity");
    // Where the scores come from is not part of the name.
    let scored = json(r#"{"method":"threshold","constraint":"equalized_odds","score":"s"}"#);
    assert_eq!(scored.name(), "threshold-eo");
    assert_eq!(scored.score_column(), Some("s"));
    let dir = json(r#"{"method":"di-remover","repair_level":0.5}"#);
    assert_eq!(dir.name(), "di-remover");
    assert_eq!(
        dir,
        MethodSpec::DiRemover(DiRemoverSpec {
            repair_level: 0.5,
            aif360_binning: false
        })
    );
    // The two-group post-processors: the bounded disparity or the cost when not the default.
    let ro = json(r#"{"method":"reject-option","metric":"equal_opportunity_difference"}"#);
    assert_eq!(ro.name(), "reject-option-eod");
    let ceo = json(r#"{"method":"calibrated-eq-odds","cost_constraint":"fpr","score":"s"}"#);
    assert_eq!(ceo.name(), "calibrated-eq-odds-fpr");
    assert_eq!(ceo.score_column(), Some("s"));
    assert!(ceo.is_randomized() && !ro.is_randomized());
    // Unknown parameters are refused.
    let err = serde_json::from_str::<MethodSpec>(
        r#"{"method":"gridsearch","constraint":"demographic_parity","eps":1}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("unknown field `eps`"), "{err}");
}

#[test]
fn every_preset_fits_a_predictor_of_its_kind() {
    let (train, test) = (data(1, 600), data(2, 300));
    let estimator = Estimator::default();
    let specs: Vec<MethodSpec> = PRESETS.iter().map(|p| p.parse().unwrap()).collect();
    for spec in &specs {
        let fitted = spec.fit(&estimator, &train).unwrap();
        let name = spec.name();
        for other in &specs {
            assert_eq!(
                fitted.is_fit_of(other),
                other.family() == spec.family(),
                "{name} of {}",
                other.name()
            );
        }
        fitted.validate(3).unwrap();
        assert_eq!(fitted.is_randomized(), spec.is_randomized(), "{name}");
        let (x, groups) = (test.features(), test.groups());
        let expected = fitted.expected(x, groups).unwrap();
        assert_eq!(expected.len(), 300);
        assert!(expected.iter().all(|p| (0.0..=1.0).contains(p)), "{name}");
        if !spec.is_randomized() {
            assert!(expected.iter().all(|&p| p == 0.0 || p == 1.0), "{name}");
            assert_eq!(
                fitted.predict(x, groups, 0).unwrap(),
                fitted.labels(&expected, 9)
            );
        }
        let score = fitted.score(x, groups).unwrap();
        match fitted.predictor().score(x, groups).unwrap() {
            Some(own) => assert_eq!(score, own, "{name}"),
            None => assert_eq!(score, expected, "{name}"),
        }
        // A saved fit reads back and predicts the same.
        let json = serde_json::to_string(&fitted).unwrap();
        let back: FittedMethod = serde_json::from_str(&json).unwrap();
        assert_eq!(back.expected(x, groups).unwrap(), expected, "{name}");
        assert_eq!(serde_json::to_string(&back).unwrap(), json, "{name}");
        // The method's own numbers.
        let d = fitted.details();
        assert_eq!(
            d.iterations.is_some(),
            ["expgrad", "prejudice-remover", "gerryfair", "lfr"].contains(&spec.family()),
            "{name}"
        );
        assert_eq!(
            d.loss.is_some(),
            ["prejudice-remover", "lfr"].contains(&spec.family())
        );
        assert_eq!(d.subgroup.is_some(), spec.family() == "gerryfair");
        assert_eq!(
            d.best_index.is_some(),
            spec.family() == "gridsearch",
            "{name}"
        );
        // The post-processors' rules, adversarial debiasing's training summary, the
        // relabelled rows of massaging, LFR's objective terms.
        let ruled = [
            "threshold",
            "reject-option",
            "eq-odds",
            "calibrated-eq-odds",
            "adversarial",
            "massaging",
            "lfr",
        ];
        assert_eq!(
            !d.rules.is_empty(),
            ruled.contains(&spec.family()),
            "{name}"
        );
        assert_eq!(d.weights.len(), if name == "reweighing" { 4 } else { 0 });
    }
}

#[test]
fn saved_fits_keep_their_shape_and_refuse_another_width() {
    let train = data(3, 400);
    let estimator = Estimator::default();
    let keys = |spec: &str| {
        let fitted = spec
            .parse::<MethodSpec>()
            .unwrap()
            .fit(&estimator, &train)
            .unwrap();
        let value = serde_json::to_value(&fitted).unwrap();
        let keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        (fitted, keys)
    };
    for (spec, expected, reader) in [
        ("baseline", vec!["method", "model"], "model"),
        ("reweighing", vec!["factors", "method", "model"], "model"),
        (
            "di-remover",
            vec!["method", "model", "repair"],
            "disparate-impact remover",
        ),
        (
            "correlation-remover",
            vec!["method", "model", "remover"],
            "correlation remover",
        ),
        (
            "expgrad-dp",
            vec!["method", "model"],
            "exponentiated gradient mixture",
        ),
        ("gridsearch-dp", vec!["method", "model"], "grid search"),
        (
            "threshold-dp",
            vec!["base", "method", "thresholder"],
            "model",
        ),
    ] {
        let (fitted, mut got) = keys(spec);
        got.sort();
        assert_eq!(got, expected, "{spec}");
        let err = fitted.validate(4).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("inconsistent {reader}: it reads 3 features, the encoding gives 4")
        );
    }
}

#[test]
fn a_score_column_is_thresholded_without_an_estimator() {
    let train = data(4, 400);
    // The scores: the first feature, the only input of the thresholds.
    let scores = train
        .features()
        .column(0)
        .to_owned()
        .insert_axis(ndarray::Axis(1));
    let scored = FairDataset::with_names(
        scores,
        train.labels().to_vec(),
        train.groups().clone(),
        vec!["s".into()],
    )
    .unwrap();
    let spec: MethodSpec = serde_json::from_str(
        r#"{"method":"threshold","constraint":"demographic_parity","score":"s"}"#,
    )
    .unwrap();
    // A linfa-logistic estimator would be refused by a method that fits one with weights; this
    // one fits none.
    let estimator: Estimator = "linfa-logistic".parse().unwrap();
    let fitted = spec.fit(&estimator, &scored).unwrap();
    assert!(matches!(fitted, FittedMethod::ScoreThreshold(_)));
    assert!(fitted.is_fit_of(&spec));
    let other_column = MethodSpec::Threshold(ThresholdSpec {
        score: Some("t".into()),
        ..ThresholdSpec::new(fairkit_postprocessing::Constraint::DemographicParity)
    });
    assert!(!fitted.is_fit_of(&other_column));
    fitted.validate(1).unwrap();
    assert_eq!(
        fitted.validate(2).unwrap_err().to_string(),
        "inconsistent score thresholder: it reads 1 features, the encoding gives 2"
    );
    // The data must encode the score column alone.
    let err = spec.fit(&estimator, &train).unwrap_err();
    assert!(
        err.to_string()
            .contains("must be a numeric column and the only input")
    );
}

#[test]
fn two_group_fits_on_a_score_column_are_fits_of_that_column_only() {
    let train = data(1, 400);
    // The scores: the first feature, as the data's only input.
    let x = train
        .features()
        .column(0)
        .mapv(|v| (v + 1.0) / 2.0)
        .insert_axis(ndarray::Axis(1));
    let scores = FairDataset::with_names(
        x,
        train.labels().to_vec(),
        train.groups().clone(),
        vec!["s".into()],
    )
    .unwrap();
    let spec = MethodSpec::EqOdds(EqOddsSpec {
        score: Some("s".into()),
        ..EqOddsSpec::default()
    });
    let fitted = spec.fit(&Estimator::default(), &scores).unwrap();
    assert!(fitted.is_fit_of(&spec));
    assert!(!fitted.is_fit_of(&"eq-odds".parse().unwrap()));
    fitted.validate(1).unwrap();
    let json = serde_json::to_value(&fitted).unwrap();
    assert_eq!(json["scores"], "column");
    assert_eq!(json["column"], "s");
    // The estimator's scores are refused as a column of another name.
    let other = MethodSpec::EqOdds(EqOddsSpec {
        score: Some("t".into()),
        ..EqOddsSpec::default()
    });
    let err = other.fit(&Estimator::default(), &scores).unwrap_err();
    assert!(
        err.to_string().contains("the only input of the method"),
        "{err}"
    );
    // A saved fit whose rates leave [0, 1] is inconsistent.
    let mut broken = json.clone();
    broken["thresholder"]["privileged"]["p2p"] = serde_json::json!(1.5);
    let broken: FittedMethod = serde_json::from_value(broken).unwrap();
    let err = broken.validate(1).unwrap_err();
    assert!(err.to_string().contains("p2p"), "{err}");
}

#[test]
fn errors_keep_the_type_of_the_crate_that_raised_them() {
    let train = data(5, 300);
    let logistic = Estimator::default();
    let blind: Estimator = "linfa-logistic".parse().unwrap();
    let json = |text: &str| serde_json::from_str::<MethodSpec>(text).unwrap();

    let err = "reweighing"
        .parse::<MethodSpec>()
        .unwrap()
        .fit(&blind, &train)
        .unwrap_err();
    assert!(matches!(
        err,
        HarnessError::Input(fairkit_core::Error::IgnoresWeights { .. })
    ));
    assert_eq!(
        err.to_string(),
        "learner linfa-logistic ignores sample weights, so it cannot be refit by reweighing"
    );
    let err = json(r#"{"method":"expgrad","constraint":"demographic_parity","eps":0}"#)
        .fit(&logistic, &train)
        .unwrap_err();
    assert!(matches!(err, HarnessError::Reductions(_)), "{err:?}");
    assert!(err.to_string().contains("eps"), "{err}");
    let err = json(r#"{"method":"threshold","constraint":"equalized_odds","tol":0.1}"#)
        .fit(&logistic, &train)
        .unwrap_err();
    assert!(matches!(err, HarnessError::Postprocessing(_)), "{err:?}");
    assert!(
        err.to_string().starts_with("tol = 0.1 cannot be used"),
        "{err}"
    );
    let err = json(r#"{"method":"di-remover","repair_level":2}"#)
        .fit(&logistic, &train)
        .unwrap_err();
    assert!(matches!(err, HarnessError::Preprocessing(_)), "{err:?}");
    assert!(err.to_string().contains("repair_level"), "{err}");

    // Prediction fails on input problems only: here an unseen group.
    let fitted = "expgrad-dp"
        .parse::<MethodSpec>()
        .unwrap()
        .fit(&logistic, &train)
        .unwrap();
    let unseen = Groups::from_labels("g", &["c"; 2]).unwrap();
    let err = fitted
        .expected(train.features().slice(ndarray::s![..2, ..]), &unseen)
        .unwrap_err();
    assert!(matches!(
        err,
        HarnessError::Input(fairkit_core::Error::UnseenGroup { .. })
    ));
    let err = fitted.expected(train.features(), &unseen).unwrap_err();
    assert_eq!(
        err.to_string(),
        "length mismatch: sensitive groups has 2 entries, expected 300"
    );
}

/// The score metrics of a run (`results.json`'s `scores`): the fitted predictor's own scores
/// for the methods that have one, the metrics of exactly those scores; none for randomized
/// mixtures and thresholds.
#[test]
fn score_metrics_of_a_run_are_those_of_its_scores() {
    use fairkit_metrics::scores::{self, ScoreMetric};
    let (train, test) = (data(1, 400), data(2, 300));
    let estimator: Estimator = "logistic".parse().unwrap();
    let params = fairkit_metrics::ReportParams::default();
    for (preset, has_scores) in [
        ("baseline", true),
        ("reweighing", true),
        ("threshold-dp", false),
        ("expgrad-dp", false),
    ] {
        let spec: MethodSpec = preset.parse().unwrap();
        let r = run(&spec, &estimator, &train, &test, 3).unwrap();
        let e = crate::evaluate::evaluate(&test, &r, &params).unwrap();
        assert_eq!(e.scores.is_some(), has_scores, "{preset}");
        let Some(report) = e.scores else { continue };
        let s = r.score.as_deref().unwrap();
        assert_eq!(
            s,
            r.fitted
                .predictor()
                .score(test.features(), test.groups())
                .unwrap()
                .unwrap()
        );
        let auc = scores::roc_auc(test.labels(), s, None).unwrap();
        assert_eq!(report.overall(ScoreMetric::RocAuc), auc, "{preset}");
        assert!(auc > 0.7, "{preset}: {auc}");
        let ll = scores::log_loss(test.labels(), s, None).unwrap();
        assert_eq!(report.overall(ScoreMetric::LogLoss), ll, "{preset}");
        assert_eq!(report.labels(), ["a", "b"]);
    }
}

/// The in-processing methods fit their own learner: any estimator gives the same fit (even one
/// that ignores weights), the spec says so, and GerryFair's details name its most unfair
/// subgroup in the auditor's columns.
#[test]
fn in_processing_methods_fit_their_own_learner() {
    let (train, test) = (data(5, 500), data(6, 200));
    let (x, groups) = (test.features(), test.groups());
    for preset in ["prejudice-remover", "gerryfair"] {
        let spec: MethodSpec = preset.parse().unwrap();
        assert!(spec.own_learner().is_some(), "{preset}");
        let a = spec.fit(&Estimator::default(), &train).unwrap();
        let b = spec
            .fit(&"linfa-logistic".parse().unwrap(), &train)
            .unwrap();
        assert_eq!(
            a.expected(x, groups).unwrap(),
            b.expected(x, groups).unwrap(),
            "{preset}"
        );
    }
    assert!(
        "expgrad-dp"
            .parse::<MethodSpec>()
            .unwrap()
            .own_learner()
            .is_none()
    );

    // GerryFair with a feature column in the auditor's space.
    let spec: MethodSpec = serde_json::from_str(
        r#"{"method":"gerryfair","fairness":"FN","max_iters":6,"protected_features":["x1"]}"#,
    )
    .unwrap();
    assert_eq!(spec.name(), "gerryfair-fn");
    let named = FairDataset::with_names(
        train.features().to_owned(),
        train.labels().to_vec(),
        train.groups().clone(),
        vec!["x0".into(), "x1".into(), "x2".into()],
    )
    .unwrap();
    let fitted = spec.fit(&Estimator::default(), &named).unwrap();
    let g = fitted.details().subgroup.unwrap();
    assert_eq!(g.columns, ["[g=b]", "x1"]);
    assert_eq!(g.coefficients.len(), 2);
    assert_eq!(g.fairness, Fairness::Fn);
    assert!((g.weighted_disparity - g.size * g.disparity).abs() < 1e-15);
    assert!(fitted.details().iterations.unwrap() <= 5);
    // An unknown protected feature is named, with the columns there are.
    let bad: MethodSpec =
        serde_json::from_str(r#"{"method":"gerryfair","protected_features":["x7"]}"#).unwrap();
    let err = bad
        .fit(&Estimator::default(), &named)
        .unwrap_err()
        .to_string();
    assert!(err.contains("protected-features = x7"), "{err}");
    assert!(err.contains("x0"), "{err}");
    // AIF360's spelling of the keys.
    let upper: MethodSpec = serde_json::from_str(r#"{"method":"gerryfair","C":5}"#).unwrap();
    assert!(matches!(upper, MethodSpec::Gerryfair(GerryFairSpec { c, .. }) if c == 5.0));
    // Weighted data is refused by GerryFair, honoured by the prejudice remover.
    let weighted = train
        .clone()
        .with_weights(vec![2.0; train.n_rows()])
        .unwrap();
    let err = "gerryfair"
        .parse::<MethodSpec>()
        .unwrap()
        .fit(&Estimator::default(), &weighted)
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not support sample weights"), "{err}");
    "prejudice-remover"
        .parse::<MethodSpec>()
        .unwrap()
        .fit(&Estimator::default(), &weighted)
        .unwrap();
}

#[test]
fn massaging_ranks_by_a_score_column_and_the_estimator_never_reads_it() {
    let (train, test) = (data(5, 400), data(6, 200));
    let column = train.feature_names()[1].clone();
    let spec = MethodSpec::Massaging(MassagingSpec {
        privileged: None,
        score: Some(column.clone()),
    });
    let fitted = spec.fit(&Estimator::default(), &train).unwrap();
    let FittedMethod::Massaging(m) = &fitted else {
        panic!("{fitted:?}");
    };
    // The relabelled rows are those of the column's ranking.
    let direct = fairkit_preprocessing::Massaging::params()
        .fit(&train, &train.features().column(1).to_vec())
        .unwrap();
    assert_eq!(m.massaging, direct);
    assert!(direct.m() > 0);
    assert_eq!(
        m.ranker_column,
        Some(RankerColumn {
            name: column,
            index: 1
        })
    );
    assert_eq!(fairkit_core::Predictor::n_features(&m.model), 2);
    fitted.validate(3).unwrap();
    assert!(fitted.is_fit_of(&spec));
    assert!(!fitted.is_fit_of(&"massaging".parse().unwrap()));
    // Changing the ranker's column of new rows changes nothing.
    let mut x = test.features().to_owned();
    let before = fitted.expected(x.view(), test.groups()).unwrap();
    x.column_mut(1).fill(7.0);
    assert_eq!(fitted.expected(x.view(), test.groups()).unwrap(), before);
    assert!(
        fitted
            .expected(x.view().slice(ndarray::s![.., ..2]), test.groups())
            .is_err()
    );
    // A column the data does not encode.
    let missing = MethodSpec::Massaging(MassagingSpec {
        privileged: None,
        score: Some("nope".into()),
    });
    let err = missing.fit(&Estimator::default(), &train).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}
