//! The drawing step: a [`Figure`] to SVG with plotters (axes and grid by plotters, everything
//! else from the panel's [`Scene`] in pixels, so the drawing is exactly what was laid out).

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::PlotError;
use super::geometry::{Frame, Px, Rect};
use super::layout::{self, LABEL_PAD, LABEL_PX, MARKER_R, Scene, text_width};
use super::model::Figure;
use super::palette::{Colour, INK, Marker, Style};

/// The SVG and the laid-out panels.
pub(crate) struct Rendered {
    pub svg: String,
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the layout tests"))]
    pub scenes: Vec<Scene>,
}

/// plotters writes `font-size` as the requested size divided by 1.24.
const FONT_SCALE: f64 = 1.24;
const TITLE_PX: f64 = 18.0;
const AXIS_PX: f64 = 14.0;
const TICK_PX: f64 = 12.0;
const NOTE_PX: f64 = 12.0;
const LEGEND_ROW: f64 = 22.0;
const NOTE_ROW: f64 = 17.0;

fn rgb(c: Colour) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn font(px: f64, colour: Colour) -> TextStyle<'static> {
    ("sans-serif", px * FONT_SCALE)
        .into_font()
        .color(&rgb(colour))
}

fn ipx(p: Px) -> (i32, i32) {
    (p.0.round() as i32, p.1.round() as i32)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn backend<E: std::fmt::Display>(e: E) -> PlotError {
    PlotError::Backend(e.to_string())
}

/// The legend's entries: every series name once, in order of first appearance, with its style.
fn legend_entries(figure: &Figure) -> (Vec<(String, Style)>, Vec<String>) {
    let mut series: Vec<(String, Style)> = Vec::new();
    let mut guides: Vec<String> = Vec::new();
    for panel in &figure.panels {
        for s in &panel.series {
            if !series.iter().any(|(n, _)| *n == s.name) {
                series.push((s.name.clone(), s.style));
            }
        }
        for g in &panel.guides {
            if !guides.contains(&g.name) {
                guides.push(g.name.clone());
            }
        }
    }
    (series, guides)
}

/// Renders the figure: panels in a grid (as square as possible), the legend in a column on
/// the right, the title on top.
pub(crate) fn render(figure: &Figure) -> Result<Rendered, PlotError> {
    let ranges: Vec<_> = figure
        .panels
        .iter()
        .map(layout::ranges)
        .collect::<Option<_>>()
        .ok_or(PlotError::NothingToDraw)?;
    if ranges.is_empty() {
        return Err(PlotError::NothingToDraw);
    }
    let (entries, guides) = legend_entries(figure);
    let legend_w = entries
        .iter()
        .map(|(n, _)| text_width(n, LABEL_PX) + 40.0)
        .chain(guides.iter().map(|n| text_width(n, LABEL_PX) + 50.0))
        .chain(figure.notes.iter().map(|n| text_width(n, NOTE_PX) + 20.0))
        .fold(170.0, f64::max)
        .ceil() as u32;
    let legend_h = 60.0
        + LEGEND_ROW * (entries.len() + guides.len()) as f64
        + NOTE_ROW * (figure.notes.len() + 1) as f64;
    let n = figure.panels.len();
    let cols = (n as f64).sqrt().ceil() as usize;
    let rows = n.div_ceil(cols);
    let (panel_w, panel_h) = if n == 1 { (780, 560) } else { (480, 380) };
    let width = panel_w * cols as u32 + legend_w;
    let height = (panel_h * rows as u32 + 40).max(legend_h.ceil() as u32);

    let mut svg = String::new();
    let mut scenes = Vec::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(backend)?;
        let body = root
            .titled(&figure.title, font(TITLE_PX, INK))
            .map_err(backend)?;
        let (plots, legend) = body.split_horizontally(width - legend_w);
        let cells = plots.split_evenly((rows, cols));
        for ((panel, (x, y)), cell) in figure.panels.iter().zip(ranges).zip(&cells) {
            let frame = draw_axes(cell, panel.title.as_deref(), x, y, panel)?;
            let scene = layout::scene(panel, frame);
            draw_scene(&root, &scene, panel)?;
            scenes.push(scene);
        }
        draw_legend(&root, &legend, &entries, &guides, &figure.notes)?;
        root.present().map_err(backend)?;
    }
    Ok(Rendered { svg, scenes })
}

/// Decimals that tell ticks apart over `span` (about eight ticks).
fn decimals(span: f64) -> usize {
    (-(span / 8.0).log10()).ceil().clamp(0.0, 8.0) as usize
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A panel's chart in its cell: caption, margins and the axis areas around the plotting area.
fn chart<'a, 'b>(
    cell: &'a Area<'b>,
    title: Option<&str>,
    x: (f64, f64),
    y: (f64, f64),
) -> Result<Chart<'a, 'b>, PlotError> {
    let mut builder = ChartBuilder::on(cell);
    if let Some(t) = title {
        builder.caption(t, font(AXIS_PX + 1.0, INK));
    }
    builder
        .margin(12)
        .x_label_area_size(52)
        .y_label_area_size(68)
        .build_cartesian_2d(x.0..x.1, y.0..y.1)
        .map_err(backend)
}

/// The pixel frame of a chart: its plotting area and ranges.
fn frame_of(chart: &Chart) -> Frame {
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let (x, y) = (chart.x_range(), chart.y_range());
    Frame {
        plot: Rect {
            x0: f64::from(xr.start),
            y0: f64::from(yr.start),
            x1: f64::from(xr.end - 1),
            y1: f64::from(yr.end - 1),
        },
        x: (x.start, x.end),
        y: (y.start, y.end),
    }
}

/// Draws a panel's axes, ticks, grid and axis labels, and returns its pixel frame.
fn draw_axes(
    cell: &Area,
    title: Option<&str>,
    x: (f64, f64),
    y: (f64, f64),
    panel: &super::model::Panel,
) -> Result<Frame, PlotError> {
    let mut chart = chart(cell, title, x, y)?;
    let (xd, yd) = (decimals(x.1 - x.0), decimals(y.1 - y.0));
    let x_fmt = move |v: &f64| format!("{v:.xd$}");
    let y_fmt = move |v: &f64| format!("{v:.yd$}");
    chart
        .configure_mesh()
        .x_labels(8)
        .y_labels(8)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .label_style(font(TICK_PX, INK))
        .axis_desc_style(font(AXIS_PX, INK))
        .axis_style(rgb(INK))
        .bold_line_style(RGBColor(0xe4, 0xe4, 0xe4))
        .light_line_style(TRANSPARENT)
        .draw()
        .map_err(backend)?;
    Ok(frame_of(&chart))
}

fn marker(
    root: &Area,
    m: Marker,
    centre: Px,
    r: f64,
    colour: Colour,
    filled: bool,
) -> Result<(), PlotError> {
    let (fill, edge, edge_w) = if filled {
        (rgb(colour), rgb(colour.scaled(0.55)), 1)
    } else {
        (WHITE, rgb(colour.scaled(0.85)), 2)
    };
    if m == Marker::Circle {
        // A true circle: a polygon snapped to whole pixels would read as a hexagon.
        let (c, r) = (ipx(centre), (r * 0.9).round() as i32);
        root.draw(&Circle::new(c, r, fill.filled()))
            .map_err(backend)?;
        return root
            .draw(&Circle::new(c, r, edge.stroke_width(edge_w)))
            .map_err(backend);
    }
    let poly: Vec<(i32, i32)> = m.polygon(centre, r).into_iter().map(ipx).collect();
    let mut outline = poly.clone();
    outline.push(poly[0]);
    root.draw(&Polygon::new(poly, fill.filled()))
        .map_err(backend)?;
    root.draw(&PathElement::new(outline, edge.stroke_width(edge_w)))
        .map_err(backend)
}

/// Draws a laid-out panel: guides, curves, error bars, markers, leader lines, labels.
fn draw_scene(root: &Area, scene: &Scene, panel: &super::model::Panel) -> Result<(), PlotError> {
    let style = |series: usize| panel.series[series].style;
    for g in &scene.guides {
        if g.len() > 1 {
            root.draw(&DashedPathElement::new(
                g.iter().map(|&p| ipx(p)),
                7,
                5,
                RGBColor(0x70, 0x70, 0x70).stroke_width(2),
            ))
            .map_err(backend)?;
        }
    }
    for (series, curve) in &scene.curves {
        root.draw(&PathElement::new(
            curve.iter().map(|&p| ipx(p)).collect::<Vec<_>>(),
            rgb(style(*series).colour).stroke_width(2),
        ))
        .map_err(backend)?;
    }
    for m in &scene.markers {
        let c = rgb(style(m.series).colour.scaled(0.85));
        for s in &m.bars {
            root.draw(&PathElement::new(
                vec![ipx(s.a), ipx(s.b)],
                c.stroke_width(1),
            ))
            .map_err(backend)?;
        }
    }
    for m in &scene.markers {
        let s = style(m.series);
        marker(root, s.marker, m.centre, MARKER_R, s.colour, m.filled)?;
    }
    let leader = RGBColor(0x55, 0x55, 0x55);
    for l in &scene.labels {
        if let Some(seg) = l.leader {
            root.draw(&PathElement::new(
                vec![ipx(seg.a), ipx(seg.b)],
                leader.stroke_width(1),
            ))
            .map_err(backend)?;
        }
    }
    for l in &scene.labels {
        let r = l.rect;
        root.draw(&Rectangle::new(
            [ipx((r.x0, r.y0)), ipx((r.x1, r.y1))],
            WHITE.mix(0.85).filled(),
        ))
        .map_err(backend)?;
        root.draw(&Text::new(
            l.text.clone(),
            ipx((r.x0 + LABEL_PAD, r.y0 + LABEL_PAD)),
            font(LABEL_PX, INK),
        ))
        .map_err(backend)?;
    }
    Ok(())
}

/// The legend column: a marker and a name per series, a dashed sample per guide, then notes.
fn draw_legend(
    root: &Area,
    legend: &Area,
    entries: &[(String, Style)],
    guides: &[String],
    notes: &[String],
) -> Result<(), PlotError> {
    let (xr, yr) = legend.get_pixel_range();
    let x = f64::from(xr.start) + 6.0;
    let mut y = f64::from(yr.start) + 24.0;
    let text = |s: &str, at: Px, px: f64, colour: Colour| {
        Text::new(
            s.to_string(),
            ipx(at),
            font(px, colour).pos(Pos::new(HPos::Left, VPos::Center)),
        )
    };
    for (name, style) in entries {
        marker(
            root,
            style.marker,
            (x + 12.0, y),
            MARKER_R - 1.0,
            style.colour,
            true,
        )?;
        root.draw(&text(name, (x + 30.0, y), LABEL_PX, INK))
            .map_err(backend)?;
        y += LEGEND_ROW;
    }
    for name in guides {
        root.draw(&DashedPathElement::new(
            [ipx((x, y)), ipx((x + 24.0, y))],
            7,
            5,
            RGBColor(0x70, 0x70, 0x70).stroke_width(2),
        ))
        .map_err(backend)?;
        root.draw(&text(name, (x + 30.0, y), LABEL_PX, INK))
            .map_err(backend)?;
        y += LEGEND_ROW;
    }
    y += NOTE_ROW * 0.5;
    for note in notes {
        root.draw(&text(note, (x, y), NOTE_PX, Colour(0x44, 0x44, 0x44)))
            .map_err(backend)?;
        y += NOTE_ROW;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_maps_data_where_plotters_does() {
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (780, 560)).into_drawing_area();
        let (x, y) = ((-0.0137, 0.2193), (0.5357, 0.7045));
        let chart = chart(&root, Some("panel"), x, y).unwrap();
        let frame = frame_of(&chart);
        for i in 0..=20 {
            for j in 0..=20 {
                let v = (
                    x.0 + (x.1 - x.0) * f64::from(i) / 20.0,
                    y.0 + (y.1 - y.0) * f64::from(j) / 20.0,
                );
                let (px, py) = chart.backend_coord(&v);
                let (fx, fy) = frame.pixel(v.0, v.1);
                assert!(
                    (f64::from(px) - fx).abs() <= 1.0,
                    "x of {v:?}: {px} vs {fx}"
                );
                assert!(
                    (f64::from(py) - fy).abs() <= 1.0,
                    "y of {v:?}: {py} vs {fy}"
                );
            }
        }
    }
}
