//! A rolling-window fairness monitor for live predictions (docs/gate-and-monitor.md#monitor).
//!
//! * [`FairnessMonitor`] keeps the last `N` predictions (or a time span) in an eviction queue
//!   with per-group counters ([`fairkit_metrics::ConfusionTable`]s), so each event costs O(1)
//!   amortised. Labels arrive later and are joined to their prediction by id; records left
//!   unlabelled past the label timeout expire.
//! * Label-free metrics (selection rates, demographic parity difference and ratio) use every
//!   prediction in the window; label metrics (TPR, FPR, equalized odds difference, accuracy)
//!   use the labelled ones. A group with fewer than `min_samples` relevant records is left out
//!   of a metric, and a metric with fewer than two groups left (for accuracy: fewer than
//!   `min_samples` labelled records) is [`Status::InsufficientData`] and never alerts.
//! * Alerts fire on the change from OK to violation only, re-arm after
//!   `recovery_evaluations` OK evaluations in a row, and go to callbacks isolated from one
//!   another (a panicking or failing callback is counted; the others still run).
//! * Input is JSON lines ([`EventReader`], [`run_stream`]); output is JSON-line snapshots and
//!   alerts ([`Evaluation::write_json_lines`]) and a Prometheus exposition
//!   ([`render_prometheus`]). The wire format is JSON lines, which is why this library crate
//!   depends on serde_json. The crate does no IO of its own except the `/metrics` HTTP
//!   server in [`server`] (feature `server`, on by default), which the binary starts.
//!
//! ```
//! use fairkit_monitor::{FairnessMonitor, MonitorConfig, StreamItem, run_stream};
//!
//! let input = r#"{"type":"prediction","id":1,"ts":0,"group":"a","prediction":1}
//! {"type":"prediction","id":2,"ts":1,"group":"b","prediction":0}
//! oops
//! {"type":"label","id":1,"label":1}
//! "#;
//! let config = MonitorConfig { min_samples: 1, evaluate_every: 3, ..Default::default() };
//! let mut monitor = FairnessMonitor::new(config)?;
//! let mut out = Vec::new();
//! let summary = run_stream(&mut monitor, input.as_bytes(), |item| match item {
//!     StreamItem::Evaluation(e) => e.write_json_lines(&mut out),
//!     StreamItem::Malformed(m) => Ok(eprintln!("{m}")),
//! })?;
//! assert_eq!((summary.events, summary.malformed), (3, 1));
//! let text = String::from_utf8(out).unwrap();
//! assert!(text.starts_with(r#"{"type":"snapshot","evaluation":1"#));
//! assert!(text.contains(r#"{"type":"alert","metric":"demographic_parity_difference","value":1.0"#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod alert;
mod config;
mod error;
mod evaluation;
pub mod event;
mod exposition;
mod interval;
mod monitor;
#[cfg(feature = "server")]
pub mod server;
mod snapshot;
mod stream;
mod window;

pub use alert::{Alert, CallbackError, CallbackFailure};
pub use config::{MonitorConfig, Window};
pub use error::{MonitorError, Result};
pub use evaluation::Evaluation;
pub use event::{Event, EventId, EventReader, Label, Malformed, Prediction, parse_event};
pub use exposition::{CONTENT_TYPE, SharedSnapshot, render_prometheus};
pub use interval::Interval;
pub use monitor::FairnessMonitor;
#[cfg(feature = "server")]
pub use server::{MetricsServer, ServerLimits, serve, serve_with};
pub use snapshot::{GroupSnapshot, MetricReading, MonitoredMetric, Snapshot, Status};
pub use stream::{StreamItem, StreamSummary, run_stream, run_stream_parallel};
pub use window::{Counters, WindowBounds};
