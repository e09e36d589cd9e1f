//! The Prometheus (OpenMetrics text) exposition of a [`Snapshot`], built with prometheus-client.
//! Pure: it renders a string; the HTTP server that serves it lives in `server`.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, PoisonError};

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::{MonitoredMetric, Snapshot};

type Labels = Vec<(String, String)>;
type FloatGauge = Gauge<f64, AtomicU64>;
/// Reads one of a group's window counts.
type Count = fn(&crate::GroupSnapshot) -> u64;

/// The content type of [`render_prometheus`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

fn gauge(registry: &mut Registry, name: &str, help: &str, value: f64) {
    let g = FloatGauge::default();
    g.set(value);
    registry.register(name, help, g);
}

fn per_group(
    registry: &mut Registry,
    name: &str,
    help: &str,
    snapshot: &Snapshot,
    value: impl Fn(&crate::GroupSnapshot) -> Option<f64>,
) {
    let family = Family::<Labels, FloatGauge>::default();
    for g in &snapshot.groups {
        if let Some(v) = value(g) {
            family
                .get_or_create(&vec![("group".to_string(), g.group.clone())])
                .set(v);
        }
    }
    registry.register(name, help, family);
}

/// Renders the gauges, prefixed `fairkit_monitor_`: per group `selection_rate`,
/// `predictions`, `labelled`, `true_positive_rate` and `false_positive_rate`, and the window's
/// counts `selected`, `true_positives`, `false_positives`, `true_negatives`,
/// `false_negatives` (summed over replicas they give fleet-wide rates); the
/// `demographic_parity_difference`, `demographic_parity_ratio`,
/// `equalized_odds_difference` and `accuracy` (NaN while a metric has insufficient data);
/// `window_size`, `events`, and `alert{metric=…}` (1 while alerting, else 0).
///
/// prometheus-client writes a family's label sets in hash order, so the sample lines of each
/// family are sorted: the same snapshot always renders to the same bytes.
pub fn render_prometheus(snapshot: &Snapshot) -> String {
    let mut registry = Registry::with_prefix("fairkit_monitor");
    per_group(
        &mut registry,
        "selection_rate",
        "Share of the group's predictions in the window that are positive",
        snapshot,
        |g| g.selection_rate,
    );
    per_group(
        &mut registry,
        "predictions",
        "Predictions of the group in the window",
        snapshot,
        |g| Some(g.predictions as f64),
    );
    per_group(
        &mut registry,
        "labelled",
        "Labelled predictions of the group in the window",
        snapshot,
        |g| Some(g.labelled as f64),
    );
    per_group(
        &mut registry,
        "true_positive_rate",
        "True positive rate of the group's labelled predictions",
        snapshot,
        |g| g.true_positive_rate,
    );
    per_group(
        &mut registry,
        "false_positive_rate",
        "False positive rate of the group's labelled predictions",
        snapshot,
        |g| g.false_positive_rate,
    );
    // Counts, so that rates across replicas are sums (docs/gate-and-monitor.md#fleet-wide-rates).
    let counts: [(&str, &str, Count); 5] = [
        (
            "selected",
            "Predictions of the group in the window that are positive",
            |g| g.selected,
        ),
        (
            "true_positives",
            "Labelled predictions of the group: true positives",
            |g| g.tp,
        ),
        (
            "false_positives",
            "Labelled predictions of the group: false positives",
            |g| g.fp,
        ),
        (
            "true_negatives",
            "Labelled predictions of the group: true negatives",
            |g| g.tn,
        ),
        (
            "false_negatives",
            "Labelled predictions of the group: false negatives",
            |g| g.fn_,
        ),
    ];
    for (name, help, count) in counts {
        per_group(&mut registry, name, help, snapshot, |g| {
            Some(count(g) as f64)
        });
    }
    for metric in MonitoredMetric::ALL {
        let value = snapshot.metric(metric).value.unwrap_or(f64::NAN);
        gauge(
            &mut registry,
            metric.name(),
            "Monitored metric over the window (NaN: insufficient data)",
            value,
        );
    }
    gauge(
        &mut registry,
        "window_size",
        "Predictions in the window",
        snapshot.window.size as f64,
    );
    gauge(
        &mut registry,
        "events",
        "Events recorded since the start",
        snapshot.events as f64,
    );
    let alerts = Family::<Labels, FloatGauge>::default();
    for r in &snapshot.metrics {
        alerts
            .get_or_create(&vec![("metric".to_string(), r.metric.name().to_string())])
            .set(if r.alerting { 1.0 } else { 0.0 });
    }
    registry.register("alert", "1 while the metric is alerting, else 0", alerts);
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = encode(&mut text, &registry);
    sort_samples(&text)
}

/// Sorts the sample lines within each metric family, keeping the `#` lines where they are.
fn sort_samples(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut samples: Vec<&str> = Vec::new();
    let flush = |out: &mut String, samples: &mut Vec<&str>| {
        samples.sort_unstable();
        for s in samples.drain(..) {
            out.push_str(s);
            out.push('\n');
        }
    };
    for line in text.lines() {
        if line.starts_with('#') {
            flush(&mut out, &mut samples);
            out.push_str(line);
            out.push('\n');
        } else {
            samples.push(line);
        }
    }
    flush(&mut out, &mut samples);
    out
}

/// The latest snapshot, shared between the thread that runs the monitor and the thread that
/// serves `/metrics`. Cloning shares the same slot.
#[derive(Debug, Clone)]
pub struct SharedSnapshot(Arc<Mutex<Snapshot>>);

impl SharedSnapshot {
    /// A slot holding `initial` (e.g. [`FairnessMonitor::snapshot`](crate::FairnessMonitor::snapshot)
    /// before any event).
    pub fn new(initial: Snapshot) -> Self {
        Self(Arc::new(Mutex::new(initial)))
    }

    /// Replaces the snapshot.
    pub fn publish(&self, snapshot: Snapshot) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = snapshot;
    }

    /// A copy of the current snapshot.
    pub fn get(&self) -> Snapshot {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The current snapshot in the Prometheus text format.
    pub fn render(&self) -> String {
        render_prometheus(&self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}
