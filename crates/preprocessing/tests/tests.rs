//! Integration tests of fairkit-preprocessing: oracles O4 and O13 (docs/test-oracles.md),
//! fairlearn's CorrelationRemover values, invariants, bad input and the COMPAS reference.

mod aif360;
mod common;
mod compas;
mod correlation_remover;
mod di_fixture;
mod di_remover;
mod lfr;
mod massaging;
mod reweighing;
mod scenario;

use fairkit_preprocessing::{
    CorrelationRemover, DisparateImpactRemover, FeatureTransform, FitFeatureTransform, Reweighing,
};

#[test]
fn models_are_send_sync_and_the_transforms_object_safe() {
    fn auto<T: Send + Sync + Unpin + Clone + 'static>() {}
    auto::<Reweighing>();
    auto::<DisparateImpactRemover>();
    auto::<CorrelationRemover>();
    let d = common::one_feature(&[1., 2., 3., 4.], &[0, 0, 1, 1]);
    let methods: Vec<Box<dyn FeatureTransform>> = vec![
        Box::new(DisparateImpactRemover::params().fit(&d).unwrap()),
        Box::new(CorrelationRemover::params().fit(&d).unwrap()),
    ];
    let out: Vec<Vec<f64>> = methods
        .iter()
        .map(|m| common::column0(&m.transform(&d).unwrap()))
        .collect();
    assert_eq!(out, [[1., 2., 1., 2.], [2., 3., 2., 3.]]);
}
