//! What one evaluation of the window gives: the snapshot of the gauges and the alerts it
//! fired, and their JSON-lines output.

use serde::Serialize;

use crate::alert::{Alert, CallbackFailure};
use crate::snapshot::Snapshot;

/// What [`FairnessMonitor::evaluate`](crate::FairnessMonitor::evaluate) returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The gauges after this evaluation.
    pub snapshot: Snapshot,
    /// Alerts fired by this evaluation (already passed to the callbacks).
    pub alerts: Vec<Alert>,
    /// Callback calls that panicked or failed in this evaluation.
    pub callback_failures: Vec<CallbackFailure>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum OutputLine<'a> {
    Snapshot(&'a Snapshot),
    Alert(&'a Alert),
}

fn write_line<W: std::io::Write>(out: &mut W, line: &OutputLine<'_>) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")
}

impl Snapshot {
    /// Writes `{"type":"snapshot",…}` and a line break (the monitor's JSON-lines output).
    ///
    /// # Errors
    /// An error of the writer.
    pub fn write_json_line<W: std::io::Write>(&self, out: &mut W) -> std::io::Result<()> {
        write_line(out, &OutputLine::Snapshot(self))
    }
}

impl Alert {
    /// Writes `{"type":"alert",…}` and a line break.
    ///
    /// # Errors
    /// An error of the writer.
    pub fn write_json_line<W: std::io::Write>(&self, out: &mut W) -> std::io::Result<()> {
        write_line(out, &OutputLine::Alert(self))
    }
}

impl Evaluation {
    /// Writes the snapshot line, then one line per alert.
    ///
    /// # Errors
    /// An error of the writer.
    pub fn write_json_lines<W: std::io::Write>(&self, out: &mut W) -> std::io::Result<()> {
        self.snapshot.write_json_line(out)?;
        for alert in &self.alerts {
            alert.write_json_line(out)?;
        }
        Ok(())
    }
}
