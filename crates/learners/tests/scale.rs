//! The exact tree at scale: a million rows of the built-in scenario, where linfa-trees failed
//! (`assertion failed: n_samples > 0.0`). It runs when the tests are built with optimisations
//! and without debug assertions (`cargo test --release`); a debug build prints a notice and
//! skips it.

use fairkit_core::{Classifier, Learner};
use fairkit_data::{Encoder, sim};
use fairkit_learners::{Node, TreeParams};

const ROWS: usize = 1_000_000;

#[test]
fn the_tree_fits_a_million_rows_of_the_built_in_scenario() {
    if cfg!(debug_assertions) {
        eprintln!("skipping the million-row fit: a debug build (run cargo test --release)");
        return;
    }
    let table = sim::simulate("biased-credit", ROWS, 0).unwrap();
    let spec = sim::spec("biased-credit").unwrap();
    let encoder = Encoder::fit(&spec, &table, &[]).unwrap();
    let data = encoder.transform(&table).unwrap();
    let start = std::time::Instant::now();
    let tree = TreeParams::default()
        .fit(data.features(), data.labels_view(), None)
        .unwrap();
    eprintln!(
        "{ROWS} rows: fitted in {:.2} s, depth {}, {} leaves",
        start.elapsed().as_secs_f64(),
        tree.depth(),
        tree.n_leaves()
    );
    tree.validate().unwrap();
    assert_eq!(tree.depth(), 5);
    // every leaf holds training rows, and together all of them
    let weights: Vec<f64> = tree
        .nodes()
        .iter()
        .filter_map(|n| match n {
            Node::Leaf { weight, .. } => Some(*weight),
            Node::Split { .. } => None,
        })
        .collect();
    assert!(weights.iter().all(|&w| w >= 1.0));
    assert_eq!(weights.iter().sum::<f64>(), ROWS as f64);
    // better than the majority class on the training rows
    let predicted = tree.predict(data.features());
    let correct = predicted
        .iter()
        .zip(data.labels())
        .filter(|(p, y)| p == y)
        .count() as f64;
    let positives = data.labels().iter().filter(|&&y| y).count() as f64;
    let majority = positives.max(ROWS as f64 - positives);
    assert!(
        correct > majority + 0.1 * ROWS as f64,
        "{correct} vs {majority}"
    );
}
