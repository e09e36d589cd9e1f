//! The layout step: a panel's points, bars and lines in pixels, and its labels placed.
//!
//! Label placement is greedy and deterministic. Each label gets candidate boxes around its
//! point: 16 directions at growing distances (the nearest ring touches the marker, the
//! farthest is a few hundred pixels away). A candidate must lie inside the plotting area and
//! keep clear of every label already placed; among those, the one of least cost wins, where
//! the cost counts what the box would hide (markers, error bars, lines, leader lines), its
//! distance from the point, and, for a box farther than [`LEADER_AT`] from its point, the
//! leader line drawn to it and what that line crosses. Crowded points are placed first, then
//! every label is re-placed a few times with the others fixed (a pass keeps a label where it
//! is unless a candidate is strictly cheaper). When no candidate ring fits, a grid over the
//! whole plotting area is tried; a label that fits nowhere is left out (the legend still names
//! its series), so labels never overlap.
//!
//! Text widths are estimated without fonts, per character class, at least as wide as DejaVu
//! Sans (among the widest common sans-serif faces) for every printable ASCII character, so a
//! drawn label stays inside its box.

use super::geometry::{Frame, Px, Rect, Segment, dist, padded, polyline};
use super::model::Panel;

/// The half-side of a marker's square, in pixels.
pub(crate) const MARKER_R: f64 = 7.0;
/// The half-length of an error bar's end cap, in pixels.
pub(crate) const CAP: f64 = 4.0;
/// The label font size, in pixels (one whose size survives plotters' scaling exactly, so the
/// SVG says `12.5`).
pub(crate) const LABEL_PX: f64 = 12.5;
/// Space between a label's text and its box, in pixels.
pub(crate) const LABEL_PAD: f64 = 2.0;
/// A label whose box is farther than this from its point gets a leader line.
pub(crate) const LEADER_AT: f64 = MARKER_R + 6.0;
/// The margin a label box keeps from markers, bars and lines to count as clear of them, in
/// pixels (drawing rounds to whole pixels, and lines are a pixel or two wide).
pub(crate) const CLEARANCE: f64 = 2.0;
/// Share of the data span added on each side of an axis.
const AXIS_MARGIN: f64 = 0.07;

/// The estimated width in pixels of `text` at font size `px`: per-character advance widths,
/// rounded up, of a wide sans-serif face, plus 5 % (checked against DejaVu Sans' advance
/// widths, `scripts/font_advance_widths.py`).
pub(crate) fn text_width(text: &str, px: f64) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 0.40,
            ' ' | 'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' => 0.42,
            'm' | 'w' | 'M' | 'W' | '@' | '%' => 1.0,
            'A'..='Z' => 0.78,
            'a'..='z' | '0'..='9' => 0.64,
            c if c.is_ascii() => 0.80,
            _ => 1.0,
        })
        .sum();
    em * px * 1.05
}

/// A drawn point: its centre, series, fill and the segments of its error bars (with caps).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MarkerMark {
    pub centre: Px,
    pub series: usize,
    pub filled: bool,
    pub bars: Vec<Segment>,
}

/// A placed label: its text, the box it is drawn in, and the leader line from its point's
/// marker to the box when the box is not next to the point.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Label {
    pub text: String,
    pub series: usize,
    pub anchor: Px,
    pub rect: Rect,
    pub leader: Option<Segment>,
}

/// Everything of one panel in pixels, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scene {
    pub frame: Frame,
    pub markers: Vec<MarkerMark>,
    /// Joined series: the series and the polyline through its points.
    pub curves: Vec<(usize, Vec<Px>)>,
    /// Guide lines.
    pub guides: Vec<Vec<Px>>,
    pub labels: Vec<Label>,
    /// Labels that fit nowhere.
    pub unplaced: Vec<String>,
}

/// The data ranges of a panel: every finite point with its whole error bars and every guide
/// vertex, with a margin. `None` when the panel has no finite point.
pub(crate) fn ranges(panel: &Panel) -> Option<((f64, f64), (f64, f64))> {
    let mut x = (f64::INFINITY, f64::NEG_INFINITY);
    let mut y = x;
    let grow = |r: &mut (f64, f64), lo: f64, hi: f64| {
        r.0 = r.0.min(lo);
        r.1 = r.1.max(hi);
    };
    let mut any = false;
    for p in panel.series.iter().flat_map(|s| &s.points) {
        if p.is_finite() {
            any = true;
            grow(&mut x, p.x - p.x_bar(), p.x + p.x_bar());
            grow(&mut y, p.y - p.y_bar(), p.y + p.y_bar());
        }
    }
    for &(gx, gy) in panel.guides.iter().flat_map(|g| &g.points) {
        if gx.is_finite() && gy.is_finite() {
            grow(&mut x, gx, gx);
            grow(&mut y, gy, gy);
        }
    }
    any.then(|| (padded(x.0, x.1, AXIS_MARGIN), padded(y.0, y.1, AXIS_MARGIN)))
}

/// Places a panel in `frame`: points, bars, curves and guides in pixels, and the labels.
pub(crate) fn scene(panel: &Panel, frame: Frame) -> Scene {
    let mut markers = Vec::new();
    let mut wanted = Vec::new();
    let mut curves = Vec::new();
    for (si, series) in panel.series.iter().enumerate() {
        let mut curve = Vec::new();
        for p in series.points.iter().filter(|p| p.is_finite()) {
            let c = frame.pixel(p.x, p.y);
            let mut bars = Vec::new();
            if p.x_bar() > 0.0 {
                let (l, r) = (
                    frame.pixel(p.x - p.x_bar(), p.y),
                    frame.pixel(p.x + p.x_bar(), p.y),
                );
                bars.push(Segment::new(l, r));
                for e in [l, r] {
                    bars.push(Segment::new((e.0, e.1 - CAP), (e.0, e.1 + CAP)));
                }
            }
            if p.y_bar() > 0.0 {
                let (t, b) = (
                    frame.pixel(p.x, p.y + p.y_bar()),
                    frame.pixel(p.x, p.y - p.y_bar()),
                );
                bars.push(Segment::new(t, b));
                for e in [t, b] {
                    bars.push(Segment::new((e.0 - CAP, e.1), (e.0 + CAP, e.1)));
                }
            }
            if let Some(text) = &p.label {
                wanted.push(Wanted {
                    text: text.clone(),
                    series: si,
                    marker: markers.len(),
                    anchor: c,
                    width: text_width(text, LABEL_PX) + 2.0 * LABEL_PAD,
                    height: LABEL_PX + 2.0 * LABEL_PAD,
                });
            }
            markers.push(MarkerMark {
                centre: c,
                series: si,
                filled: p.filled,
                bars,
            });
            curve.push(c);
        }
        if series.joined && curve.len() > 1 {
            curves.push((si, curve));
        }
    }
    let guides: Vec<Vec<Px>> = panel
        .guides
        .iter()
        .map(|g| {
            g.points
                .iter()
                .filter(|p| p.0.is_finite() && p.1.is_finite())
                .map(|&(x, y)| frame.pixel(x, y))
                .collect()
        })
        .collect();
    let lines: Vec<Segment> = curves
        .iter()
        .flat_map(|(_, c)| polyline(c))
        .chain(guides.iter().flat_map(|g| polyline(g)))
        .collect();
    let placer = Placer::new(frame.plot, &markers, &lines, &wanted);
    let placed = placer.place();
    let mut labels = Vec::new();
    let mut unplaced = Vec::new();
    for (w, p) in wanted.iter().zip(placed) {
        match p {
            Some(p) => labels.push(Label {
                text: w.text.clone(),
                series: w.series,
                anchor: w.anchor,
                rect: p.rect,
                leader: p.leader,
            }),
            None => unplaced.push(w.text.clone()),
        }
    }
    Scene {
        frame,
        markers,
        curves,
        guides,
        labels,
        unplaced,
    }
}

struct Wanted {
    text: String,
    series: usize,
    marker: usize,
    anchor: Px,
    width: f64,
    height: f64,
}

#[derive(Debug, Clone, Copy)]
struct Placed {
    rect: Rect,
    leader: Option<Segment>,
    cost: f64,
}

struct Placer<'a> {
    area: Rect,
    markers: &'a [MarkerMark],
    /// The box around each marker and its bars, to skip far markers quickly.
    extents: Vec<Rect>,
    lines: &'a [Segment],
    wanted: &'a [Wanted],
}

/// The smallest rectangle holding both.
fn union(a: Rect, b: Rect) -> Rect {
    Rect {
        x0: a.x0.min(b.x0),
        y0: a.y0.min(b.y0),
        x1: a.x1.max(b.x1),
        y1: a.y1.max(b.y1),
    }
}

fn bounds(s: &Segment) -> Rect {
    union(Rect::around(s.a, 0.0), Rect::around(s.b, 0.0))
}

/// Distances (pixels beyond the marker) of the candidate rings.
const RINGS: [f64; 14] = [
    3.0, 9.0, 16.0, 25.0, 36.0, 50.0, 66.0, 85.0, 108.0, 135.0, 166.0, 202.0, 245.0, 295.0,
];
/// Directions in degrees (screen coordinates, so -45 is up-right), most preferred first.
const DIRECTIONS: [f64; 16] = [
    -45.0, 45.0, -135.0, 135.0, 0.0, 180.0, -90.0, 90.0, -22.5, 22.5, -157.5, 157.5, -67.5, -112.5,
    67.5, 112.5,
];
/// How many re-placement passes follow the greedy pass.
const PASSES: usize = 4;
/// The step of the fallback grid, in pixels.
const GRID: f64 = 6.0;

impl<'a> Placer<'a> {
    fn new(
        area: Rect,
        markers: &'a [MarkerMark],
        lines: &'a [Segment],
        wanted: &'a [Wanted],
    ) -> Self {
        let extents = markers
            .iter()
            .map(|m| {
                m.bars
                    .iter()
                    .map(bounds)
                    .fold(Rect::around(m.centre, MARKER_R + 1.0), union)
                    .inflate(1.0)
            })
            .collect();
        Self {
            area,
            markers,
            extents,
            lines,
            wanted,
        }
    }

    fn place(&self) -> Vec<Option<Placed>> {
        let n = self.wanted.len();
        // Crowded points first: they have the fewest good places.
        let crowd = |w: &Wanted| {
            self.markers
                .iter()
                .filter(|m| dist(m.centre, w.anchor) < 60.0)
                .count()
        };
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            crowd(&self.wanted[b])
                .cmp(&crowd(&self.wanted[a]))
                .then(a.cmp(&b))
        });
        let mut placed: Vec<Option<Placed>> = vec![None; n];
        for &i in &order {
            placed[i] = self.best(i, &placed, None, true);
        }
        for _ in 0..PASSES {
            let mut changed = false;
            for &i in &order {
                let current = placed[i].take();
                let keep = current.and_then(|c| self.cost(i, c.rect, &placed, f64::INFINITY));
                let best = self.best(i, &placed, keep, false);
                changed |= best.map(|b| b.rect) != current.map(|c| c.rect);
                placed[i] = best;
            }
            if !changed {
                break;
            }
        }
        placed
    }

    /// The cheapest place for label `i` given the others, or `incumbent` unless a candidate
    /// is strictly cheaper; with `grid`, the whole area is searched when no ring fits.
    fn best(
        &self,
        i: usize,
        placed: &[Option<Placed>],
        incumbent: Option<Placed>,
        grid: bool,
    ) -> Option<Placed> {
        let w = &self.wanted[i];
        let mut best = incumbent;
        let consider = |best: &mut Option<Placed>, rect: Rect, rank: f64| {
            let bound = best.map_or(f64::INFINITY, |b| b.cost - rank);
            if let Some(mut p) = self.cost(i, rect, placed, bound) {
                p.cost += rank;
                if best.is_none_or(|b| p.cost < b.cost) {
                    *best = Some(p);
                }
            }
        };
        for &ring in &RINGS {
            for (rank, &deg) in DIRECTIONS.iter().enumerate() {
                consider(
                    &mut best,
                    candidate(w, deg, MARKER_R + ring),
                    0.5 * rank as f64,
                );
            }
        }
        if best.is_some() || !grid {
            return best;
        }
        let (area, (mut x, mut y)) = (self.area, (self.area.x0 + 1.0, self.area.y0 + 1.0));
        while y + w.height <= area.y1 - 1.0 {
            while x + w.width <= area.x1 - 1.0 {
                consider(&mut best, Rect::new(x, y, w.width, w.height), 0.0);
                x += GRID;
            }
            x = area.x0 + 1.0;
            y += GRID;
        }
        best
    }

    /// The cost of drawing label `i` in `rect`, and its leader line; `None` when the box
    /// leaves the plotting area or touches another placed label, or when the cost would not
    /// be below `bound` (a cheaper place is known).
    fn cost(&self, i: usize, rect: Rect, placed: &[Option<Placed>], bound: f64) -> Option<Placed> {
        let w = &self.wanted[i];
        if !self.area.inflate(-1.0).contains_rect(&rect) {
            return None;
        }
        let others = || {
            placed
                .iter()
                .enumerate()
                .filter(move |(j, _)| *j != i)
                .filter_map(|(_, p)| p.as_ref())
        };
        if others().any(|p| p.rect.inflate(1.0).overlaps(&rect.inflate(1.0))) {
            return None;
        }
        let mut cost = 0.0;
        // Drawn marks land on whole pixels and lines have width, so the box keeps a margin.
        let clear = rect.inflate(CLEARANCE);
        for (m, extent) in self.markers.iter().zip(&self.extents) {
            if !extent.overlaps(&clear) {
                continue;
            }
            if Rect::around(m.centre, MARKER_R).overlaps(&clear) {
                cost += 1000.0;
            }
            cost += 150.0 * m.bars.iter().filter(|s| clear.meets(s)).count() as f64;
        }
        cost += 40.0 * self.lines.iter().filter(|s| clear.meets(s)).count() as f64;
        cost += 300.0
            * others()
                .filter(|p| p.leader.is_some_and(|l| clear.meets(&l)))
                .count() as f64;

        let gap = rect.distance(w.anchor);
        cost += gap;
        let needs_leader = gap > LEADER_AT;
        if cost + if needs_leader { 20.0 } else { 0.0 } >= bound {
            return None;
        }
        let leader = if needs_leader {
            // The leader ends where it is cheapest among the box's nearest point, corners and
            // edge midpoints (never through the box), e.g. not along its own error bar.
            let (l, c) = leader_ends(&rect, w.anchor)
                .into_iter()
                .map(|end| leader_from(w.anchor, end))
                .filter(|l| !rect.inflate(-0.5).meets(l))
                .map(|l| {
                    let longer = dist(l.b, w.anchor) - gap;
                    (l, self.leader_cost(i, &l, placed) + 0.5 * longer)
                })
                .min_by(|a, b| a.1.total_cmp(&b.1))?;
            cost += 20.0 + c;
            Some(l)
        } else {
            None
        };
        Some(Placed { rect, leader, cost })
    }

    /// What a leader line of label `i` hides or crosses.
    fn leader_cost(&self, i: usize, l: &Segment, placed: &[Option<Placed>]) -> f64 {
        let w = &self.wanted[i];
        let mut cost = 0.0;
        // A leader along its own point's error bar reads as part of the bar.
        let own = &self.markers[w.marker];
        if own.bars.iter().any(|b| along(l, b, own.centre)) {
            cost += 150.0;
        }
        let reach = bounds(l);
        for (k, (m, extent)) in self.markers.iter().zip(&self.extents).enumerate() {
            if k != w.marker && extent.overlaps(&reach) {
                if Rect::around(m.centre, MARKER_R).meets(l) {
                    cost += 200.0;
                }
                cost += 15.0 * m.bars.iter().filter(|s| s.crosses(l)).count() as f64;
            }
        }
        let others = placed
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .filter_map(|(_, p)| p.as_ref());
        for p in others {
            if p.rect.meets(l) {
                cost += 300.0;
            }
            if p.leader.is_some_and(|o| o.crosses(l)) {
                cost += 80.0;
            }
        }
        cost
    }
}

/// The points of `rect` a leader from `anchor` may end at: the nearest point, the corners and
/// the edge midpoints.
fn leader_ends(rect: &Rect, anchor: Px) -> [Px; 9] {
    let (xm, ym) = ((rect.x0 + rect.x1) / 2.0, (rect.y0 + rect.y1) / 2.0);
    [
        rect.nearest(anchor),
        (rect.x0, rect.y0),
        (rect.x1, rect.y0),
        (rect.x0, rect.y1),
        (rect.x1, rect.y1),
        (xm, rect.y0),
        (xm, rect.y1),
        (rect.x0, ym),
        (rect.x1, ym),
    ]
}

/// The leader line from the edge of the marker at `anchor` to `end`.
fn leader_from(anchor: Px, end: Px) -> Segment {
    let d = dist(end, anchor);
    let start = (
        anchor.0 + (end.0 - anchor.0) * (MARKER_R + 1.0) / d,
        anchor.1 + (end.1 - anchor.1) * (MARKER_R + 1.0) / d,
    );
    Segment::new(start, end)
}

/// Whether `leader` runs within 20 degrees of the error bar `bar` that passes through `centre`
/// (bars' end caps do not pass through the centre).
fn along(leader: &Segment, bar: &Segment, centre: Px) -> bool {
    let through = |s: &Segment| {
        let (dx, dy) = (s.b.0 - s.a.0, s.b.1 - s.a.1);
        let cross = (centre.0 - s.a.0) * dy - (centre.1 - s.a.1) * dx;
        cross.abs() <= 0.5 * dx.hypot(dy)
    };
    let unit = |s: &Segment| {
        let (dx, dy) = (s.b.0 - s.a.0, s.b.1 - s.a.1);
        let n = dx.hypot(dy);
        (dx / n, dy / n)
    };
    if !through(bar) || dist(bar.a, bar.b) == 0.0 {
        return false;
    }
    let (a, b) = (unit(leader), unit(bar));
    (a.0 * b.0 + a.1 * b.1).abs() > 20f64.to_radians().cos()
}

/// The box of label `w` in direction `deg` at distance `d` from its point: the box's side or
/// corner that faces the point sits on the ray.
fn candidate(w: &Wanted, deg: f64, d: f64) -> Rect {
    let (s, c) = deg.to_radians().sin_cos();
    let side = |v: f64| (v * std::f64::consts::SQRT_2).clamp(-1.0, 1.0);
    Rect::new(
        w.anchor.0 + d * c - w.width * (1.0 - side(c)) / 2.0,
        w.anchor.1 + d * s - w.height * (1.0 - side(s)) / 2.0,
        w.width,
        w.height,
    )
}
