use fairkit_core::Error;
use serde::{Deserialize, Serialize};

use crate::Result;

/// Which predictions the rolling window holds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// The last `n` predictions (default 10,000, docs/gate-and-monitor.md#window).
    Count(usize),
    /// The predictions whose timestamp is less than this span (in timestamp units, e.g.
    /// seconds) behind the newest timestamp seen: a record leaves once `now − ts ≥ span`.
    Span(f64),
}

impl Default for Window {
    fn default() -> Self {
        Window::Count(10_000)
    }
}

/// The monitor's settings. Every field has a default
/// (docs/gate-and-monitor.md#monitor-configuration), so a config file may set only what differs.
///
/// | field | default | meaning |
/// |---|---|---|
/// | `window` | `Count(10000)` | which predictions are in the window |
/// | `label_timeout` | none | an unlabelled record whose timestamp is more than this behind the newest one is *expired*: it stays in the label-free metrics but a later label for it is ignored |
/// | `min_samples` | 100 | per group, over the records each metric uses (all predictions for label-free metrics, labelled records for label metrics); groups below it are left out, and a metric with fewer than two groups left is `InsufficientData` |
/// | `dp_max` | 0.10 | alert when the demographic parity difference exceeds it (`None`: never) |
/// | `eo_max` | 0.10 | alert when the equalized odds difference (worst case) exceeds it |
/// | `four_fifths` | none | alert when the selection-rate ratio falls below it (e.g. 0.8) |
/// | `accuracy_min` | none | alert when the accuracy of the labelled records falls below it |
/// | `evaluate_every` | 1000 | evaluate after this many events (predictions and labels) |
/// | `recovery_evaluations` | 3 | consecutive OK evaluations that re-arm a fired alert |
/// | `cooldown` | none | minimum time (timestamp units) between two alerts on the same metric |
/// | `confidence` | none | alert only when the metric's interval at this level is wholly beyond its threshold |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MonitorConfig {
    /// Which predictions the window holds.
    pub window: Window,
    /// Time after which an unlabelled record counts as expired.
    pub label_timeout: Option<f64>,
    /// Minimum records per group for a metric to use the group.
    pub min_samples: u64,
    /// Largest allowed demographic parity difference.
    pub dp_max: Option<f64>,
    /// Largest allowed equalized odds difference.
    pub eo_max: Option<f64>,
    /// Smallest allowed selection-rate ratio (four-fifths rule: 0.8).
    pub four_fifths: Option<f64>,
    /// Smallest allowed accuracy over the labelled records.
    pub accuracy_min: Option<f64>,
    /// Evaluate after this many events.
    pub evaluate_every: u64,
    /// Consecutive OK evaluations that re-arm an alert.
    pub recovery_evaluations: u32,
    /// Minimum time between two alerts on one metric.
    pub cooldown: Option<f64>,
    /// Alert only when the interval of the value at this confidence level is wholly beyond
    /// the threshold (docs/gate-and-monitor.md#monitor-confidence); `None`: on the value.
    pub confidence: Option<f64>,
}

impl Default for MonitorConfig {
    fn default() -> Self {
        Self {
            window: Window::default(),
            label_timeout: None,
            min_samples: 100,
            dp_max: Some(0.10),
            eo_max: Some(0.10),
            four_fifths: None,
            accuracy_min: None,
            evaluate_every: 1_000,
            recovery_evaluations: 3,
            cooldown: None,
            confidence: None,
        }
    }
}

fn positive(name: &str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::invalid(name, value, "must be a positive finite number").into())
    }
}

fn unit(name: &str, value: Option<f64>) -> Result<()> {
    match value {
        Some(v) if !(0.0..=1.0).contains(&v) => {
            Err(Error::invalid(name, v, "must lie in [0, 1]").into())
        }
        _ => Ok(()),
    }
}

impl MonitorConfig {
    /// Checks every field.
    ///
    /// # Errors
    /// A zero window, a span, timeout or cooldown that is not a positive finite number, a
    /// threshold outside `[0, 1]`, or a zero `min_samples`, `evaluate_every` or
    /// `recovery_evaluations`.
    pub fn validate(&self) -> Result<()> {
        match self.window {
            Window::Count(0) => {
                return Err(Error::invalid("window", 0, "must hold at least one record").into());
            }
            Window::Count(_) => {}
            Window::Span(s) => positive("window span", s)?,
        }
        if let Some(t) = self.label_timeout {
            positive("label_timeout", t)?;
        }
        if let Some(c) = self.cooldown {
            positive("cooldown", c)?;
        }
        if let Some(c) = self.confidence.filter(|c| !(*c > 0.0 && *c < 1.0)) {
            return Err(
                Error::invalid("confidence", c, "must lie strictly between 0 and 1").into(),
            );
        }
        for (name, v) in [
            ("dp_max", self.dp_max),
            ("eo_max", self.eo_max),
            ("four_fifths", self.four_fifths),
            ("accuracy_min", self.accuracy_min),
        ] {
            unit(name, v)?;
        }
        for (name, v) in [
            ("min_samples", self.min_samples),
            ("evaluate_every", self.evaluate_every),
            ("recovery_evaluations", u64::from(self.recovery_evaluations)),
        ] {
            if v == 0 {
                return Err(Error::invalid(name, 0, "must be at least 1").into());
            }
        }
        Ok(())
    }
}
