//! Seeded random generators: the only way fairkit draws random numbers.
//!
//! Every generator is a ChaCha8 stream made from an explicit `u64` seed, whose output is the
//! same on every platform and rand release of the 0.8 line. Parallel work gives each task its
//! own stream ([`stream`]) so that results do not depend on the thread count. Indices are drawn
//! from `u64` ranges (rand's `usize` ranges differ between 32- and 64-bit targets) and shuffles
//! use our own Fisher-Yates ([`permutation`]) because rand's shuffle changed between releases.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The generator type used throughout fairkit.
pub type FairRng = ChaCha8Rng;

/// A generator from a seed.
pub fn seeded(seed: u64) -> FairRng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Stream `index` of the generator of `seed`: independent of the other streams, for task
/// `index` of a parallel loop.
pub fn stream(seed: u64, index: u64) -> FairRng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

/// A uniform draw in `[0, 1)`.
pub fn uniform(rng: &mut FairRng) -> f64 {
    rng.r#gen::<f64>()
}

/// A uniform index in `0..n` (`n > 0`), drawn as a `u64` so that it is portable.
pub fn index(rng: &mut FairRng, n: usize) -> usize {
    debug_assert!(n > 0);
    rng.gen_range(0..n as u64) as usize
}

/// A uniformly random permutation of `0..n` (Fisher-Yates).
pub fn permutation(rng: &mut FairRng, n: usize) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = index(rng, i + 1);
        p.swap(i, j);
    }
    p
}

/// `n` row indices drawn with replacement (a bootstrap resample).
pub fn resample(rng: &mut FairRng, n: usize) -> Vec<usize> {
    (0..n).map(|_| index(rng, n)).collect()
}

/// Samples hard labels from positive-class probabilities: `ŷ_i = 1[p_i ≥ u_i]` with
/// `u_i ~ U[0, 1)` drawn in row order from the generator of `seed`. The same seed gives the same
/// labels.
pub fn sample_labels(probabilities: &[f64], seed: u64) -> Vec<bool> {
    let mut rng = seeded(seed);
    probabilities
        .iter()
        .map(|&p| p >= uniform(&mut rng))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chacha8_matches_the_published_first_output() {
        // DEPENDENCIES.md: ChaCha8 seed 42 gives 12578764544318200737 on every rand version.
        use rand::RngCore;
        assert_eq!(seeded(42).next_u64(), 12578764544318200737);
    }

    #[test]
    fn permutation_is_a_permutation_and_repeats_with_the_seed() {
        let a = permutation(&mut seeded(7), 100);
        let b = permutation(&mut seeded(7), 100);
        assert_eq!(a, b);
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..100).collect::<Vec<_>>());
        assert_ne!(a, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn streams_differ() {
        let a: Vec<usize> = resample(&mut stream(1, 0), 10);
        let b: Vec<usize> = resample(&mut stream(1, 1), 10);
        assert_ne!(a, b);
    }

    #[test]
    fn sampled_labels_follow_extreme_probabilities() {
        let labels = sample_labels(&[1.0, 0.0, 1.0, 0.0], 3);
        assert_eq!(labels, vec![true, false, true, false]);
    }
}
