//! The exact CART builder shared by the decision tree and the random forest: scikit-learn's
//! `DecisionTreeClassifier` with its best splitter and depth-first builder, on weighted rows.
//!
//! **Rows.** Only rows of positive weight take part (scikit-learn drops zero-weight rows the
//! same way); counts (`min_samples_split`, `min_samples_leaf`) count those rows, weights
//! (`min_weight_leaf`, impurities, leaf frequencies) sum their weights.
//!
//! **A node.** It is a leaf when it is at `max_depth`, has fewer than `min_samples_split` rows
//! or fewer than `2 · min_samples_leaf`, weighs less than `2 · min_weight_leaf`, or is pure
//! (impurity at most `f64::EPSILON`). Otherwise every candidate feature is scanned over the
//! node's own rows in increasing value; a candidate split lies between two consecutive
//! *distinct values present in the node*, leaves at least `min_samples_leaf` rows and
//! `min_weight_leaf` weight on each side, and is scored by scikit-learn's proxy
//! `−w_R · i(R) − w_L · i(L)` (Gini or entropy impurity `i` of the weighted class sums). The
//! best split is kept if its impurity decrease `(w/W) · (i − w_R/w · i(R) − w_L/w · i(L))` plus
//! `f64::EPSILON` reaches `min_impurity_decrease`; rows with `x ≤ (a + b)/2` go left, where
//! `a < b` are the values around the split (`a` itself when the midpoint rounds to `b`).
//!
//! **Ties.** Features are scanned in increasing index and values in increasing order, and a
//! candidate replaces the best only when its proxy is strictly larger: among equally good
//! splits the one of the lowest feature index wins, then the lowest threshold. (scikit-learn
//! scans the features in an order drawn from `random_state`, so on exact ties its choice
//! depends on the seed.) With `max_features` (the forest), `max_features` features are drawn
//! at random from the tree's generator, and more only while every feature drawn is constant in
//! the node, as scikit-learn's splitter draws them; the tie rule is the same among them.
//!
//! **How.** Each column's rows carry their rank among the column's distinct values
//! ([`Columns`]). A node finds a column's groups of equal values by counting ranks (few
//! distinct values), by reading a list of the rows sorted once by value and kept partitioned
//! like the nodes (many distinct values), or by sorting the node's ranks (few rows). Large
//! nodes scan their features in parallel; every result is combined in feature order, so the
//! tree is the same on any number of threads.

use fairkit_core::rng::{self, FairRng};
use rayon::prelude::*;

use super::columns::{Code, Column, Columns, with_codes};
use super::{Node, SplitQuality};

/// A node with at least this many rows scans its features (and partitions its sorted lists)
/// in parallel.
pub(crate) const PARALLEL_ROWS: usize = 8192;

/// Counting ranks into bins beats sorting the node's ranks while a column has at most this
/// many distinct values per row of the node.
const COUNT_PER_ROW: usize = 4;

/// What the builder needs to know about the tree to grow.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Config {
    pub criterion: SplitQuality,
    /// `usize::MAX` for no limit.
    pub max_depth: usize,
    /// Already at least `2 · min_samples_leaf` (as scikit-learn makes it).
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    /// Absolute weight.
    pub min_weight_leaf: f64,
    pub min_impurity_decrease: f64,
    /// Features scanned per node: all (`None`) or a random subset.
    pub max_features: Option<usize>,
}

/// Weighted class sums.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Totals {
    neg: f64,
    pos: f64,
}

impl Totals {
    fn weight(self) -> f64 {
        self.neg + self.pos
    }
}

/// The rows of one value in a node: its rank, how many rows, their class sums.
#[derive(Debug, Clone, Copy, Default)]
struct Group {
    code: u32,
    count: u32,
    neg: f64,
    pos: f64,
}

/// The best split of one feature in a node.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    feature: usize,
    /// Rank of the largest value going left and of the smallest going right.
    left_code: u32,
    right_code: u32,
    proxy: f64,
    left: Totals,
    n_left: usize,
}

/// What scanning one feature found.
struct Scan {
    /// Fewer than two distinct values in the node.
    constant: bool,
    best: Option<Candidate>,
}

impl SplitQuality {
    /// scikit-learn's node impurity of the class sums `t`: Gini `1 − Σ p²`, or entropy
    /// `−Σ p log₂ p` (log₂ as `ln x / ln 2`, as scikit-learn computes it).
    fn impurity(self, t: Totals) -> f64 {
        let w = t.weight();
        match self {
            SplitQuality::Gini => 1.0 - (t.neg * t.neg + t.pos * t.pos) / (w * w),
            SplitQuality::Entropy => [t.neg, t.pos]
                .into_iter()
                .filter(|&c| c > 0.0)
                .map(|c| {
                    let p = c / w;
                    -p * (p.ln() / std::f64::consts::LN_2)
                })
                .sum(),
        }
    }
}

/// Working buffers, reused from node to node.
#[derive(Debug, Default)]
struct Scratch {
    /// One bin per rank of a counted column, zero between uses.
    bins: Vec<Group>,
    groups: Vec<Group>,
    keys: Vec<u64>,
    right_rows: Vec<u32>,
    right_keys: Vec<u64>,
}

impl Scratch {
    fn new(n_bins: usize) -> Self {
        Self {
            bins: vec![Group::default(); n_bins],
            ..Self::default()
        }
    }
}

/// A node waiting to be grown.
struct Pending {
    start: usize,
    end: usize,
    depth: usize,
    /// Its parent and whether it is the left child.
    parent: Option<(usize, bool)>,
    impurity: Option<f64>,
}

/// The `[negative, positive]` weight of each row (one of them zero).
trait ClassWeight: Sync {
    fn get(&self, row: usize) -> [f64; 2];
}

/// Rows of weight one: their labels alone (a byte per row, not sixteen: less memory to read).
struct Labels(Vec<u8>);

impl ClassWeight for Labels {
    fn get(&self, row: usize) -> [f64; 2] {
        let p = f64::from(self.0[row]);
        [1.0 - p, p]
    }
}

/// Weighted rows.
struct Weighted(Vec<[f64; 2]>);

impl ClassWeight for Weighted {
    fn get(&self, row: usize) -> [f64; 2] {
        self.0[row]
    }
}

/// Grows one tree.
struct Grower<'a, W> {
    columns: &'a Columns,
    config: Config,
    class_weight: W,
    total_weight: f64,
    /// The rows of positive weight, increasing within each node; a node is a range of it.
    samples: Vec<u32>,
    /// Per column, `code << 32 | row` of the rows of positive weight in increasing order within
    /// each node's range (for columns with a presorted list), partitioned like `samples`.
    sorted: Vec<Option<Vec<u64>>>,
    goes_left: Vec<bool>,
    scratch: Scratch,
    rng: Option<FairRng>,
    /// The features, in the order the random draws leave them.
    feature_order: Vec<usize>,
}

/// Grows a tree on the rows of positive `weights` (one per row of `columns`) with labels `y`.
/// `rng` draws the features of each node when `config.max_features` is set.
///
/// The nodes are in pre-order, the root first; a split sends rows with `x < threshold` left.
pub(crate) fn grow(
    columns: &Columns,
    config: Config,
    y: &[bool],
    weights: &[f64],
    rng: Option<FairRng>,
) -> Vec<Node> {
    let samples: Vec<u32> = (0..columns.n_rows as u32)
        .filter(|&r| weights[r as usize] > 0.0)
        .collect();
    let all = samples.len() == columns.n_rows;
    let sorted = columns
        .columns
        .iter()
        .map(|c| {
            c.sorted.as_ref().map(|keys| {
                if all {
                    keys.clone()
                } else {
                    keys.iter()
                        .copied()
                        .filter(|&k| weights[(k & 0xffff_ffff) as usize] > 0.0)
                        .collect()
                }
            })
        })
        .collect();
    let n_bins = columns
        .columns
        .iter()
        .filter(|c| c.sorted.is_none())
        .map(Column::n_distinct)
        .max()
        .unwrap_or(0);
    let total_weight = samples.iter().map(|&r| weights[r as usize]).sum::<f64>();
    let grower = Grower {
        columns,
        config,
        total_weight,
        class_weight: (),
        samples,
        sorted,
        goes_left: vec![false; columns.n_rows],
        scratch: Scratch::new(n_bins),
        rng,
        feature_order: (0..columns.n_features()).collect(),
    };
    if weights.iter().all(|&w| w == 0.0 || w == 1.0) {
        let labels = y.iter().map(|&label| u8::from(label)).collect();
        grower.with(Labels(labels)).run()
    } else {
        let class_weight = y
            .iter()
            .zip(weights)
            .map(|(&label, &w)| if label { [0.0, w] } else { [w, 0.0] })
            .collect();
        grower.with(Weighted(class_weight)).run()
    }
}

impl<'a> Grower<'a, ()> {
    /// The grower with its rows' class weights.
    fn with<W: ClassWeight>(self, class_weight: W) -> Grower<'a, W> {
        Grower {
            columns: self.columns,
            config: self.config,
            class_weight,
            total_weight: self.total_weight,
            samples: self.samples,
            sorted: self.sorted,
            goes_left: self.goes_left,
            scratch: self.scratch,
            rng: self.rng,
            feature_order: self.feature_order,
        }
    }
}

impl<W: ClassWeight> Grower<'_, W> {
    fn run(&mut self) -> Vec<Node> {
        let mut nodes = Vec::new();
        let mut stack = vec![Pending {
            start: 0,
            end: self.samples.len(),
            depth: 0,
            parent: None,
            impurity: None,
        }];
        while let Some(p) = stack.pop() {
            let index = nodes.len();
            if let Some((parent, is_left)) = p.parent
                && let Node::Split { left, right, .. } = &mut nodes[parent]
            {
                *(if is_left { left } else { right }) = index;
            }
            let totals = self.totals(p.start, p.end);
            let impurity = p
                .impurity
                .unwrap_or_else(|| self.config.criterion.impurity(totals));
            let split = self.split(&p, totals, impurity);
            match split {
                Some((candidate, impurities)) => {
                    let column = &self.columns.columns[candidate.feature];
                    nodes.push(Node::Split {
                        feature: candidate.feature,
                        threshold: threshold(column, candidate.left_code, candidate.right_code),
                        left: 0,
                        right: 0,
                    });
                    let mid = p.start + candidate.n_left;
                    self.partition(p.start, p.end, &candidate);
                    stack.push(Pending {
                        start: mid,
                        end: p.end,
                        depth: p.depth + 1,
                        parent: Some((index, false)),
                        impurity: Some(impurities[1]),
                    });
                    stack.push(Pending {
                        start: p.start,
                        end: mid,
                        depth: p.depth + 1,
                        parent: Some((index, true)),
                        impurity: Some(impurities[0]),
                    });
                }
                None => {
                    let w = totals.weight();
                    nodes.push(Node::Leaf {
                        prediction: totals.pos > totals.neg,
                        positive_rate: totals.pos / w,
                        weight: w,
                    });
                }
            }
        }
        nodes
    }

    /// The class sums of a node's rows, in row order.
    fn totals(&self, start: usize, end: usize) -> Totals {
        let mut t = Totals::default();
        for &r in &self.samples[start..end] {
            let [neg, pos] = self.class_weight.get(r as usize);
            t.neg += neg;
            t.pos += pos;
        }
        t
    }

    /// The split of a node and its children's impurities, or `None` for a leaf.
    fn split(
        &mut self,
        p: &Pending,
        totals: Totals,
        impurity: f64,
    ) -> Option<(Candidate, [f64; 2])> {
        let c = self.config;
        let n = p.end - p.start;
        let w = totals.weight();
        if p.depth >= c.max_depth
            || n < c.min_samples_split
            || n < 2 * c.min_samples_leaf
            || w < 2.0 * c.min_weight_leaf
            || impurity <= f64::EPSILON
        {
            return None;
        }
        let best = match c.max_features {
            Some(k) if k < self.columns.n_features() => self.best_of_random(p, totals, k),
            _ => self.best_of_all(p, totals),
        }?;
        let right = Totals {
            neg: totals.neg - best.left.neg,
            pos: totals.pos - best.left.pos,
        };
        let (wl, wr) = (best.left.weight(), w - best.left.weight());
        let (il, ir) = (c.criterion.impurity(best.left), c.criterion.impurity(right));
        let improvement = (w / self.total_weight) * (impurity - wr / w * ir - wl / w * il);
        (improvement + f64::EPSILON >= c.min_impurity_decrease).then_some((best, [il, ir]))
    }

    /// The best split over every feature (in parallel for large nodes).
    fn best_of_all(&mut self, p: &Pending, totals: Totals) -> Option<Candidate> {
        let n_features = self.columns.n_features();
        let scans: Vec<Option<Candidate>> = if p.end - p.start >= PARALLEL_ROWS && n_features > 1 {
            let n_bins = self.scratch.bins.len();
            let this = &*self;
            (0..n_features)
                .into_par_iter()
                .map_init(
                    || Scratch::new(n_bins),
                    |scratch, j| this.scan(j, p.start, p.end, totals, scratch).best,
                )
                .collect()
        } else {
            let mut scratch = std::mem::take(&mut self.scratch);
            let scans = (0..n_features)
                .map(|j| self.scan(j, p.start, p.end, totals, &mut scratch).best)
                .collect();
            self.scratch = scratch;
            scans
        };
        better_of(scans)
    }

    /// The best split over `k` features drawn at random (more when all of those are constant
    /// in the node: then until one is not), as scikit-learn's best splitter draws them.
    fn best_of_random(&mut self, p: &Pending, totals: Totals, k: usize) -> Option<Candidate> {
        let n_features = self.columns.n_features();
        let mut scratch = std::mem::take(&mut self.scratch);
        let mut rng = self.rng.take();
        let mut scans = Vec::with_capacity(k);
        for i in 0..n_features {
            if i >= k && !scans.is_empty() {
                break;
            }
            if let Some(r) = rng.as_mut() {
                let j = i + rng::index(r, n_features - i);
                self.feature_order.swap(i, j);
            }
            let scan = self.scan(self.feature_order[i], p.start, p.end, totals, &mut scratch);
            if !scan.constant {
                scans.push(scan.best);
            }
        }
        self.scratch = scratch;
        self.rng = rng;
        better_of(scans)
    }

    /// The best split of feature `j` in the node `start..end`.
    fn scan(
        &self,
        j: usize,
        start: usize,
        end: usize,
        totals: Totals,
        scratch: &mut Scratch,
    ) -> Scan {
        self.groups(j, start, end, scratch);
        let groups = &scratch.groups;
        if groups.len() < 2 {
            return Scan {
                constant: true,
                best: None,
            };
        }
        let c = &self.config;
        let n = end - start;
        let w = totals.weight();
        let mut best: Option<Candidate> = None;
        let mut left = Totals::default();
        let mut n_left = 0;
        for pair in groups.windows(2) {
            let (g, next) = (pair[0], pair[1]);
            left.neg += g.neg;
            left.pos += g.pos;
            n_left += g.count as usize;
            if n_left < c.min_samples_leaf {
                continue;
            }
            if n - n_left < c.min_samples_leaf {
                break;
            }
            let wl = left.weight();
            let wr = w - wl;
            if wl < c.min_weight_leaf || wr < c.min_weight_leaf {
                continue;
            }
            let right = Totals {
                neg: totals.neg - left.neg,
                pos: totals.pos - left.pos,
            };
            let proxy = -wr * c.criterion.impurity(right) - wl * c.criterion.impurity(left);
            if best.is_none_or(|b| proxy > b.proxy) {
                best = Some(Candidate {
                    feature: j,
                    left_code: g.code,
                    right_code: next.code,
                    proxy,
                    left,
                    n_left,
                });
            }
        }
        Scan {
            constant: false,
            best,
        }
    }

    /// Fills `scratch.groups` with the groups of equal values of feature `j` in the node, in
    /// increasing value, each group's rows summed in increasing row order.
    fn groups(&self, j: usize, start: usize, end: usize, scratch: &mut Scratch) {
        let column = &self.columns.columns[j];
        scratch.groups.clear();
        if let Some(sorted) = &self.sorted[j] {
            self.groups_of_keys(&sorted[start..end], &mut scratch.groups);
        } else if column.n_distinct() <= COUNT_PER_ROW * (end - start) {
            let rows = &self.samples[start..end];
            let cw = &self.class_weight;
            let groups = &mut scratch.groups;
            let bins = &mut scratch.bins[..column.n_distinct()];
            with_codes!(&column.codes, codes => match column.n_distinct() {
                2 => count_few::<_, 2>(codes, rows, cw, groups),
                3 | 4 => count_few::<_, 4>(codes, rows, cw, groups),
                _ => count_bins(codes, rows, cw, bins, groups),
            });
        } else {
            scratch.keys.clear();
            let rows = &self.samples[start..end];
            with_codes!(&column.codes, codes => scratch.keys.extend(
                rows.iter()
                    .map(|&r| u64::from(codes[r as usize].get()) << 32 | u64::from(r)),
            ));
            scratch.keys.sort_unstable();
            self.groups_of_keys(&scratch.keys, &mut scratch.groups);
        }
    }

    /// The groups of increasing `code << 32 | row` keys.
    fn groups_of_keys(&self, keys: &[u64], groups: &mut Vec<Group>) {
        let mut current: Option<Group> = None;
        for &key in keys {
            let code = (key >> 32) as u32;
            let [neg, pos] = self.class_weight.get((key & 0xffff_ffff) as usize);
            match &mut current {
                Some(g) if g.code == code => {
                    g.count += 1;
                    g.neg += neg;
                    g.pos += pos;
                }
                _ => {
                    groups.extend(current);
                    current = Some(Group {
                        code,
                        count: 1,
                        neg,
                        pos,
                    });
                }
            }
        }
        groups.extend(current);
    }

    /// Splits the node's rows (and its part of every sorted list) into the left rows, then the
    /// right rows, each in their previous order.
    fn partition(&mut self, start: usize, end: usize, split: &Candidate) {
        let goes_left = &mut self.goes_left;
        let segment = &mut self.samples[start..end];
        with_codes!(&self.columns.columns[split.feature].codes, codes => {
            for &r in segment.iter() {
                goes_left[r as usize] = codes[r as usize].get() <= split.left_code;
            }
        });
        let goes_left = &self.goes_left;
        stable_partition(segment, &mut self.scratch.right_rows, |&r| {
            goes_left[r as usize]
        });
        let in_parallel = end - start >= PARALLEL_ROWS;
        let lists = self.sorted.iter_mut().flatten();
        let part = |keys: &mut [u64], right: &mut Vec<u64>| {
            stable_partition(keys, right, |&k| goes_left[(k & 0xffff_ffff) as usize]);
        };
        if in_parallel {
            lists
                .par_bridge()
                .for_each(|keys| part(&mut keys[start..end], &mut Vec::new()));
        } else {
            for keys in lists {
                part(&mut keys[start..end], &mut self.scratch.right_keys);
            }
        }
    }
}

/// Rows counted together by [`count_few`], each into its own sums.
const LANES: usize = 2;

/// The groups of a column of at most `K` distinct values over `rows`, counted in registers:
/// [`LANES`] interleaved sums per value (rows `i`, `i + LANES`, ... in order), added at the
/// end, which breaks the chain of additions into one sum that bounds counting one value at a
/// time.
fn count_few<T: Code, const K: usize>(
    codes: &[T],
    rows: &[u32],
    class_weight: &impl ClassWeight,
    groups: &mut Vec<Group>,
) {
    let mut neg = [[0.0; K]; LANES];
    let mut pos = [[0.0; K]; LANES];
    let mut count = [0_u32; K];
    let mut chunks = rows.chunks_exact(LANES);
    for chunk in &mut chunks {
        for lane in 0..LANES {
            let r = chunk[lane] as usize;
            let code = codes[r].get();
            let [n, p] = class_weight.get(r);
            for k in 0..K {
                let hit = code == k as u32;
                let m = f64::from(u8::from(hit));
                neg[lane][k] += m * n;
                pos[lane][k] += m * p;
                count[k] += u32::from(hit);
            }
        }
    }
    for (lane, &r) in chunks.remainder().iter().enumerate() {
        let r = r as usize;
        let code = codes[r].get() as usize;
        let [n, p] = class_weight.get(r);
        neg[lane][code] += n;
        pos[lane][code] += p;
        count[code] += 1;
    }
    for k in 0..K {
        if count[k] > 0 {
            groups.push(Group {
                code: k as u32,
                count: count[k],
                neg: neg[0][k] + neg[1][k],
                pos: pos[0][k] + pos[1][k],
            });
        }
    }
}

/// The groups of a column over `rows`, counted into `bins` (one per distinct value, zero before
/// and after).
fn count_bins<T: Code>(
    codes: &[T],
    rows: &[u32],
    class_weight: &impl ClassWeight,
    bins: &mut [Group],
    groups: &mut Vec<Group>,
) {
    for &r in rows {
        let [neg, pos] = class_weight.get(r as usize);
        let bin = &mut bins[codes[r as usize].get() as usize];
        bin.count += 1;
        bin.neg += neg;
        bin.pos += pos;
    }
    for (code, bin) in bins.iter_mut().enumerate() {
        if bin.count > 0 {
            groups.push(Group {
                code: code as u32,
                ..*bin
            });
            *bin = Group::default();
        }
    }
}

/// Moves the items of `items` for which `left` holds to the front, the others after them, both
/// in their previous order; `right` is a buffer.
fn stable_partition<T: Copy>(items: &mut [T], right: &mut Vec<T>, left: impl Fn(&T) -> bool) {
    right.clear();
    let mut write = 0;
    for read in 0..items.len() {
        let item = items[read];
        if left(&item) {
            items[write] = item;
            write += 1;
        } else {
            right.push(item);
        }
    }
    items[write..].copy_from_slice(right);
}

/// The best of per-feature results: the largest proxy, then the lowest feature index.
fn better_of(scans: impl IntoIterator<Item = Option<Candidate>>) -> Option<Candidate> {
    scans
        .into_iter()
        .flatten()
        .fold(None, |best, c| match best {
            Some(b) if c.proxy < b.proxy || (c.proxy == b.proxy && c.feature > b.feature) => {
                Some(b)
            }
            _ => Some(c),
        })
}

/// The stored threshold of a split between ranks `left` and `right` of `column`: rows with
/// `x <= t` go left, where `t` is scikit-learn's threshold (the midpoint of the two values, or
/// the lower value when the midpoint rounds to the upper one); stored as the smallest f64 above
/// `t`, so that the tree's rule `x < threshold` is exactly `x <= t`.
fn threshold(column: &Column, left: u32, right: u32) -> f64 {
    let (a, b) = (column.value(left), column.value(right));
    let mid = a / 2.0 + b / 2.0;
    let t = if mid == b || !mid.is_finite() { a } else { mid };
    t.next_up()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::TreeValidParams;
    use ndarray::{ArrayView1, ArrayView2};

    /// A direct transcription of the rules in this module's documentation, one node at a time
    /// (sorting each feature's values in the node), for comparison with the builder.
    pub(crate) fn naive_tree(
        params: &TreeValidParams,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        w: ArrayView1<'_, f64>,
    ) -> Vec<Node> {
        let rows: Vec<usize> = (0..x.nrows()).filter(|&i| w[i] > 0.0).collect();
        let total: f64 = rows.iter().map(|&i| w[i]).sum();
        let config = params.config(total, None);
        let mut nodes = Vec::new();
        grow_naive(&config, total, x, y, w, rows, 0, &mut nodes);
        nodes
    }

    #[allow(clippy::too_many_arguments)]
    fn grow_naive(
        c: &Config,
        total: f64,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        w: ArrayView1<'_, f64>,
        rows: Vec<usize>,
        depth: usize,
        nodes: &mut Vec<Node>,
    ) -> usize {
        let sums = |rows: &[usize]| {
            let mut t = Totals::default();
            for &i in rows {
                if y[i] {
                    t.pos += w[i];
                } else {
                    t.neg += w[i];
                }
            }
            t
        };
        let t = sums(&rows);
        let n = rows.len();
        let impurity = c.criterion.impurity(t);
        let index = nodes.len();
        let leaf = Node::Leaf {
            prediction: t.pos > t.neg,
            positive_rate: t.pos / t.weight(),
            weight: t.weight(),
        };
        nodes.push(leaf.clone());
        if depth >= c.max_depth
            || n < c.min_samples_split
            || n < 2 * c.min_samples_leaf
            || t.weight() < 2.0 * c.min_weight_leaf
            || impurity <= f64::EPSILON
        {
            return index;
        }
        // (proxy, feature, lower value, upper value)
        let mut best: Option<(f64, usize, f64, f64)> = None;
        for j in 0..x.ncols() {
            let mut values: Vec<f64> = rows.iter().map(|&i| x[[i, j]]).collect();
            values.sort_by(f64::total_cmp);
            values.dedup();
            for pair in values.windows(2) {
                let left: Vec<usize> = rows
                    .iter()
                    .copied()
                    .filter(|&i| x[[i, j]] <= pair[0])
                    .collect();
                let right: Vec<usize> = rows
                    .iter()
                    .copied()
                    .filter(|&i| x[[i, j]] > pair[0])
                    .collect();
                if left.len() < c.min_samples_leaf || right.len() < c.min_samples_leaf {
                    continue;
                }
                let (l, r) = (sums(&left), sums(&right));
                if l.weight() < c.min_weight_leaf || r.weight() < c.min_weight_leaf {
                    continue;
                }
                let proxy =
                    -r.weight() * c.criterion.impurity(r) - l.weight() * c.criterion.impurity(l);
                if best.is_none_or(|b| proxy > b.0) {
                    best = Some((proxy, j, pair[0], pair[1]));
                }
            }
        }
        let Some((_, j, a, b)) = best else {
            return index;
        };
        let (left, right): (Vec<usize>, Vec<usize>) = rows.iter().partition(|&&i| x[[i, j]] <= a);
        let (l, r) = (sums(&left), sums(&right));
        let wt = t.weight();
        let decrease = wt / total
            * (impurity
                - r.weight() / wt * c.criterion.impurity(r)
                - l.weight() / wt * c.criterion.impurity(l));
        if decrease + f64::EPSILON < c.min_impurity_decrease {
            return index;
        }
        let mid = a / 2.0 + b / 2.0;
        let threshold = if mid == b { a } else { mid }.next_up();
        let left = grow_naive(c, total, x, y, w, left, depth + 1, nodes);
        let right = grow_naive(c, total, x, y, w, right, depth + 1, nodes);
        nodes[index] = Node::Split {
            feature: j,
            threshold,
            left,
            right,
        };
        index
    }

    #[test]
    fn stable_partition_keeps_order() {
        let mut items = [5, 2, 8, 1, 9, 4];
        let mut buffer = Vec::new();
        stable_partition(&mut items, &mut buffer, |&v| v % 2 == 0);
        assert_eq!(items, [2, 8, 4, 5, 1, 9]);
    }

    #[test]
    fn impurities_are_scikit_learns() {
        let t = Totals { neg: 6.0, pos: 2.0 };
        assert_eq!(SplitQuality::Gini.impurity(t), 0.375);
        let e = SplitQuality::Entropy.impurity(t);
        assert!((e - 0.811_278_124_459_132_9).abs() < 1e-15, "{e}");
        assert_eq!(
            SplitQuality::Entropy.impurity(Totals { neg: 3.0, pos: 0.0 }),
            0.0
        );
    }
}
