//! The alert state machine through the monitor: no alert storm, re-arming, isolated callbacks.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use fairkit_monitor::{
    Alert, FairnessMonitor, MonitorConfig, MonitoredMetric as M, Prediction, Window,
};

/// A monitor over a window of 200 with `min_samples` 50, evaluating every 100 events.
fn monitor() -> FairnessMonitor {
    FairnessMonitor::new(MonitorConfig {
        window: Window::Count(200),
        min_samples: 50,
        evaluate_every: 100,
        ..Default::default()
    })
    .unwrap()
}

/// Feeds predictions `start..start + n` (ts = index), alternating between groups a and b with
/// selection rates of `pct_a` and `pct_b` percent over every 10 consecutive records of a
/// group, returning the alerts fired.
fn feed(m: &mut FairnessMonitor, start: i64, n: i64, pct_a: i64, pct_b: i64) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for i in start..start + n {
        let (g, pct) = if i % 2 == 0 {
            ("a", pct_a)
        } else {
            ("b", pct_b)
        };
        let p = (i / 2 * pct) % 100 < pct;
        if let Some(e) = m
            .record_prediction(&Prediction::new(i, i as f64, g, p))
            .unwrap()
        {
            alerts.extend(e.alerts);
        }
    }
    alerts
}

#[test]
fn a_sustained_violation_fires_once() {
    let mut m = monitor();
    let alerts = feed(&mut m, 0, 20_000, 80, 20);
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].metric, M::DemographicParityDifference);
    // First evaluation with 50 per group: at event 100.
    assert_eq!(alerts[0].evaluation, 1);
    assert!((alerts[0].value - 0.6).abs() < 1e-12);
    assert!(m.is_alerting(M::DemographicParityDifference));
    assert_eq!(m.snapshot().alerts_fired, 1);
}

#[test]
fn rearms_after_recovery_evaluations_and_fires_again() {
    // Evaluations every 100 events on the last 200: a window half unfair still violates.
    let mut m = monitor();
    assert_eq!(feed(&mut m, 0, 200, 80, 20).len(), 1);
    // Evaluations at 300 (mixed: violation), 400 and 500 (OK): two of three.
    assert!(feed(&mut m, 200, 300, 50, 50).is_empty());
    assert!(m.is_alerting(M::DemographicParityDifference));
    // Unfair again before the third OK: the streak restarts and nothing fires.
    assert!(feed(&mut m, 500, 200, 80, 20).is_empty());
    // 800 mixed, then 900, 1000, 1100 OK: re-armed.
    assert!(feed(&mut m, 700, 400, 50, 50).is_empty());
    assert!(!m.is_alerting(M::DemographicParityDifference));
    let again = feed(&mut m, 1100, 200, 80, 20);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].evaluation, 12);
    assert!((again[0].value - 0.3).abs() < 1e-12);
    assert_eq!(m.snapshot().alerts_fired, 2);
}

#[test]
fn cooldown_delays_the_next_alert() {
    let mut m = FairnessMonitor::new(MonitorConfig {
        window: Window::Count(200),
        min_samples: 50,
        evaluate_every: 100,
        recovery_evaluations: 1,
        cooldown: Some(1_000.0),
        ..Default::default()
    })
    .unwrap();
    let first = feed(&mut m, 0, 200, 80, 20);
    assert_eq!(first[0].ts, Some(99.0));
    feed(&mut m, 200, 200, 50, 50);
    assert!(!m.is_alerting(M::DemographicParityDifference));
    // Violations at ts < 1099 are held back; the first one at or after it fires.
    let again = feed(&mut m, 400, 1_000, 80, 20);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].ts, Some(1099.0));
    assert!(m.snapshot().alerts_suppressed >= 4);
}

#[test]
fn a_panicking_or_failing_callback_does_not_stop_the_others() {
    let mut m = monitor();
    let seen = Arc::new(AtomicUsize::new(0));
    let metrics = Arc::new(Mutex::new(Vec::new()));
    let s = Arc::clone(&seen);
    m.on_alert(move |_| {
        s.fetch_add(1, Ordering::SeqCst);
    });
    m.on_alert(|_| panic!("pager is down"));
    m.on_alert_fallible(|_| Err("webhook returned 500".into()));
    let list = Arc::clone(&metrics);
    m.on_alert(move |a| list.lock().unwrap().push(a.metric));
    let mut failures = Vec::new();
    for i in 0..200 {
        let g = if i % 2 == 0 { "a" } else { "b" };
        let p = Prediction::new(i, i as f64, g, g == "a");
        if let Some(e) = m.record_prediction(&p).unwrap() {
            failures.extend(e.callback_failures);
        }
    }
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    assert_eq!(
        *metrics.lock().unwrap(),
        vec![M::DemographicParityDifference]
    );
    assert_eq!(failures.len(), 2);
    assert_eq!(failures[0].callback, 1);
    assert_eq!(failures[0].message, "panicked: pager is down");
    assert_eq!(failures[1].callback, 2);
    assert_eq!(failures[1].message, "webhook returned 500");
    assert_eq!(m.snapshot().callback_failures, 2);
}

#[test]
fn invalid_configs_and_timestamps_are_errors() {
    for bad in [
        MonitorConfig {
            window: Window::Count(0),
            ..Default::default()
        },
        MonitorConfig {
            window: Window::Span(f64::NAN),
            ..Default::default()
        },
        MonitorConfig {
            dp_max: Some(1.5),
            ..Default::default()
        },
        MonitorConfig {
            label_timeout: Some(-1.0),
            ..Default::default()
        },
        MonitorConfig {
            min_samples: 0,
            ..Default::default()
        },
        MonitorConfig {
            recovery_evaluations: 0,
            ..Default::default()
        },
    ] {
        assert!(FairnessMonitor::new(bad).is_err());
    }
    let mut m = monitor();
    assert!(
        m.record_prediction(&Prediction::new(1, f64::INFINITY, "a", true))
            .is_err()
    );
    assert_eq!(m.counters().predictions, 0);
}
