//! `fairkit monitor`: a rolling-window fairness monitor over a JSON-lines event stream.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use fairkit_harness::io;
use fairkit_monitor::{
    Counters, Evaluation, FairnessMonitor, MetricsServer, MonitorConfig, SharedSnapshot,
    StreamItem, Window, run_stream_parallel, serve,
};
use serde::Serialize;

use crate::common::claim;
use crate::gate::{Threshold, threshold};

/// The long help: the event format, what is written, the server and the exit status.
const HELP: &str = r#"Reads JSON lines from --input (standard input by default), one event per line:

  {"type":"prediction","id":17,"ts":1700000000.5,"group":"a","prediction":1,"score":0.83}
  {"type":"label","id":17,"label":0}

Labels may arrive later than their prediction and are joined by id. Every --evaluate-every
events, and once more at the end of the input for the events since the last evaluation, the
monitor computes the selection rates, the demographic parity difference and ratio on every
prediction in the window, and TPR, FPR, the equalized odds difference and accuracy on the
labelled ones. It writes a line {"type":"snapshot",...} to standard output, then one line
{"type":"alert",...} per alert fired (also noted on standard error). A metric whose groups
have fewer than --min-samples records is insufficient_data and never alerts. An alert fires
when a metric leaves its range, once; it re-arms after --recovery-evaluations OK evaluations.
With --confidence C a metric leaves its range only when its whole interval at level C does
(simultaneous over the groups' pairs; no resampling, no seed): a small window's noise does not
alert, and each snapshot reports the interval.

A malformed line is reported on standard error with its line number and skipped; it never
stops the stream. At the end of the input a line {"type":"summary",...} gives the lines,
events, malformed lines, evaluations, alerts and label counters.

With --serve ADDR the current gauges (selection rate per group, DP and EO differences,
window size, alert state, ...) are served in the Prometheus text format at
http://ADDR/metrics while the stream is processed, updated at every evaluation (GET or HEAD;
a connection has 10 s to send its request, at most 512 are open at once, a request head is at
most 16 KiB). Port 0 picks a free port; the address is announced on standard error. The
command exits at the end of the input, unless --keep-serving is given: then it keeps serving
the final gauges until it receives SIGTERM or SIGINT (Ctrl-C), and then exits with status 0.

Exit status: 0 at the end of the input (alerts or not) or when --keep-serving is stopped by
SIGTERM or SIGINT, 2 bad settings, an unreadable input or an address that cannot be bound."#;

/// Watch live predictions for fairness drift in a rolling window (`--help` shows [`HELP`]).
#[derive(Debug, clap::Args)]
#[command(after_long_help = HELP)]
pub struct Args {
    /// JSON-lines input file, or `-` for standard input.
    #[arg(long, value_name = "FILE|-", default_value = "-")]
    input: String,
    /// The window holds the last N predictions.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    window: usize,
    /// The window holds the predictions of the last S timestamp units (seconds) instead.
    #[arg(long, value_name = "S", conflicts_with = "window")]
    window_seconds: Option<f64>,
    /// Predictions unlabelled for longer than S are expired (a later label is ignored).
    #[arg(long, value_name = "S")]
    label_timeout: Option<f64>,
    /// Alert when the demographic parity difference exceeds X (`off`: never).
    #[arg(long, value_name = "X", value_parser = threshold, default_value = "0.10")]
    dp_max: Threshold,
    /// Alert when the equalized odds difference exceeds X (`off`: never).
    #[arg(long, value_name = "X", value_parser = threshold, default_value = "0.10")]
    eo_max: Threshold,
    /// Alert when the selection-rate ratio falls below X (e.g. 0.8).
    #[arg(long, value_name = "X", value_parser = threshold, default_value = "off")]
    four_fifths: Threshold,
    /// Alert when the accuracy of the labelled predictions falls below X.
    #[arg(long, value_name = "X", value_parser = threshold, default_value = "off")]
    min_accuracy: Threshold,
    /// Records a group needs in the window for a metric to use it.
    #[arg(long, value_name = "N", default_value_t = 100)]
    min_samples: u64,
    /// Evaluate after every N events (predictions and labels).
    #[arg(long, value_name = "N", default_value_t = 1_000)]
    evaluate_every: u64,
    /// Consecutive OK evaluations that re-arm a fired alert.
    #[arg(long, value_name = "N", default_value_t = 3)]
    recovery_evaluations: u32,
    /// Minimum time (timestamp units) between two alerts on the same metric.
    #[arg(long, value_name = "S")]
    cooldown: Option<f64>,
    /// Alert only when the metric's interval at confidence C (e.g. 0.95) is wholly beyond its
    /// threshold: fewer false alarms on small windows.
    #[arg(long, value_name = "C")]
    confidence: Option<f64>,
    /// Serve the gauges in the Prometheus text format at http://ADDR/metrics.
    #[arg(long, value_name = "ADDR")]
    serve: Option<String>,
    /// With --serve: keep serving after the end of the input, until SIGTERM or Ctrl-C (exit 0).
    #[arg(long, requires = "serve")]
    keep_serving: bool,
    /// At the end of the input, write the window's labelled predictions as counts to FILE
    /// (CSV: group,label,prediction,count; written atomically): `fairkit assess --counts FILE
    /// --label label --pred prediction --sensitive group` assesses them, and the counts of
    /// several monitors concatenated assess as one (docs/counts.md).
    #[arg(long, value_name = "FILE")]
    emit_counts: Option<std::path::PathBuf>,
}

impl Args {
    fn config(&self) -> MonitorConfig {
        MonitorConfig {
            window: match self.window_seconds {
                Some(s) => Window::Span(s),
                None => Window::Count(self.window),
            },
            label_timeout: self.label_timeout,
            min_samples: self.min_samples,
            dp_max: self.dp_max.0,
            eo_max: self.eo_max.0,
            four_fifths: self.four_fifths.0,
            accuracy_min: self.min_accuracy.0,
            evaluate_every: self.evaluate_every,
            recovery_evaluations: self.recovery_evaluations,
            cooldown: self.cooldown,
            confidence: self.confidence,
        }
    }
}

/// The last line of the output.
#[derive(Serialize)]
struct Summary {
    #[serde(rename = "type")]
    kind: &'static str,
    lines: u64,
    events: u64,
    malformed: u64,
    evaluations: u64,
    alerts: u64,
    counters: Counters,
}

/// Writes an evaluation's lines and flushes them (a reader sees each snapshot as it
/// happens), publishes its gauges, and notes each alert on standard error.
fn write_evaluation(
    evaluation: &Evaluation,
    out: &mut impl Write,
    shared: Option<&SharedSnapshot>,
) -> std::io::Result<()> {
    if let Some(s) = shared {
        s.publish(evaluation.snapshot.clone());
    }
    evaluation.write_json_lines(out)?;
    out.flush()?;
    for a in &evaluation.alerts {
        let op = if a.metric.is_upper_bound() { ">" } else { "<" };
        eprintln!(
            "alert: {} = {} {op} {} (evaluation {})",
            a.metric.name(),
            a.value,
            a.threshold,
            a.evaluation
        );
    }
    Ok(())
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let mut monitor = FairnessMonitor::new(args.config()).context("invalid monitor settings")?;
    // A 64 KiB buffer: the reader parses lines where they lie in it (docs/gate-and-monitor.md#reading-events-fast).
    const BUFFER: usize = 64 << 10;
    let (name, input): (String, Box<dyn BufRead + Send>) = if args.input == "-" {
        let stdin = std::io::stdin();
        (
            "stdin".into(),
            Box::new(BufReader::with_capacity(BUFFER, stdin)),
        )
    } else {
        let path = Path::new(&args.input);
        let file = io::open(path)?.into_inner();
        (
            path.display().to_string(),
            Box::new(BufReader::with_capacity(BUFFER, file)),
        )
    };
    let shared = args
        .serve
        .as_ref()
        .map(|_| SharedSnapshot::new(monitor.snapshot()));
    let server = match (&args.serve, &shared) {
        (Some(addr), Some(state)) => {
            let server = serve(addr.as_str(), state.clone())?;
            eprintln!(
                "fairkit monitor: serving metrics at http://{}/metrics",
                server.local_addr()
            );
            Some(server)
        }
        _ => None,
    };

    let mut outputs = io::Outputs::new();
    let counts_out = claim(&mut outputs, args.emit_counts.as_deref(), "--emit-counts")?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut evaluated = 0;
    let summary = run_stream_parallel(&mut monitor, input, |item| match item {
        StreamItem::Evaluation(e) => {
            evaluated = e.snapshot.events;
            write_evaluation(e, &mut out, shared.as_ref())
        }
        StreamItem::Malformed(m) => {
            eprintln!("warning: {name}: {m} (skipped)");
            Ok(())
        }
    })
    .with_context(|| format!("cannot read {name}"))?;
    if summary.events > evaluated {
        write_evaluation(&monitor.evaluate(), &mut out, shared.as_ref())?;
    }
    let last = monitor.snapshot();
    let line = Summary {
        kind: "summary",
        lines: summary.lines,
        events: summary.events,
        malformed: summary.malformed,
        evaluations: last.evaluation,
        alerts: last.alerts_fired,
        counters: last.counters,
    };
    serde_json::to_writer(&mut out, &line)?;
    writeln!(out)?;
    out.flush()?;
    if let Some(id) = counts_out {
        outputs.write(id, |w| monitor.write_counts(w))?;
        outputs.commit()?;
    }
    eprintln!(
        "fairkit monitor: {} events, {} malformed lines, {} alerts",
        summary.events, summary.malformed, last.alerts_fired
    );
    if args.keep_serving
        && let Some(server) = server
    {
        serve_until_stopped(server)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Keeps serving until SIGTERM or SIGINT (Ctrl-C), then stops the server: a requested stop
/// is a normal end, exit status 0. The binary's signal handler (which removes staged outputs,
/// none by now) hands the signal over instead of ending the process.
#[cfg(unix)]
fn serve_until_stopped(server: MetricsServer) -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT};
    // Handed over before the announcement, so that a signal sent after it stops the server.
    let (tx, rx) = std::sync::mpsc::channel();
    fairkit_harness::io::hand_signals_to(tx);
    eprintln!("fairkit monitor: end of input; still serving (SIGTERM or Ctrl-C stops it)");
    let signal = rx.recv();
    server.shutdown();
    let name = match signal {
        Ok(SIGINT) => "SIGINT",
        Ok(SIGHUP) => "SIGHUP",
        _ => "SIGTERM",
    };
    eprintln!("fairkit monitor: stopped serving on {name}");
    Ok(())
}

/// Keeps serving until the process is ended (no POSIX signals to watch here).
#[cfg(not(unix))]
fn serve_until_stopped(server: MetricsServer) -> Result<()> {
    eprintln!("fairkit monitor: end of input; still serving (Ctrl-C stops it)");
    let _server = server;
    loop {
        std::thread::park();
    }
}
