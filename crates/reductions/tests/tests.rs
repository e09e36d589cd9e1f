//! Integration tests of fairkit-reductions: the end-to-end oracles with a deterministic
//! learner, invariants, and the comparison with Fairlearn's reference runs.

mod common;
mod invariants;
mod o9;
mod reference;
