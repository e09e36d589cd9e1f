//! The incremental window against a brute-force recomputation over random event streams:
//! delayed, missing, duplicate and unknown labels, repeated ids, out-of-order timestamps,
//! count and time windows, label timeouts.

use std::collections::BTreeMap;

use fairkit_metrics::{ConfusionTable, Metric};
use fairkit_monitor::{
    EventId, FairnessMonitor, Label, MonitorConfig, MonitoredMetric as M, Prediction, Snapshot,
    Window,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Predict { id: u8, dt: i8, group: u8, p: bool },
    Label { id: u8, y: bool },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u8..24, -1i8..4, 0u8..3, any::<bool>())
            .prop_map(|(id, dt, group, p)| Op::Predict { id, dt, group, p }),
        2 => (0u8..28, any::<bool>()).prop_map(|(id, y)| Op::Label { id, y }),
    ]
}

fn config() -> impl Strategy<Value = MonitorConfig> {
    let window = prop_oneof![
        (1usize..30).prop_map(Window::Count),
        (1u8..20).prop_map(|s| Window::Span(f64::from(s))),
    ];
    (window, proptest::option::of(1u8..12), 1u64..5).prop_map(|(window, timeout, min)| {
        MonitorConfig {
            window,
            label_timeout: timeout.map(f64::from),
            min_samples: min,
            four_fifths: Some(0.8),
            accuracy_min: Some(0.5),
            evaluate_every: 7,
            ..Default::default()
        }
    })
}

/// Ids below 12 are numbers, the others strings: both kinds of key.
fn id_of(id: u8) -> EventId<'static> {
    if id < 12 {
        EventId::Int(i64::from(id))
    } else {
        EventId::from(format!("id-{id}"))
    }
}

#[derive(Debug, Clone)]
struct Rec {
    id: EventId<'static>,
    ts: f64,
    group: String,
    p: bool,
    label: Option<bool>,
    expired: bool,
}

/// Keeps every prediction ever made and recomputes everything from scratch.
#[derive(Default)]
struct Naive {
    all: Vec<Rec>,
    now: f64,
    predictions: u64,
    labels: u64,
    joined: u64,
    unknown: u64,
    late: u64,
    duplicate_labels: u64,
    duplicate_ids: u64,
    out_of_order: u64,
    expired: u64,
}

impl Naive {
    fn window_start(&self, cfg: &MonitorConfig) -> usize {
        match cfg.window {
            Window::Count(n) => self.all.len().saturating_sub(n),
            Window::Span(s) => self
                .all
                .iter()
                .position(|r| self.now - r.ts < s)
                .unwrap_or(self.all.len()),
        }
    }

    fn newest_in_window(&self, cfg: &MonitorConfig, id: &EventId<'_>) -> Option<usize> {
        let start = self.window_start(cfg);
        (start..self.all.len())
            .rev()
            .find(|&i| &self.all[i].id == id)
    }

    fn predict(&mut self, cfg: &MonitorConfig, id: EventId<'static>, ts: f64, g: &str, p: bool) {
        self.predictions += 1;
        if self.predictions == 1 {
            self.now = ts;
        }
        if ts < self.now {
            self.out_of_order += 1;
        }
        self.now = self.now.max(ts);
        if self.newest_in_window(cfg, &id).is_some() {
            self.duplicate_ids += 1;
        }
        let ts = self.now;
        self.all.push(Rec {
            id,
            ts,
            group: g.to_string(),
            p,
            label: None,
            expired: false,
        });
        let start = self.window_start(cfg);
        if let Some(t) = cfg.label_timeout {
            for r in &mut self.all[start..] {
                if r.label.is_none() && !r.expired && self.now - r.ts > t {
                    r.expired = true;
                    self.expired += 1;
                }
            }
        }
    }

    fn label(&mut self, cfg: &MonitorConfig, id: &EventId<'_>, y: bool) {
        self.labels += 1;
        match self.newest_in_window(cfg, id) {
            None => self.unknown += 1,
            Some(i) if self.all[i].expired => self.late += 1,
            Some(i) if self.all[i].label.is_some() => self.duplicate_labels += 1,
            Some(i) => {
                self.all[i].label = Some(y);
                self.joined += 1;
            }
        }
    }

    fn check(&self, cfg: &MonitorConfig, s: &Snapshot) {
        let window = &self.all[self.window_start(cfg)..];
        assert_eq!(s.window.size, window.len() as u64);
        assert_eq!(s.window.first_ts, window.first().map(|r| r.ts));
        assert_eq!(s.window.last_ts, window.last().map(|r| r.ts));
        assert_eq!(
            s.window.last_seq,
            self.predictions
                .checked_sub(1)
                .filter(|_| !window.is_empty())
        );
        let c = &s.counters;
        assert_eq!(
            (
                c.predictions,
                c.labels,
                c.labels_joined,
                c.labels_unknown,
                c.labels_late
            ),
            (
                self.predictions,
                self.labels,
                self.joined,
                self.unknown,
                self.late
            )
        );
        assert_eq!(
            (
                c.labels_duplicate,
                c.duplicate_ids,
                c.out_of_order,
                c.expired
            ),
            (
                self.duplicate_labels,
                self.duplicate_ids,
                self.out_of_order,
                self.expired
            )
        );
        assert_eq!(c.evicted, self.predictions - window.len() as u64);

        let mut by_group: BTreeMap<&str, Vec<&Rec>> = BTreeMap::new();
        for r in window {
            by_group.entry(&r.group).or_default().push(r);
        }
        assert_eq!(s.groups.len(), by_group.len());
        let (mut sr, mut tpr, mut fpr) = (vec![], vec![], vec![]);
        let (mut all_y, mut all_p) = (vec![], vec![]);
        for (gs, (name, recs)) in s.groups.iter().zip(&by_group) {
            assert_eq!(gs.group, *name);
            let p: Vec<bool> = recs.iter().map(|r| r.p).collect();
            let t =
                ConfusionTable::accumulate(&vec![false; p.len()], &p, &vec![0; p.len()], 1, None)
                    .unwrap();
            let selected = p.iter().filter(|&&x| x).count() as u64;
            assert_eq!((gs.predictions, gs.selected), (p.len() as u64, selected));
            let labelled: Vec<&&Rec> = recs.iter().filter(|r| r.label.is_some()).collect();
            let y: Vec<bool> = labelled.iter().map(|r| r.label.unwrap()).collect();
            let lp: Vec<bool> = labelled.iter().map(|r| r.p).collect();
            let lt = ConfusionTable::accumulate(&y, &lp, &vec![0; y.len()], 1, None).unwrap();
            let l = lt.group(0);
            assert_eq!(gs.labelled, y.len() as u64);
            assert_eq!(
                (gs.tp, gs.fp, gs.tn, gs.fn_),
                (l.tp as u64, l.fp as u64, l.tn as u64, l.fn_ as u64)
            );
            let expired = recs.iter().filter(|r| r.expired).count() as u64;
            assert_eq!(
                (gs.expired, gs.pending),
                (expired, recs.len() as u64 - expired - gs.labelled)
            );
            if recs.len() as u64 >= cfg.min_samples {
                sr.push(t.group(0).rate(Metric::SelectionRate));
            }
            if y.len() as u64 >= cfg.min_samples {
                tpr.push(l.rate(Metric::TruePositiveRate));
                fpr.push(l.rate(Metric::FalsePositiveRate));
            }
            all_y.extend(y);
            all_p.extend(lp);
        }
        let diff = |v: &[f64]| {
            (v.len() >= 2).then(|| {
                v.iter().cloned().fold(f64::MIN, f64::max)
                    - v.iter().cloned().fold(f64::MAX, f64::min)
            })
        };
        let ratio = |v: &[f64]| {
            let hi = v.iter().cloned().fold(f64::MIN, f64::max);
            let lo = v.iter().cloned().fold(f64::MAX, f64::min);
            (v.len() >= 2 && hi > 0.0).then(|| lo / hi)
        };
        assert_eq!(s.metric(M::DemographicParityDifference).value, diff(&sr));
        assert_eq!(s.metric(M::DemographicParityRatio).value, ratio(&sr));
        let eo = diff(&tpr).zip(diff(&fpr)).map(|(a, b)| a.max(b));
        assert_eq!(s.metric(M::EqualizedOddsDifference).value, eo);
        let acc = ConfusionTable::accumulate(&all_y, &all_p, &vec![0; all_y.len()], 1, None)
            .unwrap()
            .group(0);
        let acc = (all_y.len() as u64 >= cfg.min_samples).then(|| acc.rate(Metric::Accuracy));
        assert_eq!(s.metric(M::Accuracy).value, acc);
    }
}

/// Feeds `ops` to a monitor and to [`Naive`], comparing every snapshot.
fn matches_brute_force(cfg: &MonitorConfig, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut monitor = FairnessMonitor::new(cfg.clone()).unwrap();
    let mut naive = Naive::default();
    let mut clock = 0.0;
    let mut evaluations = 0;
    for op in ops {
        let evaluation = match *op {
            Op::Predict { id, dt, group, p } => {
                clock += f64::from(dt);
                let g = ["a", "b", "c"][group as usize];
                naive.predict(cfg, id_of(id), clock, g, p);
                let pred = Prediction {
                    id: id_of(id),
                    ts: clock,
                    group: g.into(),
                    prediction: p,
                    score: None,
                };
                monitor.record_prediction(&pred).unwrap()
            }
            Op::Label { id, y } => {
                naive.label(cfg, &id_of(id), y);
                monitor.record_label(&Label::new(id_of(id), y))
            }
        };
        if let Some(e) = evaluation {
            evaluations += 1;
            naive.check(cfg, &e.snapshot);
        }
        naive.check(cfg, &monitor.snapshot());
    }
    prop_assert_eq!(evaluations, ops.len() / 7);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn window_matches_brute_force(cfg in config(), ops in proptest::collection::vec(op(), 0..160)) {
        matches_brute_force(&cfg, &ops)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Streams long enough for the window's housekeeping to run several times: the id index
    /// drops its stale entries (more than 1,024 beyond a quarter of the window) and the string ids'
    /// buffer its evicted front (4 KiB and more).
    #[test]
    fn long_streams_match_brute_force(
        cfg in config(),
        ops in proptest::collection::vec(op(), 8000..9000),
    ) {
        matches_brute_force(&cfg, &ops)?;
    }
}
