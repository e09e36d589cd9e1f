//! The plot model: what to draw, in data coordinates, free of any drawing backend.
//!
//! A [`Figure`] holds one or more [`Panel`]s (small multiples) that share one legend. A panel
//! has two labelled axes, [`Series`] of points and [`Guide`] lines. A series is one method: a
//! name, a [`Style`] (colour and marker), and its points, each with optional error bars and an
//! optional text label; with [`Series::joined`] its points are drawn as a curve (e.g. one
//! method over a knob). The legend names every series once, in order of first appearance.

use super::palette::Style;

/// A point of a series: the centre, its error bars and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Horizontal position in data units.
    pub x: f64,
    /// Vertical position in data units.
    pub y: f64,
    /// Half-length of the horizontal error bar (NaN, infinite or not positive: no bar).
    pub x_err: f64,
    /// Half-length of the vertical error bar (NaN, infinite or not positive: no bar).
    pub y_err: f64,
    /// Text written next to the point (placed so that labels never overlap).
    pub label: Option<String>,
    /// A filled marker; otherwise the marker is drawn open (white inside).
    pub filled: bool,
}

impl Point {
    /// A point without error bars or label, drawn filled.
    pub fn new(x: f64, y: f64) -> Self {
        Self {
            x,
            y,
            x_err: f64::NAN,
            y_err: f64::NAN,
            label: None,
            filled: true,
        }
    }

    /// Whether both coordinates are finite (other points are left out of the picture).
    pub fn is_finite(&self) -> bool {
        self.x.is_finite() && self.y.is_finite()
    }

    /// The horizontal bar's half-length, or 0 when there is no bar.
    pub fn x_bar(&self) -> f64 {
        bar(self.x_err)
    }

    /// The vertical bar's half-length, or 0 when there is no bar.
    pub fn y_bar(&self) -> f64 {
        bar(self.y_err)
    }
}

fn bar(err: f64) -> f64 {
    if err.is_finite() && err > 0.0 {
        err
    } else {
        0.0
    }
}

/// One method (or any named group) of a panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The name in the legend.
    pub name: String,
    /// Colour and marker.
    pub style: Style,
    /// The points, in drawing order (and in curve order when `joined`).
    pub points: Vec<Point>,
    /// Whether a line joins the points in their order.
    pub joined: bool,
}

/// A line through given points that belongs to no series, e.g. the Pareto front; drawn dashed
/// in a neutral colour and named in the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Guide {
    /// The name in the legend.
    pub name: String,
    /// The vertices in data coordinates, in order.
    pub points: Vec<(f64, f64)>,
}

/// One chart: axes, series and guides.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// A heading above the panel (e.g. the dataset in small multiples).
    pub title: Option<String>,
    /// The horizontal axis' label.
    pub x_label: String,
    /// The vertical axis' label.
    pub y_label: String,
    /// The series.
    pub series: Vec<Series>,
    /// The guide lines.
    pub guides: Vec<Guide>,
}

/// A whole picture: a title, panels laid out in a grid and one legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The title at the top.
    pub title: String,
    /// The panels, row by row.
    pub panels: Vec<Panel>,
    /// Lines of explanation written under the legend (e.g. what the bars mean).
    pub notes: Vec<String>,
}
