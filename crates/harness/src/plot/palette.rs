//! Colours and marker shapes of the series.
//!
//! The colours are Paul Tol's "muted" qualitative scheme (nine colours designed to stay
//! distinct under the common forms of colour blindness, from his *Colour schemes* notes,
//! SRON/EPS/TN/09-002), in his order. Each series also gets a marker shape, a second channel
//! that survives grey-scale printing. Styles are assigned by the series' position in the run
//! ([`Style::nth`]): the first nine series differ in colour and in marker, and the first 81 in
//! the pair. A method keeps its colour and marker in every run that lists the methods in the
//! same order (`fairkit compare` keeps the order of `--methods` or of the experiment file).

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour(pub u8, pub u8, pub u8);

impl Colour {
    /// The colour with each channel scaled by `factor` (below 1 darkens).
    pub fn scaled(self, factor: f64) -> Self {
        let s = |c: u8| (f64::from(c) * factor).round().clamp(0.0, 255.0) as u8;
        Colour(s(self.0), s(self.1), s(self.2))
    }

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Paul Tol's muted scheme: indigo, cyan, teal, green, olive, sand, rose, wine, purple.
pub const TOL_MUTED: [Colour; 9] = [
    Colour(0x33, 0x22, 0x88),
    Colour(0x88, 0xcc, 0xee),
    Colour(0x44, 0xaa, 0x99),
    Colour(0x11, 0x77, 0x33),
    Colour(0x99, 0x99, 0x33),
    Colour(0xdd, 0xcc, 0x77),
    Colour(0xcc, 0x66, 0x77),
    Colour(0x88, 0x22, 0x55),
    Colour(0xaa, 0x44, 0x99),
];

/// The neutral colour of text, axes, guides and leader lines.
pub const INK: Colour = Colour(0x22, 0x22, 0x22);

/// A marker shape; all are closed shapes, so each can be drawn filled or open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// A circle.
    Circle,
    /// A square.
    Square,
    /// A triangle pointing up.
    TriangleUp,
    /// A square standing on a corner.
    Diamond,
    /// A triangle pointing down.
    TriangleDown,
    /// A five-pointed star.
    Star,
    /// A thick plus sign.
    Plus,
    /// A thick diagonal cross.
    Cross,
    /// A triangle pointing right.
    TriangleRight,
}

impl Marker {
    /// All markers, in the order [`Style::nth`] assigns them.
    pub const ALL: [Marker; 9] = [
        Marker::Circle,
        Marker::Square,
        Marker::TriangleUp,
        Marker::Diamond,
        Marker::TriangleDown,
        Marker::Star,
        Marker::Plus,
        Marker::Cross,
        Marker::TriangleRight,
    ];

    /// The outline as a closed polygon (first vertex not repeated) around `(cx, cy)` in pixels,
    /// fitting in a square of half-side `r` (screen coordinates: y grows downwards). Shapes
    /// are scaled so that they look about equally heavy.
    pub fn polygon(self, (cx, cy): (f64, f64), r: f64) -> Vec<(f64, f64)> {
        let regular = |n: usize, radius: f64, start_deg: f64| -> Vec<(f64, f64)> {
            (0..n)
                .map(|i| {
                    let a = (start_deg + 360.0 * i as f64 / n as f64).to_radians();
                    (cx + radius * a.cos(), cy + radius * a.sin())
                })
                .collect()
        };
        let arms = |half_width: f64, rotate: bool| -> Vec<(f64, f64)> {
            let (w, l) = (half_width, r);
            let plus = [
                (w, -l),
                (w, -w),
                (l, -w),
                (l, w),
                (w, w),
                (w, l),
                (-w, l),
                (-w, w),
                (-l, w),
                (-l, -w),
                (-w, -w),
                (-w, -l),
            ];
            let s = std::f64::consts::FRAC_1_SQRT_2;
            plus.iter()
                .map(|&(x, y)| {
                    if rotate {
                        (cx + s * (x - y), cy + s * (x + y))
                    } else {
                        (cx + x, cy + y)
                    }
                })
                .collect()
        };
        match self {
            Marker::Circle => regular(24, r * 0.9, 0.0),
            Marker::Square => regular(4, r * 1.1, 45.0),
            Marker::TriangleUp => regular(3, r, -90.0)
                .into_iter()
                .map(|(x, y)| (x, y + r * 0.2))
                .collect(),
            Marker::Diamond => regular(4, r, -90.0),
            Marker::TriangleDown => regular(3, r, 90.0)
                .into_iter()
                .map(|(x, y)| (x, y - r * 0.2))
                .collect(),
            Marker::Star => (0..10)
                .map(|i| {
                    let radius = if i % 2 == 0 { r } else { r * 0.45 };
                    let a = (-90.0 + 36.0 * i as f64).to_radians();
                    (cx + radius * a.cos(), cy + radius * a.sin())
                })
                .collect(),
            Marker::Plus => arms(r * 0.34, false),
            Marker::Cross => arms(r * 0.3, true),
            Marker::TriangleRight => regular(3, r, 0.0)
                .into_iter()
                .map(|(x, y)| (x - r * 0.2, y))
                .collect(),
        }
    }
}

/// How a series is drawn: its colour and its marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// The colour of the markers, bars and line.
    pub colour: Colour,
    /// The marker shape.
    pub marker: Marker,
}

impl Style {
    /// The style of the `n`-th series (0-based) of a figure: colour `n mod 9` of
    /// [`TOL_MUTED`] and marker `(n + n div 9) mod 9` of [`Marker::ALL`], so that after the
    /// ninth series the markers shift by one against the colours and no pair repeats before
    /// the 82nd series.
    pub fn nth(n: usize) -> Self {
        let k = TOL_MUTED.len();
        Self {
            colour: TOL_MUTED[n % k],
            marker: Marker::ALL[(n + n / k) % Marker::ALL.len()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn muted_scheme_is_tols_published_hex_codes() {
        let hex: Vec<String> = TOL_MUTED.iter().map(|c| c.hex()).collect();
        assert_eq!(
            hex,
            [
                "#332288", "#88ccee", "#44aa99", "#117733", "#999933", "#ddcc77", "#cc6677",
                "#882255", "#aa4499"
            ]
        );
    }

    #[test]
    fn the_first_nine_series_differ_in_colour_and_in_marker_and_81_in_the_pair() {
        let styles: Vec<Style> = (0..9).map(Style::nth).collect();
        for (i, a) in styles.iter().enumerate() {
            for b in &styles[..i] {
                assert_ne!(a.colour, b.colour);
                assert_ne!(a.marker, b.marker);
            }
        }
        let pairs: Vec<Style> = (0..81).map(Style::nth).collect();
        for (i, a) in pairs.iter().enumerate() {
            assert!(!pairs[..i].contains(a), "series {i} repeats a style");
        }
        assert_eq!(Style::nth(81), Style::nth(0));
    }

    #[test]
    fn markers_fit_their_square_and_are_centred() {
        for m in Marker::ALL {
            let poly = m.polygon((100.0, 50.0), 8.0);
            assert!(poly.len() >= 3, "{m:?}");
            for &(x, y) in &poly {
                assert!((x - 100.0).abs() <= 8.0 + 1e-9, "{m:?} x {x}");
                assert!((y - 50.0).abs() <= 8.0 + 1e-9, "{m:?} y {y}");
            }
            let (sx, sy) = poly
                .iter()
                .fold((0.0, 0.0), |(a, b), &(x, y)| (a + x, b + y));
            let n = poly.len() as f64;
            assert!(
                (sx / n - 100.0).abs() <= 2.0 && (sy / n - 50.0).abs() <= 2.0,
                "{m:?}"
            );
        }
    }
}
