//! The logistic loss of a row, its residual and its curvature from portable f64 arithmetic
//! (docs/learners.md#the-logistic-kernel): `exp` by a Taylor polynomial after reduction by
//! `ln 2`, `log1p` by fdlibm's reduction to `[√2/2, √2]` and its polynomial in `s²`, one
//! division per row. Only IEEE-754 additions, multiplications, one division, comparisons
//! (selects) and integer shifts of the bits, in a fixed order and without fused multiply-adds,
//! so the results are the same bits whether the compiler vectorizes the lanes or not, on every
//! x86-64 machine and thread count. [`logistic_rows`] takes [`LANES`] rows at once in arrays,
//! a shape the compiler vectorizes for the baseline target.

/// Rows the array kernel takes at once.
pub(crate) const LANES: usize = 8;

/// `ln 2` split as fdlibm splits it: the high part has 32 significant bits, so `k · LN2_HI` is
/// exact for `|k| < 2^21`.
const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;
const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// `1.5 · 2^52`: adding it rounds a value of magnitude below `2^51` to the nearest integer.
const ROUND: f64 = 6_755_399_441_055_744.0;
/// `2^52 + 1023`: adding it to an integer `k` in `[-1023, 1024]` leaves `k + 1023` in the low
/// bits of the significand.
const BIAS: f64 = 4_503_599_627_371_519.0;
/// Below this `exp` is zero in f64 (the smallest subnormal is `e^{-744.44}`).
const EXP_FLOOR: f64 = -746.0;
/// The smallest exponent applied in one scaling (its power of two is normal).
const SCALE_FLOOR: f64 = -1020.0;

/// `1/n!` for `n = 2..=13`: the Taylor polynomial of `e^r` on `|r| <= ln2/2`, whose
/// truncation error `|r|^14/14! < 5e-18` is below a twentieth of an ulp.
const EXP_TAYLOR: [f64; 12] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
];

/// fdlibm's `__ieee754_log` polynomial: `log(1 + f) = 2s + s·R(s²)` with `s = f/(2 + f)`,
/// `|s| <= 0.1716`, error below `2^-58.45`.
const LG: [f64; 7] = [
    0.6666666666666735,
    0.3999999999940942,
    0.2857142874366239,
    0.22222198432149784,
    0.1818357216161805,
    0.15313837699209373,
    0.14798198605116586,
];

/// `√2 − 1`: `log1p(e)` is reduced by `ln 2` above it.
const SQRT2_M1: f64 = std::f64::consts::SQRT_2 - 1.0;

/// `2^k` for an integer-valued `k` in `[-1022, 1023]`.
#[inline(always)]
fn pow2(k: f64) -> f64 {
    f64::from_bits((k + BIAS).to_bits() << 52)
}

/// `e^x` for `x <= 0` (`x` not NaN), within an ulp of the exact value, subnormal results
/// rounded once, zero below [`EXP_FLOOR`].
#[inline(always)]
pub(crate) fn exp_nonpositive(x: f64) -> f64 {
    let x = x.max(EXP_FLOOR);
    // k = round(x / ln 2), r = x − k ln 2 in two parts (fdlibm's reduction)
    let k = (x * INV_LN2 + ROUND) - ROUND;
    let hi = x - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let mut p = EXP_TAYLOR[11];
    for &c in EXP_TAYLOR[..11].iter().rev() {
        p = p * r + c;
    }
    // e^r = 1 + r + r²·p, with the small correction −lo kept apart from hi
    let expr = 1.0 + (hi + (r * r * p - lo));
    // 2^k in two factors, both normal, so that a subnormal result is rounded once
    let first = k.max(SCALE_FLOOR);
    expr * pow2(first) * pow2(k - first)
}

/// A row's logistic loss `w log(1 + e^{−m})` (`m = sign · z`), its derivative in `z` (the
/// residual) and its second derivative in `z` (the curvature), for label sign `sign` (±1) and
/// weight `w`.
#[inline(always)]
pub(crate) fn logistic(sign: f64, w: f64, z: f64) -> (f64, f64, f64) {
    let margin = sign * z;
    let e = exp_nonpositive(-margin.abs());
    // log1p(e), e in [0, 1]: u = 1 + e = 2^k (1 + f) with 1 + f in [√2/2, √2]
    let u = 1.0 + e;
    let reduce = e > SQRT2_M1;
    // k = 1: f = u/2 − 1 (exact), and c = e − (u − 1) (exact) the rounding of u
    let f = if reduce { 0.5 * u - 1.0 } else { e };
    let c = if reduce { e - (u - 1.0) } else { 0.0 };
    let k = if reduce { 1.0 } else { 0.0 };
    // one division for both 1/u and s = f/(2 + f)
    let two_f = 2.0 + f;
    let q = 1.0 / (u * two_f);
    let inv = two_f * q;
    let s = f * u * q;
    let z2 = s * s;
    let z4 = z2 * z2;
    let t1 = z4 * (LG[1] + z4 * (LG[3] + z4 * LG[5]));
    let t2 = z2 * (LG[0] + z4 * (LG[2] + z4 * (LG[4] + z4 * LG[6])));
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    // log(u) + c/u (fdlibm's assembly, with log1p's correction for the rounding of u)
    let log1p = k * LN2_HI - ((hfsq - (s * (hfsq + r) + (k * LN2_LO + c * inv))) - f);
    let loss = w * ((-margin).max(0.0) + log1p);
    // σ(−m) = e/(1 + e) for m >= 0, 1/(1 + e) otherwise
    let sigmoid_neg = if margin >= 0.0 { e * inv } else { inv };
    let curvature = w * e * inv * inv;
    (loss, -w * sign * sigmoid_neg, curvature)
}

/// [`logistic`] of [`LANES`] rows at once: the same operations lane by lane, so the same bits.
#[inline(always)]
pub(crate) fn logistic_rows(
    sign: &[f64; LANES],
    w: &[f64; LANES],
    z: &[f64; LANES],
) -> ([f64; LANES], [f64; LANES], [f64; LANES]) {
    let mut out = ([0.0; LANES], [0.0; LANES], [0.0; LANES]);
    for l in 0..LANES {
        let (loss, residual, curvature) = logistic(sign[l], w[l], z[l]);
        out.0[l] = loss;
        out.1[l] = residual;
        out.2[l] = curvature;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in ulps between `a` and `b` (same sign or zero).
    fn ulps(a: f64, b: f64) -> u64 {
        if a == b {
            return 0;
        }
        assert!(a.is_finite() && b.is_finite(), "{a} vs {b}");
        assert!(
            a.signum() == b.signum() || a == 0.0 || b == 0.0,
            "{a} vs {b}"
        );
        (a.abs().to_bits() as i64 - b.abs().to_bits() as i64).unsigned_abs()
    }

    /// Points spread over `[lo, hi]` (a fixed sequence: a fine grid and a golden-ratio walk).
    fn points(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
        let golden = 0.618_033_988_749_894_9;
        (0..n).flat_map(move |i| {
            let t = i as f64 / n as f64;
            let u = (i as f64 * golden).fract();
            [lo + (hi - lo) * t, lo + (hi - lo) * u]
        })
    }

    #[test]
    fn exp_is_within_an_ulp_of_std() {
        let mut worst = 0;
        for x in points(-745.5, 0.0, 200_000).chain(points(-1.0, 0.0, 100_000)) {
            let (ours, std) = (exp_nonpositive(x), x.exp());
            // subnormal results: absolute error at most one subnormal step
            let d = ulps(ours, std);
            worst = worst.max(d);
            assert!(d <= 1, "exp({x:e}) = {ours:e}, std {std:e}");
        }
        for x in [
            0.0,
            -0.0,
            -1e-300,
            -5e-324,
            -1e-17,
            -0.5 * LN2_HI,
            -708.4,
            -744.4,
            -745.2,
            -800.0,
            -1e300,
            f64::NEG_INFINITY,
        ] {
            assert!(ulps(exp_nonpositive(x), x.exp()) <= 1, "exp({x:e})");
        }
        assert_eq!(exp_nonpositive(-1e300), 0.0);
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert!(worst <= 1);
    }

    #[test]
    fn loss_residual_and_curvature_are_within_a_few_ulps_of_std() {
        let mut worst = [0_u64; 3];
        let zs = points(-750.0, 750.0, 100_000)
            .chain(points(-40.0, 40.0, 100_000))
            .chain(points(-1e-3, 1e-3, 10_000))
            .chain([
                0.0, -0.0, 1e-300, -1e-300, 700.0, -700.0, 710.0, -710.0, 745.5, -745.5, 1e300,
                -1e300,
            ]);
        for z in zs {
            for sign in [1.0, -1.0] {
                let w = 0.37;
                let margin: f64 = sign * z;
                let e = (-margin.abs()).exp();
                let loss = w * ((-margin).max(0.0) + e.ln_1p());
                let sigmoid_neg = if margin >= 0.0 {
                    e / (1.0 + e)
                } else {
                    1.0 / (1.0 + e)
                };
                let curvature = w * e / ((1.0 + e) * (1.0 + e));
                let expected = (loss, -w * sign * sigmoid_neg, curvature);
                let ours = logistic(sign, w, z);
                assert!(ours.0.is_finite() && ours.1.is_finite() && ours.2.is_finite());
                let d = [
                    ulps(ours.0, expected.0),
                    ulps(ours.1, expected.1),
                    ulps(ours.2, expected.2),
                ];
                for k in 0..3 {
                    worst[k] = worst[k].max(d[k]);
                }
                assert!(
                    d[0] <= 4 && d[1] <= 4 && d[2] <= 6,
                    "z {z:e} sign {sign}: {ours:?} vs {expected:?} ({d:?} ulps)"
                );
            }
        }
        eprintln!("worst ulps (loss, residual, curvature): {worst:?}");
    }

    #[test]
    fn rows_at_once_are_the_same_bits() {
        let z = [-3.5, 0.25, 700.0, -1e-9, 1e-300, -36.0, 0.7, -745.5];
        let sign = [1.0, -1.0, -1.0, 1.0, -1.0, 1.0, 1.0, -1.0];
        let w = [0.1, 2.0, 1.0, 0.5, 3.0, 0.25, 1e-6, 7.0];
        let (loss, residual, curvature) = logistic_rows(&sign, &w, &z);
        for l in 0..LANES {
            let one = logistic(sign[l], w[l], z[l]);
            assert_eq!(
                (
                    loss[l].to_bits(),
                    residual[l].to_bits(),
                    curvature[l].to_bits()
                ),
                (one.0.to_bits(), one.1.to_bits(), one.2.to_bits())
            );
        }
    }
}
