//! Alerts, the per-metric alert state machine, and callbacks.

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::Serialize;

use crate::snapshot::{GroupSnapshot, MonitoredMetric, Status};
use crate::window::WindowBounds;

/// A metric left its allowed range (fired on the change from OK to alert only).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// The metric.
    pub metric: MonitoredMetric,
    /// Its value at the evaluation that fired.
    pub value: f64,
    /// The threshold it crossed.
    pub threshold: f64,
    /// The evaluation number (1-based) that fired.
    pub evaluation: u64,
    /// The newest timestamp seen when it fired.
    pub ts: Option<f64>,
    /// The window it was computed on.
    pub window: WindowBounds,
    /// Per-group counts and rates in that window, sorted by group.
    pub groups: Vec<GroupSnapshot>,
}

/// What a fallible callback returns on failure.
pub type CallbackError = Box<dyn std::error::Error + Send + Sync>;

pub(crate) type Callback = Box<dyn Fn(&Alert) -> Result<(), CallbackError> + Send + Sync>;

/// A callback that panicked or returned an error. The other callbacks still ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallbackFailure {
    /// Registration index of the callback (0-based).
    pub callback: usize,
    /// The alert's metric.
    pub metric: MonitoredMetric,
    /// The panic message or the error.
    pub message: String,
}

/// Calls every callback on every alert, isolating each call: a panic is caught and, like an
/// error, recorded as a failure.
pub(crate) fn notify(callbacks: &[Callback], alerts: &[Alert]) -> Vec<CallbackFailure> {
    let mut failures = Vec::new();
    for alert in alerts {
        for (i, callback) in callbacks.iter().enumerate() {
            let message = match catch_unwind(AssertUnwindSafe(|| callback(alert))) {
                Ok(Ok(())) => continue,
                Ok(Err(e)) => e.to_string(),
                Err(panic) => match panic.downcast::<String>() {
                    Ok(s) => format!("panicked: {s}"),
                    Err(panic) => match panic.downcast::<&'static str>() {
                        Ok(s) => format!("panicked: {s}"),
                        Err(_) => "panicked".to_string(),
                    },
                },
            };
            failures.push(CallbackFailure {
                callback: i,
                metric: alert.metric,
                message,
            });
        }
    }
    failures
}

/// What one evaluation did to a metric's alert state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transition {
    None,
    Fire,
    /// A violation while armed, held back by the cooldown.
    Suppressed,
}

/// One metric's alert state.
///
/// * Armed (not alerting): a `Violation` fires and starts alerting, unless the last alert on
///   this metric is less than `cooldown` ago (then it is suppressed and tried again next time).
/// * Alerting: `recovery` consecutive `Ok` evaluations re-arm it. A `Violation` or
///   `InsufficientData` restarts the count; nothing fires while alerting.
#[derive(Debug, Clone, Default)]
pub(crate) struct AlertMachine {
    pub(crate) alerting: bool,
    ok_streak: u32,
    last_fired: Option<f64>,
}

impl AlertMachine {
    pub(crate) fn step(
        &mut self,
        status: Status,
        now: Option<f64>,
        recovery: u32,
        cooldown: Option<f64>,
    ) -> Transition {
        match (self.alerting, status) {
            (false, Status::Violation) => {
                let cooling = match (cooldown, self.last_fired, now) {
                    (Some(c), Some(last), Some(now)) => now - last < c,
                    _ => false,
                };
                if cooling {
                    return Transition::Suppressed;
                }
                self.alerting = true;
                self.ok_streak = 0;
                self.last_fired = now;
                Transition::Fire
            }
            (true, Status::Ok) => {
                self.ok_streak += 1;
                if self.ok_streak >= recovery {
                    self.alerting = false;
                    self.ok_streak = 0;
                }
                Transition::None
            }
            (true, _) => {
                self.ok_streak = 0;
                Transition::None
            }
            (false, _) => Transition::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    fn run(statuses: &[Status], recovery: u32) -> Vec<Transition> {
        let mut m = AlertMachine::default();
        statuses
            .iter()
            .map(|&s| m.step(s, Some(0.0), recovery, None))
            .collect()
    }

    #[test]
    fn fires_on_the_change_only_and_rearms_after_recovery() {
        use Transition::{Fire, None as N};
        let t = run(
            &[
                Ok, Violation, Violation, Ok, Ok, Violation, Ok, Ok, Ok, Violation,
            ],
            3,
        );
        assert_eq!(t, vec![N, Fire, N, N, N, N, N, N, N, Fire]);
    }

    #[test]
    fn insufficient_data_breaks_the_recovery_streak_and_never_fires() {
        use Transition::{Fire, None as N};
        let t = run(
            &[
                InsufficientData,
                Violation,
                Ok,
                InsufficientData,
                Ok,
                Ok,
                Violation,
            ],
            2,
        );
        assert_eq!(t, vec![N, Fire, N, N, N, N, Fire]);
    }

    #[test]
    fn cooldown_holds_back_a_new_alert() {
        let mut m = AlertMachine::default();
        let c = Some(10.0);
        assert_eq!(m.step(Violation, Some(0.0), 1, c), Transition::Fire);
        assert_eq!(m.step(Ok, Some(1.0), 1, c), Transition::None);
        assert_eq!(m.step(Violation, Some(5.0), 1, c), Transition::Suppressed);
        assert_eq!(m.step(Violation, Some(10.0), 1, c), Transition::Fire);
    }
}
