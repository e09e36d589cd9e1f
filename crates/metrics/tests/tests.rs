//! Integration tests of fairkit-metrics: the oracles (docs/test-oracles.md), the stable JSON
//! shape, invariants (proptest) and the cross-check against Fairlearn's recorded results.

mod counts;
mod json;
mod oracles;
mod properties;
mod reference;
mod score_metrics;
mod score_properties;
