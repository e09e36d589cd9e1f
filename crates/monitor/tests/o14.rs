//! Oracle O14 (docs/test-oracles.md#o14), monitor part: 150 predictions per group without labels
//! evaluate the DP metrics and leave EO at InsufficientData; 100 labels per group make EO
//! evaluated; an OK → ALERT transition calls each callback exactly once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fairkit_monitor::{
    FairnessMonitor, Label, MonitorConfig, MonitoredMetric as M, Prediction, Status,
};

#[test]
fn o14_monitor() {
    let config = MonitorConfig {
        evaluate_every: u64::MAX,
        ..Default::default()
    };
    assert_eq!(config.min_samples, 100);
    let mut monitor = FairnessMonitor::new(config).unwrap();
    let calls = [Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0))];
    for c in &calls {
        let c = Arc::clone(c);
        monitor.on_alert(move |_| {
            c.fetch_add(1, Ordering::SeqCst);
        });
    }
    // Group a: 75 of 150 predicted positive (SR 1/2); group b: 72 of 150 (SR 0.48).
    let mut ts = 0.0;
    for i in 0..150i64 {
        for (g, positives, offset) in [("a", 75, 0), ("b", 72, 1000)] {
            ts += 1.0;
            let p = Prediction::new(offset + i, ts, g, i < positives);
            assert!(monitor.record_prediction(&p).unwrap().is_none());
        }
    }
    let e = monitor.evaluate();
    let dp = e.snapshot.metric(M::DemographicParityDifference);
    assert_eq!(dp.status, Status::Ok);
    assert!((dp.value.unwrap() - 0.02).abs() < 1e-15);
    assert_eq!(dp.groups_compared, 2);
    let ratio = e.snapshot.metric(M::DemographicParityRatio);
    assert!((ratio.value.unwrap() - 0.96).abs() < 1e-15);
    let eo = e.snapshot.metric(M::EqualizedOddsDifference);
    assert_eq!((eo.status, eo.value), (Status::InsufficientData, None));
    assert!(e.alerts.is_empty());

    // Labels: a is predicted perfectly (TPR 1, FPR 0). In b's first 100 records, half of the
    // 72 positives are false positives: TPR 1, FPR 36/64.
    let label_a = |i: i64| i < 75;
    let label_b = |i: i64| i < 36;
    for i in 0..100i64 {
        if i == 99 {
            let e = monitor.evaluate();
            let eo = e.snapshot.metric(M::EqualizedOddsDifference);
            assert_eq!(eo.status, Status::InsufficientData, "99 labels per group");
        }
        monitor.record_label(&Label::new(i, label_a(i)));
        monitor.record_label(&Label::new(1000 + i, label_b(i)));
    }
    let e = monitor.evaluate();
    let eo = e.snapshot.metric(M::EqualizedOddsDifference);
    assert_eq!(eo.status, Status::Violation);
    assert_eq!(eo.value, Some(36.0 / 64.0));
    assert_eq!(eo.groups_compared, 2);
    assert!(eo.alerting);
    let b = e.snapshot.group("b").unwrap();
    assert_eq!((b.tp, b.fp, b.tn, b.fn_), (36, 36, 28, 0));
    assert_eq!((b.labelled, b.pending, b.predictions), (100, 50, 150));

    assert_eq!(e.alerts.len(), 1);
    let alert = &e.alerts[0];
    assert_eq!(alert.metric, M::EqualizedOddsDifference);
    assert_eq!((alert.value, alert.threshold), (36.0 / 64.0, 0.10));
    assert_eq!(alert.window.size, 300);
    assert_eq!(
        (alert.window.first_ts, alert.window.last_ts),
        (Some(1.0), Some(300.0))
    );
    assert_eq!(alert.groups.len(), 2);
    assert_eq!(alert.groups[0].group, "a");
    for c in &calls {
        assert_eq!(c.load(Ordering::SeqCst), 1);
    }
    // Still violating: no new alert.
    for _ in 0..5 {
        assert!(monitor.evaluate().alerts.is_empty());
    }
    for c in &calls {
        assert_eq!(c.load(Ordering::SeqCst), 1);
    }
}
