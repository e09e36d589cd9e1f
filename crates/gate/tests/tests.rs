//! Integration tests of the gate: O14 (docs/test-oracles.md#o14), crafted pass / fail /
//! inconclusive sets, the interval-aware decision, configuration.

mod config;
mod crafted;
mod o14;
mod sampling;
mod simulation;

use fairkit_core::Groups;

/// Rows of one group: `n` rows, of which `pos` have label 1; predicted positive: `tp` of the
/// positives and `fp` of the negatives.
pub struct Block {
    pub group: &'static str,
    pub n: usize,
    pub pos: usize,
    pub tp: usize,
    pub fp: usize,
}

/// Shorthand for a [`Block`].
pub fn block(group: &'static str, n: usize, pos: usize, tp: usize, fp: usize) -> Block {
    Block {
        group,
        n,
        pos,
        tp,
        fp,
    }
}

/// Labels, predictions and groups of the blocks, in order.
pub fn rows(blocks: &[Block]) -> (Vec<bool>, Vec<bool>, Groups) {
    let (mut y, mut p, mut g) = (vec![], vec![], vec![]);
    for b in blocks {
        for i in 0..b.n {
            let positive = i < b.pos;
            y.push(positive);
            p.push(if positive { i < b.tp } else { i - b.pos < b.fp });
            g.push(b.group);
        }
    }
    (y, p, Groups::from_labels("group", &g).unwrap())
}
