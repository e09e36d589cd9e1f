//! `confidence`: the monitor alerts only when the window's interval clears the threshold
//! (docs/gate-and-monitor.md#monitor-confidence). Seeded simulations of small windows.

use fairkit_core::rng;
use fairkit_monitor::{FairnessMonitor, MonitorConfig, MonitoredMetric as M, Prediction, Window};

/// Streams fed to each monitor.
const STREAMS: u64 = 200;

/// Feeds one seeded stream of 4,000 predictions (groups a and b alternating, true selection
/// rates `rate_a` and `rate_b`) to a monitor over windows of 400 (200 per group) evaluated
/// every 400 events (10 evaluations on disjoint windows), and returns the alerts fired.
fn alerts(confidence: Option<f64>, rate_a: f64, rate_b: f64, seed: u64) -> usize {
    let mut m = FairnessMonitor::new(MonitorConfig {
        window: Window::Count(400),
        min_samples: 100,
        evaluate_every: 400,
        recovery_evaluations: 1,
        confidence,
        ..Default::default()
    })
    .unwrap();
    let mut r = rng::seeded(seed);
    let mut fired = 0;
    for i in 0..4_000i64 {
        let (group, rate) = if i % 2 == 0 {
            ("a", rate_a)
        } else {
            ("b", rate_b)
        };
        let p = rng::uniform(&mut r) < rate;
        if let Some(e) = m
            .record_prediction(&Prediction::new(i, i as f64, group, p))
            .unwrap()
        {
            assert!(
                e.alerts
                    .iter()
                    .all(|a| a.metric == M::DemographicParityDifference)
            );
            fired += e.alerts.len();
        }
    }
    fired
}

/// The share of streams with at least one alert.
fn alarm_rate(confidence: Option<f64>, rate_a: f64, rate_b: f64) -> f64 {
    let alarmed = (0..STREAMS)
        .filter(|&s| alerts(confidence, rate_a, rate_b, 7_000 + s) > 0)
        .count();
    alarmed as f64 / STREAMS as f64
}

#[test]
fn small_windows_raise_fewer_false_alarms_with_confidence() {
    // True demographic parity difference 0.06, under the 0.10 threshold: every alert is false.
    // With 200 predictions per group the observed difference has a standard error of about
    // 0.05, so a point-value monitor crosses 0.10 in about a fifth of the windows.
    let plain = alarm_rate(None, 0.50, 0.44);
    let sure = alarm_rate(Some(0.95), 0.50, 0.44);
    println!(
        "streams with a false alarm over {STREAMS} (10 windows of 200 per group): \
         point value {plain:.3}, 95 % interval {sure:.3}"
    );
    assert!(plain > 0.5, "point value: {plain}");
    assert!(sure <= 0.05, "with confidence: {sure}");
}

#[test]
fn a_real_disparity_still_alerts_with_confidence() {
    // True difference 0.30: the 95 % interval's lower end (about 0.30 - 2 x 0.05) clears 0.10.
    let rate = alarm_rate(Some(0.95), 0.70, 0.40);
    assert_eq!(rate, 1.0);
}

#[test]
fn snapshots_carry_the_interval_and_an_invalid_confidence_is_refused() {
    let mut m = FairnessMonitor::new(MonitorConfig {
        min_samples: 1,
        confidence: Some(0.95),
        ..Default::default()
    })
    .unwrap();
    for (i, (g, p)) in [("a", true), ("a", true), ("b", false), ("b", true)]
        .into_iter()
        .enumerate()
    {
        m.record_prediction(&Prediction::new(i as i64, i as f64, g, p))
            .unwrap();
    }
    let e = m.evaluate();
    let dp = e.snapshot.metric(M::DemographicParityDifference);
    assert_eq!(dp.value, Some(0.5));
    let i = dp.interval.unwrap();
    // Agresti–Caffo, one pair: (3/4 - 2/4) ± 1.96 · sqrt((3/4 · 1/4 + 2/4 · 2/4) / 4).
    let se = ((0.75f64 * 0.25 + 0.25) / 4.0).sqrt();
    assert!(
        (i.upper - (0.25 + 1.959_963_984_540_054 * se)).abs() < 1e-12,
        "{i:?}"
    );
    assert_eq!(i.lower, 0.0);
    // The point value 0.5 exceeds 0.10, the interval does not clear it: no alert.
    assert!(e.alerts.is_empty());
    let json = serde_json::to_string(&e.snapshot).unwrap();
    assert!(
        json.contains("\"interval\":{\"lower\":0.0,\"upper\":"),
        "{json}"
    );
    for bad in [0.0, 1.0, f64::NAN] {
        let config = MonitorConfig {
            confidence: Some(bad),
            ..Default::default()
        };
        let e = FairnessMonitor::new(config).err().unwrap();
        assert!(e.to_string().contains("confidence"), "{e}");
    }
}
