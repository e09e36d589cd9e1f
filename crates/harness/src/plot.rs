//! The accuracy-versus-disparity trade-off picture, drawn as SVG with plotters.
//!
//! Three steps, so that new pictures (e.g. trade-off curves over a knob, small multiples per
//! dataset) are new models rather than new drawing code:
//!
//! * [`model`]: what to draw, in data units: a [`Figure`] of [`Panel`]s holding [`Series`]
//!   (a name, a [`Style`], points with error bars and labels, optionally joined as a curve)
//!   and [`Guide`] lines such as the Pareto front.
//! * layout: the panel in pixels, with axis ranges that hold every error bar whole, and the
//!   labels placed without overlap, with leader lines to labels that had to move away from
//!   their point (see the `layout` module's documentation for the algorithm).
//! * drawing: axes and grid by plotters, then the laid-out marks, and a legend naming every
//!   series with its colour and marker.
//!
//! Colours are Paul Tol's colour-blind-safe "muted" scheme, with a marker shape per series as
//! a second channel ([`palette`]). The output is deterministic (same figure, same bytes) and
//! self-contained (no fonts, images or links).

mod draw;
mod geometry;
mod layout;
pub mod model;
pub mod palette;

pub use model::{Figure, Guide, Panel, Point, Series};
pub use palette::{Colour, Marker, Style};

/// Why a figure could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// No panel, or a panel without a single point with finite coordinates.
    #[error("nothing to draw: no point has a finite position")]
    NothingToDraw,
    /// The drawing backend failed.
    #[error("{0}")]
    Backend(String),
}

/// Draws a figure as an SVG document.
///
/// # Errors
/// [`PlotError::NothingToDraw`] when the figure has no panel or a panel has no finite point.
pub fn render_svg(figure: &Figure) -> Result<String, PlotError> {
    draw::render(figure).map(|r| r.svg)
}

/// One method's point: mean disparity (x) and mean accuracy (y) with their standard deviations
/// across seeds, drawn as error bars.
#[derive(Debug, Clone, PartialEq)]
pub struct TradeoffPoint {
    /// The method's name, written next to its point and in the legend.
    pub label: String,
    /// Mean disparity.
    pub x: f64,
    /// Standard deviation of the disparity (NaN or 0 draws no bar).
    pub x_err: f64,
    /// Mean accuracy.
    pub y: f64,
    /// Standard deviation of the accuracy.
    pub y_err: f64,
    /// Whether the point is on the Pareto front (drawn filled and joined by the front line).
    pub pareto: bool,
}

/// The trade-off as a figure: one series per method, styled by its position in `points` (so
/// a method keeps its colour and marker when another method has no finite point and is left
/// out), filled when Pareto-optimal, and the Pareto front as a dashed guide through the front's
/// points in order of disparity.
pub fn tradeoff_figure(points: &[TradeoffPoint], title: &str, x_label: &str) -> Figure {
    let series = points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.x.is_finite() && p.y.is_finite())
        .map(|(i, p)| Series {
            name: p.label.clone(),
            style: Style::nth(i),
            points: vec![Point {
                x: p.x,
                y: p.y,
                x_err: p.x_err,
                y_err: p.y_err,
                label: Some(p.label.clone()),
                filled: p.pareto,
            }],
            joined: false,
        })
        .collect();
    let front = points
        .iter()
        .filter(|p| p.pareto && p.x.is_finite() && p.y.is_finite())
        .map(|p| (p.x, p.y))
        .collect();
    accuracy_figure(
        title,
        x_label,
        series,
        front,
        ["filled: on the Pareto front", "open: dominated"],
    )
}

/// One method's curve in a sweep: its points (each labelled with its knob value, or the
/// method's name for a single point) in order of the knob.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// The method's name (the legend's entry).
    pub name: String,
    /// The knob's name, when the method is swept.
    pub knob: Option<String>,
    /// Whether the method is the baseline (marked as the reference).
    pub baseline: bool,
    /// The points, in order of the knob's value.
    pub points: Vec<TradeoffPoint>,
}

/// The trade-off curves of a sweep as a figure: one series per method (styled by its
/// position in `curves`), joined through its points in order of the knob, with error bars;
/// the ends of a curve are labelled `knob=value`, a single point with its method's name, a
/// baseline `NAME (baseline)`; points on the Pareto front (over all points) are filled and
/// joined by the dashed front line.
pub fn curves_figure(curves: &[Curve], title: &str, x_label: &str) -> Figure {
    let mut front: Vec<(f64, f64)> = Vec::new();
    let series = curves
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let finite: Vec<&TradeoffPoint> = c
                .points
                .iter()
                .filter(|p| p.x.is_finite() && p.y.is_finite())
                .collect();
            let last = finite.len().checked_sub(1)?;
            front.extend(finite.iter().filter(|p| p.pareto).map(|p| (p.x, p.y)));
            let points = finite
                .iter()
                .enumerate()
                .map(|(j, p)| Point {
                    x: p.x,
                    y: p.y,
                    x_err: p.x_err,
                    y_err: p.y_err,
                    label: match (&c.knob, c.baseline) {
                        (_, true) => Some(baseline_name(&c.name)),
                        (Some(k), false) if j == 0 || j == last => Some(format!("{k}={}", p.label)),
                        (Some(_), false) => None,
                        (None, false) => Some(c.name.clone()),
                    },
                    filled: p.pareto,
                })
                .collect();
            let name = match (&c.knob, c.baseline) {
                (_, true) => baseline_name(&c.name),
                (Some(k), false) => format!("{} over {k}", c.name),
                (None, false) => c.name.clone(),
            };
            Some(Series {
                name,
                style: Style::nth(i),
                points,
                joined: last > 0,
            })
        })
        .collect();
    accuracy_figure(
        title,
        x_label,
        series,
        front,
        [
            "lines: one method over its knob",
            "filled: on the Pareto front of all points",
        ],
    )
}

/// An accuracy-against-disparity figure of one panel: `series`, the Pareto `front` as a dashed
/// guide in order of disparity (when it has two points or more), and `notes` followed by the
/// error bars' meaning.
fn accuracy_figure(
    title: &str,
    x_label: &str,
    series: Vec<Series>,
    mut front: Vec<(f64, f64)>,
    notes: [&str; 2],
) -> Figure {
    front.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let guides = if front.len() > 1 {
        vec![Guide {
            name: "Pareto front".into(),
            points: front,
        }]
    } else {
        Vec::new()
    };
    Figure {
        title: title.into(),
        panels: vec![Panel {
            title: None,
            x_label: format!("{x_label} (lower is fairer)"),
            y_label: "accuracy (higher is better)".into(),
            series,
            guides,
        }],
        notes: notes
            .into_iter()
            .map(String::from)
            .chain(["bars: mean \u{b1} 1 sd over seeds".to_string()])
            .collect(),
    }
}

/// A baseline's name marked as the reference, unless its name says so already.
fn baseline_name(name: &str) -> String {
    if name.contains("baseline") {
        name.to_string()
    } else {
        format!("{name} (baseline)")
    }
}

/// Draws the trade-off curves ([`curves_figure`]) as an SVG document.
///
/// # Errors
/// The reason as text, e.g. when no point has finite coordinates.
pub fn curves_svg(curves: &[Curve], title: &str, x_label: &str) -> Result<String, String> {
    render_svg(&curves_figure(curves, title, x_label)).map_err(|e| match e {
        PlotError::NothingToDraw => "no method has a finite accuracy and disparity".into(),
        e => e.to_string(),
    })
}

/// Draws the trade-off ([`tradeoff_figure`]) as an SVG document.
///
/// # Errors
/// The reason as text, e.g. when no point has finite coordinates.
pub fn tradeoff_svg(
    points: &[TradeoffPoint],
    title: &str,
    x_label: &str,
) -> Result<String, String> {
    render_svg(&tradeoff_figure(points, title, x_label)).map_err(|e| match e {
        PlotError::NothingToDraw => "no method has a finite accuracy and disparity".into(),
        e => e.to_string(),
    })
}

#[cfg(test)]
mod tests;
