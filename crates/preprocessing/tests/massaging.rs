//! Massaging: hand-computed cases, the tie rule, the rounding of M, the fitted shape and bad
//! input. The reference rows of COMPAS and Adult are checked in `aif360.rs`.

use fairkit_core::{Classifier, Error, FairDataset, Learner, LearnerError, WeightSupport};
use fairkit_preprocessing::{Massaging, PreprocessingError};
use ndarray::{Array1, ArrayView1, ArrayView2};
use proptest::prelude::*;

use crate::common::dataset;

fn labelled(groups: &[&str], y: &[u8]) -> FairDataset {
    dataset(&[&vec![0.0; groups.len()]], groups, y)
}

#[test]
fn ties_keep_row_order_and_the_privileged_group_is_the_higher_base_rate() {
    // a: 4 of 5 positive; b: 1 of 5. M* = (4·5 − 1·5) / 10 = 1.5, rounded up to 2.
    let data = labelled(
        &["b", "a", "a", "a", "a", "a", "b", "b", "b", "b"],
        &[0, 1, 1, 1, 1, 0, 0, 1, 0, 0],
    );
    let scores = [0.6, 0.3, 0.2, 0.3, 0.2, 0.1, 0.6, 0.9, 0.6, 0.1];
    let m = Massaging::params().fit(&data, &scores).unwrap();
    assert_eq!((m.privileged(), m.unprivileged()), ("a", "b"));
    assert_eq!(m.m_exact(), 1.5);
    assert_eq!(m.m(), 2);
    // Promotion: b's negatives 0, 6, 8 (0.6 each) and 9: equal scores in row order.
    assert_eq!(m.promoted(), [0, 6]);
    // Demotion: a's positives 2, 4 (0.2), 1, 3 (0.3): lowest first, ties in row order.
    assert_eq!(m.demoted(), [2, 4]);
    assert_eq!((m.promotion_candidates(), m.demotion_candidates()), (4, 4));
    assert_eq!(m.base_rates_before(), [0.8, 0.2]);
    assert_eq!(m.base_rates_after(), [0.4, 0.6]);
    let labels = m.labels(data.labels()).unwrap();
    let expected: Vec<bool> = [1, 1, 0, 1, 0, 0, 1, 1, 0, 0].map(|v| v == 1).to_vec();
    assert_eq!(labels, expected);
    let massaged = m.transform(&data).unwrap();
    assert_eq!(massaged.labels(), &expected[..]);
    assert_eq!(massaged.features(), data.features());
    assert_eq!(massaged.groups(), data.groups());
}

#[test]
fn m_rounds_half_up_and_stops_at_the_candidates() {
    // a: 2 of 2 positive; b: 0 of 2: M* = (2·2 − 0) / 4 = 1.
    let data = labelled(&["a", "a", "b", "b"], &[1, 1, 0, 0]);
    let m = Massaging::params().fit(&data, &[0.5; 4]).unwrap();
    assert_eq!((m.m(), m.promoted(), m.demoted()), (1, &[2][..], &[0][..]));
    // a: 3 of 3; b: 0 of 1: M* = 3·1 / 4 = 0.75 → 1, and the one candidate of b caps it.
    let data = labelled(&["a", "a", "a", "b"], &[1, 1, 1, 0]);
    let m = Massaging::params().fit(&data, &[0.5; 4]).unwrap();
    assert_eq!((m.m_exact(), m.m()), (0.75, 1));
    // a: 1 of 4; b: 0 of 4: M* = 4 / 8 = 0.5 → 1 (halves up); 1 of 4 vs 0 of 5: 5/9 → 1;
    // 1 of 5 vs 0 of 4: 4/9 → 0.
    for (a, b, want) in [
        ((1, 4), (0, 4), 1),
        ((1, 4), (0, 5), 1),
        ((1, 5), (0, 4), 0),
    ] {
        let mut groups = vec!["a"; a.1];
        groups.extend(vec!["b"; b.1]);
        let mut y = vec![0u8; a.1 + b.1];
        y[..a.0].fill(1);
        y[a.1..a.1 + b.0].fill(1);
        let data = labelled(&groups, &y);
        let m = Massaging::params().fit(&data, &vec![0.5; y.len()]).unwrap();
        assert_eq!(m.m(), want, "{a:?} {b:?}");
    }
}

#[test]
fn a_named_privileged_group_with_the_lower_base_rate_changes_nothing() {
    let data = labelled(&["a", "a", "b", "b"], &[1, 1, 0, 1]);
    let m = Massaging::params()
        .privileged("b")
        .fit(&data, &[0.5; 4])
        .unwrap();
    assert_eq!((m.privileged(), m.m()), ("b", 0));
    assert!(m.m_exact() < 0.0);
    assert_eq!(m.labels(data.labels()).unwrap(), data.labels());
    let named = Massaging::params()
        .privileged("a")
        .fit(&data, &[0.5; 4])
        .unwrap();
    assert_eq!(named, Massaging::params().fit(&data, &[0.5; 4]).unwrap());
}

proptest! {
    /// After massaging the two base rates differ by less than one row's worth in each group,
    /// and exactly M rows moved each way.
    #[test]
    fn base_rates_meet(
        rows in proptest::collection::vec((any::<bool>(), any::<bool>(), 0.0f64..1.0), 4..200)
    ) {
        let groups: Vec<&str> = rows.iter().map(|r| if r.0 { "a" } else { "b" }).collect();
        let y: Vec<u8> = rows.iter().map(|r| u8::from(r.1)).collect();
        prop_assume!(groups.contains(&"a") && groups.contains(&"b"));
        let data = labelled(&groups, &y);
        let scores: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let m = Massaging::params().fit(&data, &scores).unwrap();
        let [p_after, u_after] = m.base_rates_after();
        let [p_before, u_before] = m.base_rates_before();
        prop_assert!(p_before >= u_before);
        let n_p = groups.iter().filter(|&&g| g == m.privileged()).count() as f64;
        let n_u = rows.len() as f64 - n_p;
        let capped = m.m() == m.promotion_candidates() || m.m() == m.demotion_candidates();
        if !capped {
            prop_assert!((p_after - u_after).abs() <= 1.0 / n_p + 1.0 / n_u + 1e-12);
        }
        let new = m.labels(data.labels()).unwrap();
        let flipped = new.iter().zip(data.labels()).filter(|(a, b)| a != b).count();
        prop_assert_eq!(flipped, 2 * m.m());
    }
}

/// A learner scoring rows by their first feature, for `fit_ranker`.
#[derive(Clone)]
struct ByFeature;

impl Classifier for ByFeature {
    fn n_features(&self) -> usize {
        1
    }
    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        x.column(0).mapv(|v| v > 0.5)
    }
    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        x.column(0).to_owned()
    }
}

impl Learner for ByFeature {
    type Model = ByFeature;
    fn name(&self) -> String {
        "by-feature".into()
    }
    fn weight_support(&self) -> WeightSupport {
        WeightSupport::Ignored
    }
    fn fit(
        &self,
        _: ArrayView2<'_, f64>,
        _: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<ByFeature, LearnerError> {
        assert!(weights.is_none(), "massaging fits unweighted");
        Ok(ByFeature)
    }
}

#[test]
fn a_ranker_supplies_the_scores_and_a_learner_fits_the_massaged_labels() {
    let x = [0.9, 0.2, 0.8, 0.1, 0.7, 0.6];
    let data = dataset(&[&x], &["a", "a", "a", "b", "b", "b"], &[1, 1, 1, 0, 0, 0]);
    let m = Massaging::params().fit_ranker(&ByFeature, &data).unwrap();
    assert_eq!(m, Massaging::params().fit(&data, &x).unwrap());
    // M* = 3·3 / 6 = 1.5 → 2: b's 0.7 and 0.6 are promoted, a's 0.2 and 0.8 demoted.
    assert_eq!((m.promoted(), m.demoted()), (&[4, 5][..], &[1, 2][..]));
    let model = m.fit_learner(&ByFeature, &data).unwrap();
    assert_eq!(model.n_features(), 1);
}

#[test]
fn bad_input_is_refused() {
    let data = labelled(&["a", "a", "b", "b"], &[1, 1, 0, 1]);
    let weighted = data.clone().with_weights(vec![1.0; 4]).unwrap();
    assert!(matches!(
        Massaging::params().fit(&weighted, &[0.5; 4]),
        Err(PreprocessingError::WeightsRefused { .. })
    ));
    assert!(matches!(
        Massaging::params().fit_ranker(&ByFeature, &weighted),
        Err(PreprocessingError::WeightsRefused { .. })
    ));
    assert!(matches!(
        Massaging::params().fit(&data, &[0.5; 3]),
        Err(PreprocessingError::Core(Error::LengthMismatch { .. }))
    ));
    assert!(matches!(
        Massaging::params().fit(&data, &[0.5, f64::NAN, 0.5, 0.5]),
        Err(PreprocessingError::Core(Error::NonFinite { row: 1, .. }))
    ));
    let err = Massaging::params()
        .privileged("z")
        .fit(&data, &[0.5; 4])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid parameter privileged = z: not a group of the data (the groups are 'a', 'b')"
    );
    let three = labelled(&["a", "b", "c"], &[1, 0, 1]);
    assert_eq!(
        Massaging::params()
            .fit(&three, &[0.5; 3])
            .unwrap_err()
            .to_string(),
        "massaging needs exactly two groups with rows; the data has 3: 'a', 'b', 'c'"
    );
    // Labels other than those massaging was fitted on are refused, not silently flipped.
    let m = Massaging::params().fit(&data, &[0.5; 4]).unwrap();
    assert_eq!(m.m(), 1);
    let mut other = data.labels().to_vec();
    other[m.promoted()[0]] = true;
    assert!(matches!(
        m.labels(&other),
        Err(PreprocessingError::Core(Error::Inconsistent { .. }))
    ));
    assert!(m.labels(&[true; 3]).is_err());
}
