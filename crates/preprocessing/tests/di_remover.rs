//! The disparate-impact remover: O13 (docs/test-oracles.md#o13), transform of new data, invariants
//! and bad input.

use fairkit_core::{Error, FairDataset, Groups};
use fairkit_preprocessing::{
    DisparateImpactRemover, FeatureTransform, FitFeatureTransform, PreprocessingError, Strata,
};
use ndarray::{Array2, array};
use proptest::prelude::*;

use crate::common::{column0, dataset, one_feature};
use crate::di_fixture as fx;

fn repair(data: &FairDataset, level: f64, strata: Strata) -> Vec<f64> {
    let params = DisparateImpactRemover::params()
        .repair_level(level)
        .strata(strata);
    let out = params.fit_transform(data).unwrap();
    // The stored fit applied to the same rows gives the same repair.
    assert_eq!(params.fit(data).unwrap().transform(data).unwrap(), out);
    column0(&out)
}

fn d1() -> FairDataset {
    one_feature(&[1., 2., 3., 4., 5., 6., 7., 8.], &[1, 1, 1, 1, 0, 0, 0, 0])
}

fn d2() -> FairDataset {
    one_feature(
        &[1., 1., 2., 3., 10., 4., 5., 5., 6., 7., 8.],
        &[1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
    )
}

fn d3() -> FairDataset {
    one_feature(
        &[1., 2., 3., 4., 5., 6., 7., 8., 9.],
        &[0, 0, 0, 1, 1, 1, 2, 2, 2],
    )
}

#[test]
fn o13_d1() {
    let d = d1();
    assert_eq!(
        repair(&d, 1.0, Strata::Groups),
        [1., 2., 3., 4., 1., 2., 3., 4.]
    );
    assert_eq!(
        repair(&d, 0.5, Strata::Groups),
        [1., 2., 3., 4., 3., 4., 5., 6.]
    );
    assert_eq!(repair(&d, 0.0, Strata::Groups), column0(&d));
    // Two binary strata: AIF360's binning gives the same strata.
    assert_eq!(
        repair(&d, 0.5, Strata::Aif360Binning),
        [1., 2., 3., 4., 3., 4., 5., 6.]
    );
}

#[test]
fn o13_d2_bankers_rounding() {
    let d = d2();
    let fitted = DisparateImpactRemover::params().fit(&d).unwrap();
    assert_eq!(fitted.n_buckets(0), Some(4));
    assert_eq!(
        repair(&d, 1.0, Strata::Groups),
        [1., 1., 2., 3., 8., 1., 2., 2., 3., 3., 8.]
    );
    assert_eq!(
        repair(&d, 0.5, Strata::Groups),
        [1., 1., 2., 3., 10., 2., 3., 3., 4., 5., 8.]
    );
}

#[test]
fn o13_d3_aif360_binning_merges_codes() {
    let d = d3();
    let fitted = DisparateImpactRemover::params()
        .strata(Strata::Aif360Binning)
        .fit(&d)
        .unwrap();
    assert_eq!(fitted.n_strata(), 2);
    assert_eq!(
        [0, 1, 2].map(|c| fitted.stratum_of(c)),
        [Some(0), Some(0), Some(1)]
    );
    assert_eq!(
        repair(&d, 1.0, Strata::Aif360Binning),
        [1., 1., 3., 3., 5., 5., 1., 3., 5.]
    );
    assert_eq!(
        repair(&d, 0.5, Strata::Aif360Binning),
        [1., 2., 3., 4., 5., 6., 4., 6., 7.]
    );
}

#[test]
fn d3_exact_groups_by_default() {
    // Three strata {1,2,3}, {4,5,6}, {7,8,9}: Q = 3, targets are the lower medians 4, 5, 6.
    let d = d3();
    assert_eq!(
        repair(&d, 1.0, Strata::Groups),
        [4., 5., 6., 4., 5., 6., 4., 5., 6.]
    );
    // Ranks move halfway, ties to even: 1 -> pos 0 + round(1.5) = 2 -> 3.
    assert_eq!(
        repair(&d, 0.5, Strata::Groups),
        [3., 4., 5., 4., 5., 6., 5., 6., 7.]
    );
}

#[test]
fn matches_blackboxauditing_on_a_40_row_fixture() {
    let labels: Vec<String> = fx::FIXTURE_GROUPS.iter().map(u32::to_string).collect();
    let x = Array2::from_shape_fn((40, 3), |(i, j)| fx::FIXTURE_X[i][j]);
    let data = FairDataset::new(
        x,
        vec![false; 40],
        Groups::from_labels("g", &labels).unwrap(),
    )
    .unwrap();
    let cases = [
        (Strata::Groups, 1.0, &fx::EXACT_100),
        (Strata::Groups, 0.7, &fx::EXACT_70),
        (Strata::Aif360Binning, 1.0, &fx::AIF360_100),
        (Strata::Aif360Binning, 0.7, &fx::AIF360_70),
    ];
    for (strata, level, expected) in cases {
        let params = DisparateImpactRemover::params()
            .repair_level(level)
            .strata(strata);
        let out = params.fit_transform(&data).unwrap();
        let expected = Array2::from_shape_fn((40, 3), |(i, j)| expected[i][j]);
        assert_eq!(out.features(), expected, "{strata:?} at {level}");
    }
}

#[test]
fn binning_reads_numeric_levels() {
    // Levels 0, 10, 11 (not codes 0, 1, 2): n = 9, IQR = 11, width = 22/9^(1/3) = 10.58, so
    // the bins are [0, 10.58) and [10.58, 21.16): {0, 10} and {11}.
    let x = [1., 2., 3., 4., 5., 6., 7., 8., 9.];
    let g = ["0", "0", "0", "10", "10", "10", "11", "11", "11"];
    let d = dataset(&[&x], &g, &[0; 9]);
    let fitted = DisparateImpactRemover::params()
        .strata(Strata::Aif360Binning)
        .fit(&d)
        .unwrap();
    assert_eq!(
        [0, 1, 2].map(|c| fitted.stratum_of(c)),
        [Some(0), Some(0), Some(1)]
    );
    // Non-numeric levels bin by code: a, b, c are 0, 1, 2 as in D3.
    let g = ["a", "a", "a", "b", "b", "b", "c", "c", "c"];
    let d = dataset(&[&x], &g, &[0; 9]);
    assert_eq!(
        repair(&d, 1.0, Strata::Aif360Binning),
        [1., 1., 3., 3., 5., 5., 1., 3., 5.]
    );
}

#[test]
fn transform_maps_unseen_values_to_the_nearest_stored_value() {
    let fitted = DisparateImpactRemover::params().fit(&d1()).unwrap();
    // Group 0 held 5..8 and repairs onto 1..4; 6.4 snaps to 6, 6.5 (a tie) to 6, 6.6 to 7,
    // values beyond the range to the extremes.
    let g = Groups::from_labels("g", &["0", "0", "0", "0", "0", "1"]).unwrap();
    let x = array![[6.4], [6.5], [6.6], [100.0], [-3.0], [2.0]];
    let new = FairDataset::new(x.clone(), vec![false; 6], g.clone()).unwrap();
    assert_eq!(
        column0(&fitted.transform(&new).unwrap()),
        [2., 2., 3., 4., 1., 2.]
    );
    // Half repair of 6.4 (as 6, rank 5, target rank 1) gives rank 3.
    let half = DisparateImpactRemover::params()
        .repair_level(0.5)
        .fit(&d1())
        .unwrap();
    assert_eq!(
        column0(&half.transform(&new).unwrap()),
        [4., 4., 5., 6., 3., 2.]
    );
    // Level 0 returns new data unchanged, unseen values included.
    let zero = DisparateImpactRemover::params()
        .repair_level(0.0)
        .fit(&d1())
        .unwrap();
    assert_eq!(zero.transform_features(x.view(), &g).unwrap(), x);
}

#[test]
fn transform_matches_groups_by_value() {
    // The same rows in another order with a schema built separately.
    let d = d2();
    let fitted = DisparateImpactRemover::params().fit(&d).unwrap();
    let expected = column0(&fitted.transform(&d).unwrap());
    let order: Vec<usize> = (0..11).rev().collect();
    let labels: Vec<&str> = order
        .iter()
        .map(|&i| if i < 5 { "1" } else { "0" })
        .collect();
    let x = d.features().select(ndarray::Axis(0), &order);
    let g = Groups::from_labels("g", &labels).unwrap();
    let out = fitted.transform_features(x.view(), &g).unwrap();
    let reordered: Vec<f64> = order.iter().map(|&i| expected[i]).collect();
    assert_eq!(out.column(0).to_vec(), reordered);
}

#[test]
fn constant_features_are_unchanged() {
    let x = [1., 2., 3., 4., 5., 6., 7., 8.];
    let c = [2.5; 8];
    let d = dataset(
        &[&x, &c],
        &["a", "a", "a", "a", "b", "b", "b", "b"],
        &[0; 8],
    );
    let out = DisparateImpactRemover::params().fit_transform(&d).unwrap();
    assert_eq!(out.features().column(1).to_vec(), c);
    assert_eq!(column0(&out), [1., 2., 3., 4., 1., 2., 3., 4.]);
}

#[test]
fn bad_input_is_an_error() {
    let d = d1();
    for level in [-0.1, 1.1, f64::NAN] {
        assert!(matches!(
            DisparateImpactRemover::params().repair_level(level).fit(&d),
            Err(PreprocessingError::Core(Error::InvalidParameter { ref name, .. })) if name == "repair_level"
        ));
    }
    let lone = one_feature(&[1., 2., 3., 4.], &[0, 0, 0, 1]);
    assert!(matches!(
        DisparateImpactRemover::params().fit(&lone),
        Err(PreprocessingError::SingleRowGroup { ref group }) if group == "g=1"
    ));
    let single = one_feature(&[1., 2., 3.], &[0, 0, 0]);
    assert!(matches!(
        DisparateImpactRemover::params().fit(&single),
        Err(PreprocessingError::Core(Error::SingleGroup { .. }))
    ));
    assert!(matches!(
        DisparateImpactRemover::params().fit(&d.select(&[])),
        Err(PreprocessingError::Core(Error::Empty { .. }))
    ));
    let fitted = DisparateImpactRemover::params().fit(&d).unwrap();
    let g = Groups::from_labels("g", &["2"]).unwrap();
    assert!(matches!(
        fitted.transform_features(array![[1.0]].view(), &g),
        Err(Error::UnseenGroup { .. })
    ));
    let g = Groups::from_labels("g", &["0"]).unwrap();
    assert!(matches!(
        fitted.transform_features(array![[1.0, 2.0]].view(), &g),
        Err(Error::FeatureMismatch {
            expected: 1,
            got: 2
        })
    ));
}

fn random_data() -> impl Strategy<Value = FairDataset> {
    (2usize..4, 6usize..40).prop_flat_map(|(k, n)| {
        (
            prop::collection::vec(0..k as u32, n),
            prop::collection::vec(0i32..12, n * 2),
        )
            .prop_filter_map("every group needs two rows", move |(g, x)| {
                let mut counts = vec![0; k];
                g.iter().for_each(|&c| counts[c as usize] += 1);
                if counts.iter().any(|&c| c < 2) {
                    return None;
                }
                let labels: Vec<String> = g.iter().map(|c| format!("g{c}")).collect();
                let groups = Groups::from_labels("g", &labels).ok()?;
                let x = Array2::from_shape_fn((n, 2), |(i, j)| f64::from(x[2 * i + j]) / 2.0);
                FairDataset::new(x, vec![false; n], groups).ok()
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Level 0 is the identity, repair keeps the order of values within a group, repaired
    /// values are column values, and a full repair gives every group the same set of values.
    #[test]
    fn repair_invariants(data in random_data(), level in 0.0f64..=1.0) {
        let zero = DisparateImpactRemover::params().repair_level(0.0).fit_transform(&data).unwrap();
        prop_assert_eq!(&zero, &data);
        let out = DisparateImpactRemover::params().repair_level(level).fit_transform(&data).unwrap();
        let full = DisparateImpactRemover::params().fit_transform(&data).unwrap();
        let codes = data.groups().codes();
        for j in 0..2 {
            let before = data.features().column(j).to_vec();
            let after = out.features().column(j).to_vec();
            for (i, a) in after.iter().enumerate() {
                prop_assert!(before.contains(a));
                for k in 0..before.len() {
                    if codes[i] == codes[k] && before[i] < before[k] {
                        prop_assert!(after[i] <= after[k]);
                    }
                }
            }
            let sets: Vec<Vec<f64>> = data.groups().present().iter().map(|&c| {
                let mut v: Vec<f64> = (0..codes.len())
                    .filter(|&i| codes[i] == c)
                    .map(|i| full.features()[[i, j]])
                    .collect();
                v.sort_by(f64::total_cmp);
                v.dedup();
                v
            }).collect();
            prop_assert!(sets.windows(2).all(|w| w[0] == w[1]), "{:?}", sets);
        }
    }
}
