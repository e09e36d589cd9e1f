//! The accuracy-versus-disparity trade-off picture, drawn as SVG with plotters.

use plotters::prelude::*;

/// One method's point: mean disparity (x) and mean accuracy (y) with their standard deviations
/// across seeds, drawn as error bars.
#[derive(Debug, Clone, PartialEq)]
pub struct TradeoffPoint {
    /// The method's name, written next to its point.
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

fn finite_or_zero(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

/// Draws the trade-off as an SVG document: one point per method with error bars, its name, and
/// the Pareto front as a line through the front's points in order of disparity.
///
/// # Errors
/// The plotting backend's message, e.g. when no point has finite coordinates.
pub fn tradeoff_svg(
    points: &[TradeoffPoint],
    title: &str,
    x_label: &str,
) -> Result<String, String> {
    let shown: Vec<&TradeoffPoint> = points
        .iter()
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .collect();
    if shown.is_empty() {
        return Err("no method has a finite accuracy and disparity".into());
    }
    let lo_hi = |vals: &mut dyn Iterator<Item = (f64, f64)>| {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for (v, e) in vals {
            lo = lo.min(v - e);
            hi = hi.max(v + e);
        }
        let pad = ((hi - lo) * 0.08).max(0.005);
        (lo - pad, hi + pad)
    };
    let (x0, x1) = lo_hi(&mut shown.iter().map(|p| (p.x, finite_or_zero(p.x_err))));
    let (y0, y1) = lo_hi(&mut shown.iter().map(|p| (p.y, finite_or_zero(p.y_err))));
    let x0 = x0.max(-0.005);

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 600)).into_drawing_area();
        let err = |e: &dyn std::fmt::Display| e.to_string();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .x_desc(format!("{x_label} (lower is fairer)"))
            .y_desc("accuracy (higher is better)")
            .light_line_style(WHITE)
            .x_label_formatter(&|v| format!("{v:.3}"))
            .y_label_formatter(&|v| format!("{v:.3}"))
            .draw()
            .map_err(|e| err(&e))?;

        let mut front: Vec<(f64, f64)> = shown
            .iter()
            .filter(|p| p.pareto)
            .map(|p| (p.x, p.y))
            .collect();
        front.sort_by(|a, b| a.0.total_cmp(&b.0));
        chart
            .draw_series(LineSeries::new(front, RED.stroke_width(2)))
            .map_err(|e| err(&e))?
            .label("Pareto front")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED.stroke_width(2)));

        let bar = BLACK.mix(0.6);
        chart
            .draw_series(
                shown.iter().filter(|p| p.y_err > 0.0).map(|p| {
                    ErrorBar::new_vertical(p.x, p.y - p.y_err, p.y, p.y + p.y_err, bar, 8)
                }),
            )
            .map_err(|e| err(&e))?;
        chart
            .draw_series(
                shown.iter().filter(|p| p.x_err > 0.0).map(|p| {
                    ErrorBar::new_horizontal(p.y, p.x - p.x_err, p.x, p.x + p.x_err, bar, 8)
                }),
            )
            .map_err(|e| err(&e))?;
        chart
            .draw_series(shown.iter().map(|p| {
                let style = if p.pareto {
                    BLUE.filled()
                } else {
                    BLUE.stroke_width(2)
                };
                Circle::new((p.x, p.y), 6, style)
            }))
            .map_err(|e| err(&e))?
            .label("method, mean ± sd over seeds (filled: Pareto-optimal)")
            .legend(|(x, y)| Circle::new((x + 10, y), 5, BLUE.filled()));
        // Names next to their points, moved down where they would overlap a name already
        // placed (points of similar methods often sit close together).
        let mut placed: Vec<(i32, i32, i32)> = Vec::new();
        let mut order: Vec<&&TradeoffPoint> = shown.iter().collect();
        order.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
        for p in order {
            let (px, mut py) = chart.backend_coord(&(p.x, p.y));
            let (x, width) = (px + 9, 7 * p.label.chars().count() as i32);
            py -= 7;
            while placed
                .iter()
                .any(|&(ox, oy, ow)| (py - oy).abs() < 15 && x < ox + ow && ox < x + width)
            {
                py += 15;
            }
            placed.push((x, py, width));
            root.draw(&Text::new(
                p.label.clone(),
                (x, py),
                ("sans-serif", 14).into_font().color(&BLACK),
            ))
            .map_err(|e| err(&e))?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(label: &str, x: f64, y: f64, pareto: bool) -> TradeoffPoint {
        TradeoffPoint {
            label: label.into(),
            x,
            x_err: 0.01,
            y,
            y_err: 0.005,
            pareto,
        }
    }

    #[test]
    fn svg_names_every_method_and_the_front() {
        let svg = tradeoff_svg(
            &[
                point("baseline", 0.18, 0.74, true),
                point("expgrad-dp", 0.02, 0.70, true),
                point("reweighing", 0.09, 0.69, false),
                point("broken", f64::NAN, 0.5, false),
            ],
            "trade-off",
            "demographic parity difference",
        )
        .unwrap();
        assert!(svg.starts_with("<svg"));
        for label in ["baseline", "expgrad-dp", "reweighing", "Pareto front"] {
            assert!(svg.contains(label), "{label} missing");
        }
        assert!(!svg.contains("broken"));
    }

    #[test]
    fn nothing_to_draw_is_an_error() {
        assert!(tradeoff_svg(&[point("x", f64::NAN, 0.1, false)], "t", "x").is_err());
    }
}
