//! Tests of the trade-off picture: geometry of the layout on the default run and on
//! adversarial inputs, axis ranges, palette in the output, legend, determinism.

use super::draw::{Rendered, render};
use super::geometry::{Rect, dist};
use super::layout::{CLEARANCE, LEADER_AT, MARKER_R, Scene};
use super::*;

/// The inputs of the plot of `fairkit compare` with no arguments (biased-credit, 5 seeds):
/// mean and sd of demographic parity difference and accuracy, and Pareto membership, as in
/// that run's `results.json`.
fn default_run() -> Vec<TradeoffPoint> {
    let p = |label: &str, x, x_err, y, y_err, pareto| TradeoffPoint {
        label: label.into(),
        x,
        x_err,
        y,
        y_err,
        pareto,
    };
    vec![
        p(
            "baseline",
            0.1680859358295929,
            0.013973562540703073,
            0.6829333333333334,
            0.010053744465510219,
            true,
        ),
        p(
            "baseline-tree",
            0.15201088598301754,
            0.056198298819729056,
            0.6712666666666667,
            0.0049855346308651256,
            false,
        ),
        p(
            "reweighing",
            0.08336891793007638,
            0.013415800316611267,
            0.6816,
            0.006143650742387981,
            true,
        ),
        p(
            "di-remover",
            0.010933187407338974,
            0.007179613809497849,
            0.6757333333333334,
            0.005913261931173595,
            false,
        ),
        p(
            "expgrad-dp",
            0.016275347268184158,
            0.013115739236870136,
            0.6781134545265457,
            0.00552526097042143,
            true,
        ),
        p(
            "expgrad-eo",
            0.01538278096917004,
            0.011878992218390802,
            0.5573742644634603,
            0.010653696709806081,
            false,
        ),
        p(
            "gridsearch-dp",
            0.05604681750930186,
            0.06284397414792306,
            0.6741333333333333,
            0.007104771479630986,
            false,
        ),
        p(
            "threshold-dp",
            0.008653939190523374,
            0.008594852016235421,
            0.6758391129956239,
            0.008039026085435197,
            true,
        ),
        p(
            "threshold-eo",
            0.03664300145053834,
            0.017403774638126486,
            0.6438256309440172,
            0.013172630988905847,
            false,
        ),
    ]
}

fn rendered(points: &[TradeoffPoint]) -> Rendered {
    render(&tradeoff_figure(
        points,
        "trade-off",
        "demographic parity difference",
    ))
    .unwrap()
}

/// The layout's guarantees: label boxes never overlap and stay inside the plotting area; each
/// is next to its point or joined to it by a leader line from the marker's edge to the box;
/// every marker and error bar lies whole inside the plotting area.
fn assert_layout(scene: &Scene) {
    let plot = scene.frame.plot;
    for (i, a) in scene.labels.iter().enumerate() {
        assert!(
            plot.contains_rect(&a.rect),
            "{} leaves the plot: {:?}",
            a.text,
            a.rect
        );
        for b in &scene.labels[..i] {
            assert!(!a.rect.overlaps(&b.rect), "{} overlaps {}", a.text, b.text);
        }
        let gap = a.rect.distance(a.anchor);
        match a.leader {
            None => assert!(
                gap <= LEADER_AT,
                "{} is {gap} px away without a leader",
                a.text
            ),
            Some(l) => {
                assert!(gap > LEADER_AT, "{} has a needless leader", a.text);
                assert!(
                    (dist(l.a, a.anchor) - (MARKER_R + 1.0)).abs() < 1e-9,
                    "{}",
                    a.text
                );
                // It ends on the box's border, without passing through the box.
                assert!(
                    a.rect.distance(l.b) < 1e-9,
                    "{} leader misses its box",
                    a.text
                );
                assert!(!a.rect.inflate(-1e-6).contains(l.b), "{}", a.text);
                assert!(!a.rect.inflate(-0.5).meets(&l), "{}", a.text);
            }
        }
    }
    for m in &scene.markers {
        assert!(
            plot.contains_rect(&Rect::around(m.centre, MARKER_R)),
            "{m:?}"
        );
        for s in &m.bars {
            assert!(
                plot.contains(s.a) && plot.contains(s.b),
                "bar outside: {s:?}"
            );
        }
    }
}

/// What makes the default picture readable beyond the guarantees: every label placed, no
/// label box over a marker, an error bar or a line, and no leader line through another label.
fn assert_clear(scene: &Scene) {
    assert!(scene.unplaced.is_empty(), "unplaced: {:?}", scene.unplaced);
    let lines: Vec<_> = scene
        .guides
        .iter()
        .flat_map(|g| super::geometry::polyline(g))
        .collect();
    for l in &scene.labels {
        // With the margin the layout keeps, so that whole-pixel drawing does not touch.
        let clear = l.rect.inflate(CLEARANCE);
        for m in &scene.markers {
            let hidden = Rect::around(m.centre, MARKER_R).overlaps(&clear);
            assert!(!hidden, "{} hides a marker", l.text);
            for s in &m.bars {
                assert!(!clear.meets(s), "an error bar crosses {}", l.text);
            }
        }
        for s in &lines {
            assert!(!clear.meets(s), "a guide crosses {}", l.text);
        }
        for o in scene.labels.iter().filter(|o| o.text != l.text) {
            if let Some(leader) = o.leader {
                let crossed = clear.meets(&leader);
                assert!(!crossed, "{}'s leader crosses {}", o.text, l.text);
            }
        }
    }
}

#[test]
fn default_run_labels_are_clear_of_each_other_markers_and_bars() {
    let r = rendered(&default_run());
    assert_eq!(r.scenes.len(), 1);
    let scene = &r.scenes[0];
    assert_eq!(scene.labels.len(), 9);
    assert_layout(scene);
    assert_clear(scene);
}

#[test]
fn axes_hold_every_error_bar_whole_with_a_margin() {
    let r = rendered(&default_run());
    let f = r.scenes[0].frame;
    for p in default_run() {
        // gridsearch-dp's disparity bar reaches below 0; it is shown whole.
        assert!(
            f.x.0 < p.x - p.x_err && p.x + p.x_err < f.x.1,
            "{}",
            p.label
        );
        assert!(
            f.y.0 < p.y - p.y_err && p.y + p.y_err < f.y.1,
            "{}",
            p.label
        );
    }
    assert!(f.x.0 < 0.05604681750930186 - 0.06284397414792306);
}

#[test]
fn many_points_at_one_spot_get_separate_labels_with_leaders() {
    let points: Vec<TradeoffPoint> = (0..40)
        .map(|i| TradeoffPoint {
            label: format!("method-{i:02}"),
            x: 0.05,
            x_err: 0.01,
            y: 0.7,
            y_err: 0.01,
            pareto: i % 2 == 0,
        })
        .chain([TradeoffPoint {
            label: "far".into(),
            x: 0.3,
            x_err: 0.0,
            y: 0.5,
            y_err: 0.0,
            pareto: false,
        }])
        .collect();
    let r = rendered(&points);
    let scene = &r.scenes[0];
    assert_layout(scene);
    assert!(scene.unplaced.is_empty(), "{:?}", scene.unplaced);
    assert!(scene.labels.iter().filter(|l| l.leader.is_some()).count() >= 30);
}

#[test]
fn points_at_the_corners_keep_their_labels_inside() {
    let corner = |label: &str, x, y| TradeoffPoint {
        label: label.into(),
        x,
        x_err: 0.02,
        y,
        y_err: 0.02,
        pareto: true,
    };
    let points = [
        corner("lower-left corner method", 0.0, 0.5),
        corner("upper-left corner method", 0.0, 0.9),
        corner("lower-right corner method", 0.4, 0.5),
        corner("upper-right corner method", 0.4, 0.9),
        corner("centre", 0.2, 0.7),
    ];
    let r = rendered(&points);
    let scene = &r.scenes[0];
    assert_layout(scene);
    assert_clear(scene);
}

#[test]
fn labels_that_fit_nowhere_are_left_out_never_overlapped() {
    let points: Vec<TradeoffPoint> = (0..60)
        .map(|i| TradeoffPoint {
            label: format!(
                "a deliberately long method name, longer than a third of the plot {i:02}"
            ),
            x: 0.1,
            x_err: 0.02,
            y: 0.6,
            y_err: 0.02,
            pareto: false,
        })
        .collect();
    let r = rendered(&points);
    let scene = &r.scenes[0];
    assert_layout(scene);
    assert!(!scene.unplaced.is_empty());
    assert_eq!(scene.labels.len() + scene.unplaced.len(), 60);
    // The legend still names every method.
    for p in &points {
        assert!(r.svg.contains(&p.label), "{}", p.label);
    }
}

#[test]
fn legend_names_every_method_in_its_colour_and_marker() {
    let points = default_run();
    let figure = tradeoff_figure(&points, "t", "demographic parity difference");
    let r = render(&figure).unwrap();
    for (i, p) in points.iter().enumerate() {
        let text = format!(">\n{}\n</text>", p.label);
        // Once next to the point, once in the legend.
        assert_eq!(r.svg.matches(&text).count(), 2, "{}", p.label);
        let colour = Style::nth(i).colour.hex().to_uppercase();
        assert!(
            r.svg.contains(&format!("fill=\"{colour}\"")),
            "{} {colour}",
            p.label
        );
        assert_eq!(figure.panels[0].series[i].style, Style::nth(i));
    }
    assert!(r.svg.contains(">\nPareto front\n</text>"));
    for axis in [
        "demographic parity difference (lower is fairer)",
        "accuracy (higher is better)",
    ] {
        assert!(r.svg.contains(axis), "{axis}");
    }
}

#[test]
fn a_method_without_finite_values_is_left_out_and_others_keep_their_style() {
    let mut points = default_run();
    points[1].x = f64::NAN;
    let figure = tradeoff_figure(&points, "t", "dp");
    let names: Vec<&str> = figure.panels[0]
        .series
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert!(!names.contains(&"baseline-tree"));
    assert_eq!(figure.panels[0].series[1].name, "reweighing");
    assert_eq!(figure.panels[0].series[1].style, Style::nth(2));
    let svg = render_svg(&figure).unwrap();
    assert!(!svg.contains("baseline-tree"));
}

#[test]
fn filled_markers_are_the_pareto_front_and_the_front_runs_by_disparity() {
    let figure = tradeoff_figure(&default_run(), "t", "dp");
    let panel = &figure.panels[0];
    for (s, p) in panel.series.iter().zip(default_run()) {
        assert_eq!(s.points[0].filled, p.pareto, "{}", p.label);
    }
    let front = &panel.guides[0].points;
    let names: Vec<f64> = front.iter().map(|p| p.0).collect();
    assert_eq!(
        names,
        [
            0.008653939190523374,
            0.016275347268184158,
            0.08336891793007638,
            0.1680859358295929
        ]
    );
}

#[test]
fn same_figure_same_bytes_and_nothing_external() {
    let a = tradeoff_svg(&default_run(), "t", "dp").unwrap();
    let b = tradeoff_svg(&default_run(), "t", "dp").unwrap();
    assert_eq!(a, b);
    assert!(a.starts_with("<svg"));
    for external in ["href", "url(", "<image", "@import", "<script"] {
        assert!(!a.contains(external), "{external}");
    }
}

#[test]
fn nothing_to_draw_is_an_error() {
    let nan = TradeoffPoint {
        label: "x".into(),
        x: f64::NAN,
        x_err: 0.0,
        y: 0.1,
        y_err: 0.0,
        pareto: false,
    };
    assert_eq!(
        tradeoff_svg(&[nan], "t", "x").unwrap_err(),
        "no method has a finite accuracy and disparity"
    );
    let empty = Figure {
        title: "t".into(),
        panels: vec![],
        notes: vec![],
    };
    assert!(matches!(render_svg(&empty), Err(PlotError::NothingToDraw)));
}

#[test]
fn small_multiples_with_curves_lay_out_each_panel() {
    let curve = |name: &str, i: usize, shift: f64| Series {
        name: name.into(),
        style: Style::nth(i),
        points: (0..5)
            .map(|k| {
                let t = k as f64 / 4.0;
                Point {
                    x: 0.2 * (1.0 - t) + shift,
                    y: 0.8 - 0.1 * t * t,
                    x_err: 0.01,
                    y_err: 0.005,
                    label: (k == 4).then(|| name.to_string()),
                    filled: true,
                }
            })
            .collect(),
        joined: true,
    };
    let panel = |title: &str| Panel {
        title: Some(title.into()),
        x_label: "dp".into(),
        y_label: "accuracy".into(),
        series: vec![curve("expgrad", 0, 0.0), curve("threshold", 1, 0.01)],
        guides: vec![],
    };
    let figure = Figure {
        title: "curves".into(),
        panels: vec![panel("adult"), panel("compas"), panel("german")],
        notes: vec![],
    };
    let r = render(&figure).unwrap();
    assert_eq!(r.scenes.len(), 3);
    for s in &r.scenes {
        assert_layout(s);
        assert_eq!(s.curves.len(), 2);
        assert_eq!(s.labels.len(), 2);
    }
    // One legend entry per series name, whatever the number of panels.
    assert_eq!(r.svg.matches(">\nexpgrad\n</text>").count(), 3 + 1);
    for t in ["adult", "compas", "german"] {
        assert!(r.svg.contains(&format!(">\n{t}\n</text>")));
    }
}

#[test]
fn label_width_estimate_is_never_narrower_than_dejavu_sans() {
    // Advance widths of DejaVu Sans, written by scripts/font_advance_widths.py.
    let table = include_str!("dejavu_sans_widths.txt");
    let mut chars = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let (code, em) = line.split_once(' ').unwrap();
        let c = char::from(code.parse::<u8>().unwrap());
        let em: f64 = em.parse().unwrap();
        assert!(
            super::layout::text_width(&c.to_string(), 13.0) >= em * 13.0,
            "{c:?}"
        );
        chars += 1;
    }
    assert_eq!(chars, 95);
}

#[test]
fn font_sizes_are_written_as_given() {
    let svg = tradeoff_svg(&default_run(), "t", "dp").unwrap();
    let mut sizes: Vec<&str> = svg
        .split("font-size=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    assert_eq!(sizes, ["12", "12.5", "14", "18"]);
}

#[test]
fn docs_picture_is_the_current_drawing_of_the_default_run() {
    // docs/tradeoff.svg (shown in the README) is what `fairkit compare` with no arguments
    // writes; after a change to the drawing, regenerate it with scripts/docs_tradeoff.sh.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/tradeoff.svg");
    let docs = std::fs::read_to_string(path).unwrap();
    let svg = tradeoff_svg(
        &default_run(),
        "accuracy vs demographic parity difference on biased-credit",
        "demographic parity difference",
    )
    .unwrap();
    assert!(
        docs == svg,
        "docs/tradeoff.svg is stale: run scripts/docs_tradeoff.sh"
    );
}
