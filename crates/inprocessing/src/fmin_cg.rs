//! scipy's nonlinear conjugate gradient (`scipy.optimize.fmin_cg`, scipy 1.17) step for step, so
//! that the prejudice remover's AIF360-compatible mode stops where AIF360 stops
//! (docs/inprocessing.md#prejudice-remover).
//!
//! Polak–Ribière+ directions; each step's length from MINPACK-2's `dcsrch` (Moré–Thuente,
//! `c1 = 1e-4`, `c2 = 0.4`, `xtol = 1e-14`, steps in `[1e-100, 1e100]`, 100 trials, the first
//! trial from the previous decrease) with Gilbert and Nocedal's sufficient-descent check on the
//! next direction; when that fails, the fallback line search of Nocedal and Wright (algorithms
//! 3.5 and 3.6: bracketing then zoom by cubic, quadratic or bisection steps, 10 trials each);
//! when both fail the run stops. Convergence: the largest absolute gradient entry at most
//! `gtol`. The optimizer trusts the gradient it is given, right or wrong: that is the point.

use ndarray::Array1;

/// `c1` of the Wolfe conditions (sufficient decrease).
const C1: f64 = 1e-4;
/// `c2` of the Wolfe conditions (curvature), scipy's default for conjugate gradient.
const C2: f64 = 0.4;
/// Gilbert–Nocedal sufficient-descent constant.
const SIGMA3: f64 = 0.01;

/// Python's `max(a, b)`: `a` unless `b > a` (so a NaN `b` is skipped, a NaN `a` kept).
fn py_max(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

/// Python's `min(a, b)`: `a` unless `b < a`.
fn py_min(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

/// numpy's `clip(a, lo, hi)` = `minimum(maximum(a, lo), hi)` (NaN kept; never panics, unlike
/// `f64::clamp`, when `lo > hi`).
fn np_clip(a: f64, lo: f64, hi: f64) -> f64 {
    let m = if a < lo { lo } else { a };
    if m > hi { hi } else { m }
}

/// numpy's `sign` (0 for 0, NaN for NaN).
fn sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        v
    }
}

/// How a run ended (scipy's `warnflag`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CgStatus {
    /// The gradient's largest entry fell to `gtol` (0).
    Converged,
    /// `maxiter` iterations (1).
    MaxIterations,
    /// Neither line search found a step (2): the usual end with a wrong gradient.
    LineSearchFailed,
    /// A NaN in the point, the loss or the gradient (3).
    NotFinite,
}

/// The result of [`fmin_cg`].
#[derive(Debug, Clone)]
pub(crate) struct CgOutcome {
    /// The last accepted point.
    pub x: Array1<f64>,
    /// Accepted steps.
    pub iterations: u64,
    /// Why it stopped.
    pub status: CgStatus,
}

/// The loss and the gradient the optimizer follows (which need not be the loss's gradient).
pub(crate) trait CgProblem {
    /// The loss at `x`.
    fn loss(&self, x: &Array1<f64>) -> f64;
    /// The gradient to follow at `x`.
    fn grad(&self, x: &Array1<f64>) -> Array1<f64>;
}

/// The infinity norm (scipy's `vecnorm(g, ord=inf)`).
fn inf_norm(g: &Array1<f64>) -> f64 {
    g.iter().fold(0.0, |m, v| py_max(m, v.abs()))
}

/// One Polak–Ribière+ update at step `alpha`: (alpha, x, next direction, gradient, its norm).
type Step = (f64, Array1<f64>, Array1<f64>, Array1<f64>, f64);

/// The line along `pk` from `xk`; records the last gradient evaluated (scipy's `gval`).
struct Line<'a, P: CgProblem> {
    problem: &'a P,
    xk: &'a Array1<f64>,
    pk: &'a Array1<f64>,
    gval: Option<Array1<f64>>,
    gval_alpha: Option<f64>,
}

impl<P: CgProblem> Line<'_, P> {
    fn at(&self, s: f64) -> Array1<f64> {
        self.xk + &(self.pk * s)
    }
    fn phi(&self, s: f64) -> f64 {
        self.problem.loss(&self.at(s))
    }
    fn derphi(&mut self, s: f64) -> f64 {
        let g = self.problem.grad(&self.at(s));
        let d = g.dot(self.pk);
        self.gval = Some(g);
        self.gval_alpha = Some(s);
        d
    }
}

/// MINPACK-2 `dcsrch` state (scipy's `DCSRCH`).
struct Dcsrch {
    brackt: bool,
    stage: u8,
    ginit: f64,
    gtest: f64,
    gx: f64,
    gy: f64,
    finit: f64,
    fx: f64,
    fy: f64,
    stx: f64,
    sty: f64,
    stmin: f64,
    stmax: f64,
    width: f64,
    width1: f64,
    ftol: f64,
    gtol: f64,
    xtol: f64,
    stpmin: f64,
    stpmax: f64,
}

/// What `dcsrch` asks for next.
enum Task {
    /// Evaluate at the returned step.
    Evaluate,
    /// The step satisfies the strong Wolfe conditions.
    Converged,
    /// A warning or an error: no step.
    Failed,
}

impl Dcsrch {
    fn new(ftol: f64, gtol: f64, xtol: f64, stpmin: f64, stpmax: f64) -> Self {
        Self {
            brackt: false,
            stage: 1,
            ginit: 0.0,
            gtest: 0.0,
            gx: 0.0,
            gy: 0.0,
            finit: 0.0,
            fx: 0.0,
            fy: 0.0,
            stx: 0.0,
            sty: 0.0,
            stmin: 0.0,
            stmax: 0.0,
            width: 0.0,
            width1: 0.0,
            ftol,
            gtol,
            xtol,
            stpmin,
            stpmax,
        }
    }

    /// The start: checks, then asks for the first trial `stp`.
    fn start(&mut self, stp: f64, f: f64, g: f64) -> Task {
        if stp < self.stpmin
            || stp > self.stpmax
            || g >= 0.0
            || self.ftol < 0.0
            || self.gtol < 0.0
            || self.xtol < 0.0
            || self.stpmin < 0.0
            || self.stpmax < self.stpmin
        {
            return Task::Failed;
        }
        self.brackt = false;
        self.stage = 1;
        self.finit = f;
        self.ginit = g;
        self.gtest = self.ftol * self.ginit;
        self.width = self.stpmax - self.stpmin;
        self.width1 = self.width / 0.5;
        self.stx = 0.0;
        self.fx = self.finit;
        self.gx = self.ginit;
        self.sty = 0.0;
        self.fy = self.finit;
        self.gy = self.ginit;
        self.stmin = 0.0;
        self.stmax = stp + 4.0 * stp;
        Task::Evaluate
    }

    /// One iteration: `f`, `g` at `stp`; returns the next step and what to do.
    fn iterate(&mut self, mut stp: f64, f: f64, g: f64) -> (f64, Task) {
        let ftest = self.finit + stp * self.gtest;
        if self.stage == 1 && f <= ftest && g >= 0.0 {
            self.stage = 2;
        }
        let mut task = None;
        if self.brackt && (stp <= self.stmin || stp >= self.stmax) {
            task = Some(Task::Failed);
        }
        if self.brackt && self.stmax - self.stmin <= self.xtol * self.stmax {
            task = Some(Task::Failed);
        }
        if stp == self.stpmax && f <= ftest && g <= self.gtest {
            task = Some(Task::Failed);
        }
        if stp == self.stpmin && (f > ftest || g >= self.gtest) {
            task = Some(Task::Failed);
        }
        if f <= ftest && g.abs() <= self.gtol * -self.ginit {
            task = Some(Task::Converged);
        }
        if let Some(task) = task {
            return (stp, task);
        }
        if self.stage == 1 && f <= self.fx && f > ftest {
            // The modified function ψ(α) = φ(α) − φ(0) − α·gtest.
            let fm = f - stp * self.gtest;
            let mut fxm = self.fx - self.stx * self.gtest;
            let mut fym = self.fy - self.sty * self.gtest;
            let gm = g - self.gtest;
            let mut gxm = self.gx - self.gtest;
            let mut gym = self.gy - self.gtest;
            let mut b = Bracket {
                stx: self.stx,
                fx: &mut fxm,
                dx: &mut gxm,
                sty: self.sty,
                fy: &mut fym,
                dy: &mut gym,
            };
            let (next, brackt) = dcstep(&mut b, stp, fm, gm, self.brackt, self.stmin, self.stmax);
            self.stx = b.stx;
            self.sty = b.sty;
            stp = next;
            self.brackt = brackt;
            self.fx = fxm + self.stx * self.gtest;
            self.fy = fym + self.sty * self.gtest;
            self.gx = gxm + self.gtest;
            self.gy = gym + self.gtest;
        } else {
            let (mut fx, mut gx, mut fy, mut gy) = (self.fx, self.gx, self.fy, self.gy);
            let mut b = Bracket {
                stx: self.stx,
                fx: &mut fx,
                dx: &mut gx,
                sty: self.sty,
                fy: &mut fy,
                dy: &mut gy,
            };
            let (next, brackt) = dcstep(&mut b, stp, f, g, self.brackt, self.stmin, self.stmax);
            self.stx = b.stx;
            self.sty = b.sty;
            (self.fx, self.gx, self.fy, self.gy) = (fx, gx, fy, gy);
            stp = next;
            self.brackt = brackt;
        }
        if self.brackt {
            if (self.sty - self.stx).abs() >= 0.66 * self.width1 {
                stp = self.stx + 0.5 * (self.sty - self.stx);
            }
            self.width1 = self.width;
            self.width = (self.sty - self.stx).abs();
            self.stmin = py_min(self.stx, self.sty);
            self.stmax = py_max(self.stx, self.sty);
        } else {
            self.stmin = stp + 1.1 * (stp - self.stx);
            self.stmax = stp + 4.0 * (stp - self.stx);
        }
        stp = np_clip(stp, self.stpmin, self.stpmax);
        if self.brackt
            && (stp <= self.stmin
                || stp >= self.stmax
                || self.stmax - self.stmin <= self.xtol * self.stmax)
        {
            stp = self.stx;
        }
        (stp, Task::Evaluate)
    }
}

/// The interval `dcstep` updates: best step so far (`stx`) and the other end (`sty`).
struct Bracket<'a> {
    stx: f64,
    fx: &'a mut f64,
    dx: &'a mut f64,
    sty: f64,
    fy: &'a mut f64,
    dy: &'a mut f64,
}

/// MINPACK-2 `dcstep`: the safeguarded cubic / quadratic trial step; returns it and `brackt`.
fn dcstep(
    b: &mut Bracket<'_>,
    stp: f64,
    fp: f64,
    dp: f64,
    mut brackt: bool,
    stpmin: f64,
    stpmax: f64,
) -> (f64, bool) {
    let (stx, fx, dx) = (b.stx, *b.fx, *b.dx);
    let (sty, fy, dy) = (b.sty, *b.fy, *b.dy);
    let sgnd = sign(dp) * sign(dx);
    let scale3 = |a: f64, c: f64, d: f64| py_max(py_max(a.abs(), c.abs()), d.abs());
    let stpf;
    if fp > fx {
        let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        let s = scale3(theta, dx, dp);
        let mut gamma = s * ((theta / s).powi(2) - (dx / s) * (dp / s)).sqrt();
        if stp < stx {
            gamma = -gamma;
        }
        let p = (gamma - dx) + theta;
        let q = ((gamma - dx) + gamma) + dp;
        let r = p / q;
        let stpc = stx + r * (stp - stx);
        let stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx);
        stpf = if (stpc - stx).abs() <= (stpq - stx).abs() {
            stpc
        } else {
            stpc + (stpq - stpc) / 2.0
        };
        brackt = true;
    } else if sgnd < 0.0 {
        let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        let s = scale3(theta, dx, dp);
        let mut gamma = s * ((theta / s).powi(2) - (dx / s) * (dp / s)).sqrt();
        if stp > stx {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = ((gamma - dp) + gamma) + dx;
        let r = p / q;
        let stpc = stp + r * (stx - stp);
        let stpq = stp + (dp / (dp - dx)) * (stx - stp);
        stpf = if (stpc - stp).abs() > (stpq - stp).abs() {
            stpc
        } else {
            stpq
        };
        brackt = true;
    } else if dp.abs() < dx.abs() {
        let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        let s = scale3(theta, dx, dp);
        let mut gamma = s * py_max(0.0, (theta / s).powi(2) - (dx / s) * (dp / s)).sqrt();
        if stp > stx {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = (gamma + (dx - dp)) + gamma;
        let r = p / q;
        let stpc = if r < 0.0 && gamma != 0.0 {
            stp + r * (stx - stp)
        } else if stp > stx {
            stpmax
        } else {
            stpmin
        };
        let stpq = stp + (dp / (dp - dx)) * (stx - stp);
        if brackt {
            let f = if (stpc - stp).abs() < (stpq - stp).abs() {
                stpc
            } else {
                stpq
            };
            stpf = if stp > stx {
                py_min(stp + 0.66 * (sty - stp), f)
            } else {
                py_max(stp + 0.66 * (sty - stp), f)
            };
        } else {
            let f = if (stpc - stp).abs() > (stpq - stp).abs() {
                stpc
            } else {
                stpq
            };
            stpf = np_clip(f, stpmin, stpmax);
        }
    } else if brackt {
        let theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp;
        let s = scale3(theta, dy, dp);
        let mut gamma = s * ((theta / s).powi(2) - (dy / s) * (dp / s)).sqrt();
        if stp > sty {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = ((gamma - dp) + gamma) + dy;
        let r = p / q;
        stpf = stp + r * (sty - stp);
    } else if stp > stx {
        stpf = stpmax;
    } else {
        stpf = stpmin;
    }
    if fp > fx {
        b.sty = stp;
        *b.fy = fp;
        *b.dy = dp;
    } else {
        if sgnd < 0.0 {
            b.sty = stx;
            *b.fy = fx;
            *b.dy = dx;
        }
        b.stx = stp;
        *b.fx = fp;
        *b.dx = dp;
    }
    (stpf, brackt)
}

/// The first trial step from the previous decrease (scipy's `alpha1`).
fn first_step(phi0: f64, old_phi0: f64, derphi0: f64) -> f64 {
    if derphi0 != 0.0 {
        let a = py_min(1.0, 1.01 * 2.0 * (phi0 - old_phi0) / derphi0);
        if a < 0.0 { 1.0 } else { a }
    } else {
        1.0
    }
}

/// A line search's result: step, loss there, loss at the start (scipy may replace it), the
/// gradient at the step if known.
type Found = (Option<f64>, f64, f64, Option<Array1<f64>>);

/// scipy's `line_search_wolfe1`: `dcsrch` driven for at most 100 trials.
fn wolfe1<P: CgProblem>(
    line: &mut Line<'_, P>,
    gfk: &Array1<f64>,
    phi0: f64,
    old_phi0: f64,
) -> Found {
    let derphi0 = gfk.dot(line.pk);
    line.gval = Some(gfk.clone());
    let mut stp = first_step(phi0, old_phi0, derphi0);
    let mut search = Dcsrch::new(C1, C2, 1e-14, 1e-100, 1e100);
    let (mut phi1, mut derphi1) = (phi0, derphi0);
    let mut first = true;
    for _ in 0..100 {
        let (next, task) = if first {
            first = false;
            (stp, search.start(stp, phi1, derphi1))
        } else {
            search.iterate(stp, phi1, derphi1)
        };
        stp = next;
        if !stp.is_finite() {
            return (None, phi1, phi0, line.gval.clone());
        }
        match task {
            Task::Evaluate => {
                phi1 = line.phi(stp);
                derphi1 = line.derphi(stp);
            }
            Task::Converged => return (Some(stp), phi1, phi0, line.gval.clone()),
            Task::Failed => return (None, phi1, phi0, line.gval.clone()),
        }
    }
    (None, phi1, phi0, line.gval.clone())
}

/// scipy's `_cubicmin`: the minimizer of the cubic through `(a, fa)` with slope `fpa`, `(b, fb)`
/// and `(c, fc)`; `None` where numpy would raise (division by zero, overflow, invalid).
fn cubicmin(a: f64, fa: f64, fpa: f64, b: f64, fb: f64, c: f64, fc: f64) -> Option<f64> {
    let cc = fpa;
    let db = b - a;
    let dc = c - a;
    let denom = (db * dc).powi(2) * (db - dc);
    let (u, v) = (fb - fa - cc * db, fc - fa - cc * dc);
    let aa = dc.powi(2) * u + (-db.powi(2)) * v;
    let bb = (-dc.powi(3)) * u + db.powi(3) * v;
    if denom == 0.0 || !aa.is_finite() || !bb.is_finite() {
        return None;
    }
    let (aa, bb) = (aa / denom, bb / denom);
    let radical = bb * bb - 3.0 * aa * cc;
    if radical.is_nan() || radical < 0.0 || aa == 0.0 || !aa.is_finite() || !bb.is_finite() {
        return None;
    }
    let xmin = a + (-bb + radical.sqrt()) / (3.0 * aa);
    xmin.is_finite().then_some(xmin)
}

/// scipy's `_quadmin`: the minimizer of the quadratic through `(a, fa)` with slope `fpa` and
/// `(b, fb)`; `None` where numpy would raise.
fn quadmin(a: f64, fa: f64, fpa: f64, b: f64, fb: f64) -> Option<f64> {
    let db = b - a;
    if db == 0.0 {
        return None;
    }
    let bb = (fb - fa - fpa * db) / (db * db);
    if bb == 0.0 || !bb.is_finite() {
        return None;
    }
    let xmin = a - fpa / (2.0 * bb);
    xmin.is_finite().then_some(xmin)
}

/// Checks the sufficient-descent condition at a step (scipy's `descent_condition`), caching
/// the update it computes.
struct Descent<'a, P: CgProblem> {
    problem: &'a P,
    gfk: &'a Array1<f64>,
    deltak: f64,
    gtol: f64,
    cached: Option<Step>,
}

impl<P: CgProblem> Descent<'_, P> {
    fn step(&self, xk: &Array1<f64>, pk: &Array1<f64>, alpha: f64, g: Option<Array1<f64>>) -> Step {
        let x = xk + &(pk * alpha);
        let g = g.unwrap_or_else(|| self.problem.grad(&x));
        let yk = &g - self.gfk;
        let beta = py_max(0.0, yk.dot(&g) / self.deltak);
        let p = pk * beta - &g;
        let norm = inf_norm(&g);
        (alpha, x, p, g, norm)
    }

    fn holds(&mut self, xk: &Array1<f64>, pk: &Array1<f64>, alpha: f64, g: Array1<f64>) -> bool {
        let step = self.step(xk, pk, alpha, Some(g));
        let ok = step.4 <= self.gtol || step.2.dot(&step.3) <= -SIGMA3 * step.3.dot(&step.3);
        self.cached = Some(step);
        ok
    }
}

/// The extra condition inside the fallback search (scipy's `extra_condition2`).
fn extra<P: CgProblem>(line: &mut Line<'_, P>, descent: &mut Descent<'_, P>, alpha: f64) -> bool {
    if line.gval_alpha != Some(alpha) {
        line.derphi(alpha);
    }
    let g = line.gval.clone().unwrap_or_default();
    descent.holds(line.xk, line.pk, alpha, g)
}

/// scipy's `_zoom` (Nocedal and Wright, algorithm 3.6), 10 trials.
#[allow(clippy::too_many_arguments)]
fn zoom<P: CgProblem>(
    line: &mut Line<'_, P>,
    descent: &mut Descent<'_, P>,
    mut a_lo: f64,
    mut a_hi: f64,
    mut phi_lo: f64,
    mut phi_hi: f64,
    mut derphi_lo: f64,
    phi0: f64,
    derphi0: f64,
) -> Option<(f64, f64)> {
    let (mut phi_rec, mut a_rec) = (phi0, 0.0);
    let mut i = 0;
    loop {
        let dalpha = a_hi - a_lo;
        let (a, b) = if dalpha < 0.0 {
            (a_hi, a_lo)
        } else {
            (a_lo, a_hi)
        };
        let mut a_j = None;
        let mut cchk = 0.0;
        if i > 0 {
            cchk = 0.2 * dalpha;
            a_j = cubicmin(a_lo, phi_lo, derphi_lo, a_hi, phi_hi, a_rec, phi_rec);
        }
        let cubic_ok = i > 0 && a_j.is_some_and(|v| !(v > b - cchk || v < a + cchk));
        if !cubic_ok {
            let qchk = 0.1 * dalpha;
            a_j = quadmin(a_lo, phi_lo, derphi_lo, a_hi, phi_hi);
            if a_j.is_none_or(|v| v > b - qchk || v < a + qchk) {
                a_j = Some(a_lo + 0.5 * dalpha);
            }
        }
        let a_j = a_j.unwrap_or(a_lo + 0.5 * dalpha);
        let phi_aj = line.phi(a_j);
        if phi_aj > phi0 + C1 * a_j * derphi0 || phi_aj >= phi_lo {
            phi_rec = phi_hi;
            a_rec = a_hi;
            a_hi = a_j;
            phi_hi = phi_aj;
        } else {
            let derphi_aj = line.derphi(a_j);
            if derphi_aj.abs() <= -C2 * derphi0 && extra(line, descent, a_j) {
                return Some((a_j, phi_aj));
            }
            if derphi_aj * (a_hi - a_lo) >= 0.0 {
                phi_rec = phi_hi;
                a_rec = a_hi;
                a_hi = a_lo;
                phi_hi = phi_lo;
            } else {
                phi_rec = phi_lo;
                a_rec = a_lo;
            }
            a_lo = a_j;
            phi_lo = phi_aj;
            derphi_lo = derphi_aj;
        }
        i += 1;
        if i > 10 {
            return None;
        }
    }
}

/// scipy's `line_search_wolfe2` (Nocedal and Wright, algorithm 3.5), 10 trials, `amax = 1e100`.
fn wolfe2<P: CgProblem>(
    line: &mut Line<'_, P>,
    descent: &mut Descent<'_, P>,
    gfk: &Array1<f64>,
    phi0: f64,
    old_phi0: f64,
) -> Found {
    const AMAX: f64 = 1e100;
    line.gval = None;
    line.gval_alpha = None;
    let derphi0 = gfk.dot(line.pk);
    let mut alpha0 = 0.0;
    let mut alpha1 = py_min(first_step(phi0, old_phi0, derphi0), AMAX);
    let mut phi_a1 = line.phi(alpha1);
    let (mut phi_a0, mut derphi_a0) = (phi0, derphi0);
    for i in 0..10 {
        if alpha1 == 0.0 || alpha0 > AMAX {
            return (None, phi0, old_phi0, None);
        }
        let found = if phi_a1 > phi0 + C1 * alpha1 * derphi0 || (phi_a1 >= phi_a0 && i > 0) {
            Some(zoom(
                line, descent, alpha0, alpha1, phi_a0, phi_a1, derphi_a0, phi0, derphi0,
            ))
        } else {
            let derphi_a1 = line.derphi(alpha1);
            if derphi_a1.abs() <= -C2 * derphi0 && extra(line, descent, alpha1) {
                Some(Some((alpha1, phi_a1)))
            } else if derphi_a1 >= 0.0 {
                Some(zoom(
                    line, descent, alpha1, alpha0, phi_a1, phi_a0, derphi_a1, phi0, derphi0,
                ))
            } else {
                let alpha2 = py_min(2.0 * alpha1, AMAX);
                alpha0 = alpha1;
                alpha1 = alpha2;
                phi_a0 = phi_a1;
                phi_a1 = line.phi(alpha1);
                derphi_a0 = derphi_a1;
                None
            }
        };
        match found {
            Some(Some((a, f))) => return (Some(a), f, phi0, line.gval.clone()),
            Some(None) => return (None, phi0, phi0, None),
            None => {}
        }
    }
    // Trials exhausted: scipy returns the last step without a gradient.
    (Some(alpha1), phi_a1, phi0, None)
}

/// Minimizes `problem.loss` from `x0` following `problem.grad`, as scipy's `fmin_cg` with
/// `gtol` (infinity norm) and `maxiter`.
pub(crate) fn fmin_cg<P: CgProblem>(
    problem: &P,
    x0: Array1<f64>,
    gtol: f64,
    maxiter: u64,
) -> CgOutcome {
    let mut xk = x0;
    let mut old_fval = problem.loss(&xk);
    let mut gfk = problem.grad(&xk);
    let mut old_old_fval = old_fval + gfk.dot(&gfk).sqrt() / 2.0;
    let mut pk = -&gfk;
    let mut gnorm = inf_norm(&gfk);
    let mut k = 0;
    let mut failed = false;
    while gnorm > gtol && k < maxiter {
        let deltak = gfk.dot(&gfk);
        let mut descent = Descent {
            problem,
            gfk: &gfk,
            deltak,
            gtol,
            cached: None,
        };
        let mut line = Line {
            problem,
            xk: &xk,
            pk: &pk,
            gval: None,
            gval_alpha: None,
        };
        let mut found = wolfe1(&mut line, &gfk, old_fval, old_old_fval);
        if let (Some(alpha), Some(g)) = (found.0, found.3.clone())
            && !descent.holds(&xk, &pk, alpha, g)
        {
            found.0 = None;
        }
        if found.0.is_none() {
            found = wolfe2(&mut line, &mut descent, &gfk, old_fval, old_old_fval);
        }
        let (Some(alpha), fval, fval0, gnew) = found else {
            failed = true;
            break;
        };
        old_fval = fval;
        old_old_fval = fval0;
        let step = match descent.cached.take() {
            Some(s) if s.0 == alpha => s,
            _ => descent.step(&xk, &pk, alpha, gnew),
        };
        (_, xk, pk, gfk, gnorm) = step;
        k += 1;
    }
    let status = if failed {
        CgStatus::LineSearchFailed
    } else if k >= maxiter {
        CgStatus::MaxIterations
    } else if gnorm.is_nan() || old_fval.is_nan() || xk.iter().any(|v| v.is_nan()) {
        CgStatus::NotFinite
    } else {
        CgStatus::Converged
    };
    CgOutcome {
        x: xk,
        iterations: k,
        status,
    }
}
