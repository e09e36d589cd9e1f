use fairkit_core::Error;

use crate::alert::{Alert, AlertMachine, Callback, CallbackError, Transition, notify};
use crate::config::MonitorConfig;
use crate::evaluation::Evaluation;
use crate::event::{Event, EventRef, IdRef, Label, Prediction};
use crate::snapshot::{MonitoredMetric, Snapshot, group_snapshot, metric_readings};
use crate::window::{Counters, RollingWindow};
use crate::{MetricReading, Result};

/// The rolling-window fairness monitor (docs/gate-and-monitor.md#monitor).
///
/// Feed it predictions and, later, their labels; every `evaluate_every` events it evaluates
/// the metrics on the window, steps each metric's alert state, calls the alert callbacks and
/// returns an [`Evaluation`]. Each event costs O(1) amortised (plus a hash lookup); an
/// evaluation costs O(groups).
///
/// ```
/// use fairkit_monitor::{FairnessMonitor, Label, MonitorConfig, MonitoredMetric, Prediction, Status};
///
/// let config = MonitorConfig { min_samples: 2, evaluate_every: 1_000_000, ..Default::default() };
/// let mut monitor = FairnessMonitor::new(config)?;
/// for (id, group, p) in [(1, "a", true), (2, "a", true), (3, "b", true), (4, "b", false)] {
///     monitor.record_prediction(&Prediction::new(id, id as f64, group, p))?;
/// }
/// monitor.record_label(&Label::new(1, true));
/// let evaluation = monitor.evaluate();
/// let dp = evaluation.snapshot.metric(MonitoredMetric::DemographicParityDifference);
/// assert_eq!(dp.value, Some(0.5));
/// assert_eq!(dp.status, Status::Violation);
/// assert_eq!(evaluation.alerts.len(), 1);
/// let eo = evaluation.snapshot.metric(MonitoredMetric::EqualizedOddsDifference);
/// assert_eq!(eo.status, Status::InsufficientData);
/// # Ok::<(), fairkit_monitor::MonitorError>(())
/// ```
pub struct FairnessMonitor {
    config: MonitorConfig,
    window: RollingWindow,
    machines: [AlertMachine; 4],
    callbacks: Vec<Callback>,
    events: u64,
    since_evaluation: u64,
    evaluations: u64,
    alerts_fired: u64,
    alerts_suppressed: u64,
    callback_failures: u64,
}

impl std::fmt::Debug for FairnessMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FairnessMonitor")
            .field("config", &self.config)
            .field("events", &self.events)
            .field("evaluations", &self.evaluations)
            .field("callbacks", &self.callbacks.len())
            .finish_non_exhaustive()
    }
}

impl FairnessMonitor {
    /// A monitor with an empty window.
    ///
    /// # Errors
    /// An invalid config (see [`MonitorConfig::validate`]).
    pub fn new(config: MonitorConfig) -> Result<Self> {
        config.validate()?;
        Ok(Self {
            window: RollingWindow::new(config.window, config.label_timeout),
            config,
            machines: Default::default(),
            callbacks: Vec::new(),
            events: 0,
            since_evaluation: 0,
            evaluations: 0,
            alerts_fired: 0,
            alerts_suppressed: 0,
            callback_failures: 0,
        })
    }

    /// The settings.
    pub fn config(&self) -> &MonitorConfig {
        &self.config
    }

    /// Registers a callback, called once for every alert fired. A panic inside it is caught
    /// and counted; the other callbacks still run. (The panic message is still printed by
    /// the process's panic hook.)
    pub fn on_alert<F>(&mut self, callback: F)
    where
        F: Fn(&Alert) + Send + Sync + 'static,
    {
        self.callbacks.push(Box::new(move |alert| {
            callback(alert);
            Ok(())
        }));
    }

    /// Registers a callback that can fail; an error is counted like a panic.
    pub fn on_alert_fallible<F>(&mut self, callback: F)
    where
        F: Fn(&Alert) -> std::result::Result<(), CallbackError> + Send + Sync + 'static,
    {
        self.callbacks.push(Box::new(callback));
    }

    /// Records one event; returns an evaluation when this event completes a batch of
    /// `evaluate_every` events.
    ///
    /// # Errors
    /// A prediction with a non-finite timestamp (the event is not recorded).
    pub fn record(&mut self, event: &Event<'_>) -> Result<Option<Evaluation>> {
        Ok(self.record_only(event.as_ref())?.then(|| self.evaluate()))
    }

    /// Records one event without evaluating; returns whether this event completes a batch of
    /// `evaluate_every` events, the caller then calls [`Self::evaluate`] (the stream drivers
    /// do, so that the large `Option<Evaluation>` is not moved for every event).
    pub(crate) fn record_only(&mut self, event: EventRef<'_>) -> Result<bool> {
        match event {
            EventRef::Prediction {
                id,
                ts,
                group,
                prediction,
            } => self.push_prediction(id, ts, group, prediction)?,
            EventRef::Label { id, label } => {
                self.window.push_label(id, label);
            }
        }
        Ok(self.count())
    }

    fn push_prediction(&mut self, id: IdRef<'_>, ts: f64, group: &[u8], p: bool) -> Result<()> {
        if !ts.is_finite() {
            return Err(Error::NonFinite {
                what: "prediction timestamp".into(),
                row: self.window.counters.predictions as usize,
                value: ts.to_string(),
            }
            .into());
        }
        self.window.push_prediction(id, ts, group, p);
        Ok(())
    }

    /// Records a prediction: it enters the window, the oldest records leave it, and pending
    /// records past the label timeout expire.
    ///
    /// # Errors
    /// A non-finite timestamp (the prediction is not recorded).
    pub fn record_prediction(&mut self, p: &Prediction<'_>) -> Result<Option<Evaluation>> {
        self.push_prediction((&p.id).into(), p.ts, p.group.as_bytes(), p.prediction)?;
        Ok(self.tick())
    }

    /// Records a label. A label whose id is not in the window, that arrives after its
    /// prediction expired, or that repeats an earlier label is counted (see [`Counters`]) and
    /// otherwise ignored.
    pub fn record_label(&mut self, l: &Label<'_>) -> Option<Evaluation> {
        self.window.push_label((&l.id).into(), l.label);
        self.tick()
    }

    fn tick(&mut self) -> Option<Evaluation> {
        self.count().then(|| self.evaluate())
    }

    /// Counts an event recorded; whether an evaluation is due.
    fn count(&mut self) -> bool {
        self.events += 1;
        self.since_evaluation += 1;
        self.since_evaluation >= self.config.evaluate_every
    }

    /// Evaluates now: computes every metric on the window, steps the alert states, calls
    /// the callbacks for the alerts fired, and restarts the `evaluate_every` count.
    pub fn evaluate(&mut self) -> Evaluation {
        self.since_evaluation = 0;
        self.evaluations += 1;
        let now = self.window.now();
        let mut readings = metric_readings(&self.window.groups, &self.config, [false; 4]);
        let mut fired = Vec::new();
        for (reading, machine) in readings.iter_mut().zip(&mut self.machines) {
            if reading.threshold.is_none() {
                continue;
            }
            match machine.step(
                reading.status,
                now,
                self.config.recovery_evaluations,
                self.config.cooldown,
            ) {
                Transition::Fire => fired.push(*reading),
                Transition::Suppressed => self.alerts_suppressed += 1,
                Transition::None => {}
            }
            reading.alerting = machine.alerting;
        }
        self.alerts_fired += fired.len() as u64;
        let mut snapshot = self.build_snapshot(readings);
        let alerts: Vec<Alert> = fired
            .iter()
            .map(|r: &MetricReading| Alert {
                metric: r.metric,
                value: r.value.unwrap_or(f64::NAN),
                threshold: r.threshold.unwrap_or(f64::NAN),
                evaluation: self.evaluations,
                ts: now,
                window: snapshot.window,
                groups: snapshot.groups.clone(),
            })
            .collect();
        let callback_failures = notify(&self.callbacks, &alerts);
        self.callback_failures += callback_failures.len() as u64;
        snapshot.callback_failures = self.callback_failures;
        Evaluation {
            snapshot,
            alerts,
            callback_failures,
        }
    }

    /// The current gauges, without evaluating (alert states are left as they are).
    pub fn snapshot(&self) -> Snapshot {
        let alerting = self.machines.clone().map(|m| m.alerting);
        self.build_snapshot(metric_readings(&self.window.groups, &self.config, alerting))
    }

    fn build_snapshot(&self, metrics: Vec<MetricReading>) -> Snapshot {
        let mut groups: Vec<_> = self
            .window
            .groups
            .iter()
            .filter(|g| g.predictions().rows > 0)
            .map(group_snapshot)
            .collect();
        groups.sort_by(|a, b| a.group.cmp(&b.group));
        Snapshot {
            evaluation: self.evaluations,
            events: self.events,
            ts: self.window.now(),
            window: self.window.bounds(),
            counters: self.window.counters,
            alerts_fired: self.alerts_fired,
            alerts_suppressed: self.alerts_suppressed,
            callback_failures: self.callback_failures,
            groups,
            metrics,
        }
    }

    /// Running totals (labels joined, unknown, late, expired predictions, …).
    pub fn counters(&self) -> Counters {
        self.window.counters
    }

    /// Writes the window's labelled predictions as counts (docs/counts.md#counts-from-the-monitor):
    /// CSV with header `group,label,prediction,count` and one row per group (sorted by name),
    /// label and prediction that occurs, labels and predictions written `1` / `0`. Unlabelled
    /// predictions are left out (a counts row needs its label). Counts of several monitors
    /// concatenated (one header) are the counts of all their windows: `fairkit assess --counts`
    /// adds up a combination listed twice.
    ///
    /// ```
    /// use fairkit_monitor::{FairnessMonitor, Label, MonitorConfig, Prediction};
    ///
    /// let mut monitor = FairnessMonitor::new(MonitorConfig::default())?;
    /// for (id, group, p) in [(1, "a", true), (2, "a", true), (3, "b,c", false)] {
    ///     monitor.record_prediction(&Prediction::new(id, id as f64, group, p))?;
    /// }
    /// monitor.record_label(&Label::new(1, true));
    /// monitor.record_label(&Label::new(2, true));
    /// monitor.record_label(&Label::new(3, true));
    /// let mut out = Vec::new();
    /// monitor.write_counts(&mut out)?;
    /// assert_eq!(
    ///     String::from_utf8(out).unwrap(),
    ///     "group,label,prediction,count\na,1,1,2\n\"b,c\",1,0,1\n"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// The writer's.
    pub fn write_counts<W: std::io::Write + ?Sized>(&self, out: &mut W) -> std::io::Result<()> {
        writeln!(out, "group,label,prediction,count")?;
        let mut groups: Vec<_> = self.window.groups.iter().collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        for g in groups {
            let c = g.labels();
            let name = csv_field(&g.name);
            for (label, prediction, n) in [(1, 1, c.tp), (1, 0, c.fn_), (0, 1, c.fp), (0, 0, c.tn)]
            {
                if n > 0.0 {
                    writeln!(out, "{name},{label},{prediction},{}", n as u64)?;
                }
            }
        }
        Ok(())
    }

    /// Whether a metric is alerting (fired and not yet re-armed).
    pub fn is_alerting(&self, metric: MonitoredMetric) -> bool {
        self.machines[metric as usize].alerting
    }
}

/// A CSV field: quoted (embedded quotes doubled) when it holds a delimiter, quote, line break
/// or surrounding space, or is empty.
fn csv_field(v: &str) -> String {
    if v.is_empty() || v.trim() != v || v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}
