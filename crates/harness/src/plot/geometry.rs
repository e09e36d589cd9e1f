//! Pixel geometry: rectangles, segments and the data-to-pixel frame of a panel.

/// A point in pixels (screen coordinates: y grows downwards).
pub(crate) type Px = (f64, f64);

/// An axis-aligned rectangle in pixels, `x0 <= x1` and `y0 <= y1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn new(x0: f64, y0: f64, width: f64, height: f64) -> Self {
        Self {
            x0,
            y0,
            x1: x0 + width,
            y1: y0 + height,
        }
    }

    /// The square of half-side `r` around `c`.
    pub fn around(c: Px, r: f64) -> Self {
        Self {
            x0: c.0 - r,
            y0: c.1 - r,
            x1: c.0 + r,
            y1: c.1 + r,
        }
    }

    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// The rectangle grown by `d` on every side (shrunk when `d < 0`).
    pub fn inflate(&self, d: f64) -> Self {
        Self {
            x0: self.x0 - d,
            y0: self.y0 - d,
            x1: self.x1 + d,
            y1: self.y1 + d,
        }
    }

    /// Whether the interiors intersect (touching edges do not count).
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    pub fn contains_rect(&self, o: &Rect) -> bool {
        o.x0 >= self.x0 && o.x1 <= self.x1 && o.y0 >= self.y0 && o.y1 <= self.y1
    }

    #[cfg(test)]
    pub fn contains(&self, p: Px) -> bool {
        p.0 >= self.x0 && p.0 <= self.x1 && p.1 >= self.y0 && p.1 <= self.y1
    }

    /// The point of the rectangle nearest to `p` (`p` itself when inside).
    pub fn nearest(&self, p: Px) -> Px {
        (p.0.clamp(self.x0, self.x1), p.1.clamp(self.y0, self.y1))
    }

    /// Euclidean distance from `p` to the rectangle (0 inside).
    pub fn distance(&self, p: Px) -> f64 {
        dist(p, self.nearest(p))
    }

    /// Whether the segment meets the rectangle (Liang-Barsky clipping).
    pub fn meets(&self, s: &Segment) -> bool {
        let (dx, dy) = (s.b.0 - s.a.0, s.b.1 - s.a.1);
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        for (p, q) in [
            (-dx, s.a.0 - self.x0),
            (dx, self.x1 - s.a.0),
            (-dy, s.a.1 - self.y0),
            (dy, self.y1 - s.a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
                if t0 > t1 {
                    return false;
                }
            }
        }
        true
    }
}

/// A line segment in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Segment {
    pub a: Px,
    pub b: Px,
}

impl Segment {
    pub fn new(a: Px, b: Px) -> Self {
        Self { a, b }
    }

    /// Whether two segments cross at a point strictly inside both (shared end points and
    /// collinear touching do not count).
    pub fn crosses(&self, o: &Segment) -> bool {
        let orient = |p: Px, q: Px, r: Px| (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0);
        let d1 = orient(o.a, o.b, self.a);
        let d2 = orient(o.a, o.b, self.b);
        let d3 = orient(self.a, self.b, o.a);
        let d4 = orient(self.a, self.b, o.b);
        d1 * d2 < 0.0 && d3 * d4 < 0.0
    }
}

pub(crate) fn dist(a: Px, b: Px) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

/// The segments of a polyline.
pub(crate) fn polyline(points: &[Px]) -> Vec<Segment> {
    points
        .windows(2)
        .map(|w| Segment::new(w[0], w[1]))
        .collect()
}

/// Where a panel's data lands in pixels: the plotting rectangle and the data ranges it shows.
/// It maps like plotters' cartesian coordinates (the first and last pixel of the plotting
/// area are the ends of the ranges), without rounding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frame {
    pub plot: Rect,
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Frame {
    pub fn pixel(&self, x: f64, y: f64) -> Px {
        let tx = (x - self.x.0) / (self.x.1 - self.x.0);
        let ty = (y - self.y.0) / (self.y.1 - self.y.0);
        (
            self.plot.x0 + tx * self.plot.width(),
            self.plot.y1 - ty * self.plot.height(),
        )
    }
}

/// The range shown for values spanning `lo..=hi`: widened by `margin` of the span on each
/// side, or around the value when the span is (nearly) zero.
pub(crate) fn padded(lo: f64, hi: f64, margin: f64) -> (f64, f64) {
    let span = hi - lo;
    let scale = lo.abs().max(hi.abs());
    if span <= scale * 1e-9 || span == 0.0 {
        let pad = (scale * 0.05).max(1e-3);
        (lo - pad, hi + pad)
    } else {
        (lo - span * margin, hi + span * margin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_meet_rectangles_only_when_they_touch_them() {
        let r = Rect::new(10.0, 10.0, 20.0, 10.0);
        assert!(r.meets(&Segment::new((0.0, 15.0), (40.0, 15.0))));
        assert!(r.meets(&Segment::new((15.0, 12.0), (16.0, 13.0))));
        assert!(r.meets(&Segment::new((0.0, 0.0), (40.0, 40.0))));
        assert!(!r.meets(&Segment::new((0.0, 0.0), (9.0, 40.0))));
        assert!(!r.meets(&Segment::new((0.0, 25.0), (40.0, 25.0))));
        assert!(!r.meets(&Segment::new((31.0, 0.0), (31.0, 40.0))));
    }

    #[test]
    fn crossing_is_strict() {
        let s = Segment::new((0.0, 0.0), (10.0, 10.0));
        assert!(s.crosses(&Segment::new((0.0, 10.0), (10.0, 0.0))));
        assert!(!s.crosses(&Segment::new((10.0, 10.0), (20.0, 0.0))));
        assert!(!s.crosses(&Segment::new((5.0, 0.0), (20.0, 0.0))));
    }

    #[test]
    fn frame_maps_range_ends_to_the_plot_corners() {
        let f = Frame {
            plot: Rect::new(100.0, 50.0, 600.0, 400.0),
            x: (-1.0, 1.0),
            y: (0.5, 0.7),
        };
        assert_eq!(f.pixel(-1.0, 0.5), (100.0, 450.0));
        assert_eq!(f.pixel(1.0, 0.7), (700.0, 50.0));
        assert_eq!(f.pixel(0.0, 0.6).0, 400.0);
    }

    #[test]
    fn padding_widens_by_the_margin_and_handles_a_single_value() {
        assert_eq!(padded(0.0, 1.0, 0.1), (-0.1, 1.1));
        let (lo, hi) = padded(0.5, 0.5, 0.1);
        assert!(lo < 0.5 && hi > 0.5);
        let (lo, hi) = padded(0.0, 0.0, 0.1);
        assert!(lo < 0.0 && hi > 0.0);
    }
}
