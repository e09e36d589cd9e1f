//! The one place that bounds every count a user gives (rows, seeds, resamples, grid points,
//! iterations) and plans the memory of the runs whose footprint grows with such a count.
//!
//! Each [`Limit`] is a documented maximum: a larger value is refused before anything is
//! allocated, with an error that names the flag or key the user wrote and the limit. Where the
//! memory of a run depends on the data as well, [`check_memory`] compares an estimate with the
//! machine's physical memory first.
//!
//! | count | maximum | why |
//! |---|---|---|
//! | `simulate --rows` | 10^10 | streamed in constant memory; caps the output near a terabyte |
//! | `--rows` of a scenario held in memory (train, mitigate, compare, transform, `rows` in an experiment file) | 10^8, and about 600 bytes per row within physical memory | the simulated table is held in memory |
//! | `--seeds`, `seeds` | 10^5 | one result row per method and seed |
//! | `--bootstrap`, `--n-boot`, `n_boot` | 10^6 | each resample keeps its statistics until the quantiles are taken |
//! | `--grid-size`, `grid_size` of grid search | 10^5 | one fitted model per grid point |
//! | `--max-iter`, `max_iter` of exponentiated gradient | 10^5 | one fitted model per iteration |

use crate::Error;

/// A documented maximum of one count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The largest value allowed.
    pub max: u64,
    /// What is counted, plural (e.g. `"rows"`).
    pub unit: &'static str,
    /// Why the limit is there, in a few words.
    pub why: &'static str,
}

impl Limit {
    /// `value` if it is within the limit; otherwise an error naming `name` (the flag or key as
    /// the user wrote it, e.g. `--rows` or `seeds`) and the limit.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `value > max`.
    pub fn check(&self, name: &str, value: u64) -> Result<u64, Error> {
        if value <= self.max {
            return Ok(value);
        }
        Err(Error::invalid(name, value, &self.describe()))
    }

    /// The limit in words: `at most 100000 seeds (every method runs once per seed)`.
    pub fn describe(&self) -> String {
        format!("at most {} {} ({})", self.max, self.unit, self.why)
    }

    /// As [`check`](Self::check), for a count held as `usize`.
    ///
    /// # Errors
    /// As [`check`](Self::check).
    pub fn check_usize(&self, name: &str, value: usize) -> Result<usize, Error> {
        self.check(name, u64::try_from(value).unwrap_or(u64::MAX))
            .map(|_| value)
    }
}

/// Rows of `fairkit simulate`, which streams them in constant memory.
pub const SIMULATE_ROWS: Limit = Limit {
    max: 10_000_000_000,
    unit: "rows",
    why: "the simulator streams rows; this caps the output near a terabyte",
};

/// Rows of a simulated scenario that a command holds in memory (train, mitigate, compare,
/// transform, and `rows` in an experiment file); see also [`BYTES_PER_ROW_IN_MEMORY`].
pub const ROWS_IN_MEMORY: Limit = Limit {
    max: 100_000_000,
    unit: "rows",
    why: "the simulated table is held in memory; `fairkit simulate` streams more to a file",
};

/// Planned memory per simulated row held in memory: the measured peak of `fairkit train` is
/// 579 MB at 10^6 rows.
pub const BYTES_PER_ROW_IN_MEMORY: u64 = 600;

/// Seeds of a comparison.
pub const SEEDS: Limit = Limit {
    max: 100_000,
    unit: "seeds",
    why: "every method runs once per seed",
};

/// Bootstrap resamples.
pub const BOOTSTRAP: Limit = Limit {
    max: 1_000_000,
    unit: "resamples",
    why: "each resample keeps its statistics until the quantiles are taken",
};

/// Grid points of grid search.
pub const GRID_POINTS: Limit = Limit {
    max: 100_000,
    unit: "grid points",
    why: "grid search fits and keeps one model per grid point",
};

/// Iterations of exponentiated gradient.
pub const ITERATIONS: Limit = Limit {
    max: 100_000,
    unit: "iterations",
    why: "exponentiated gradient fits and keeps one model per iteration",
};

/// The machine's physical memory in bytes, when the operating system reports it.
pub fn physical_memory() -> Option<u64> {
    #[cfg(unix)]
    {
        // SAFETY: sysconf only reads system configuration values.
        let (pages, size) = unsafe {
            (
                libc::sysconf(libc::_SC_PHYS_PAGES),
                libc::sysconf(libc::_SC_PAGESIZE),
            )
        };
        if pages > 0 && size > 0 {
            return (pages as u64).checked_mul(size as u64);
        }
    }
    None
}

/// Checks, before allocating, that `count` items of `bytes_each` bytes fit in `budget` bytes
/// (the physical memory when `None` is given and the system reports it; nothing is checked when
/// it does not). The error names `name` (the flag or key) and both sizes.
///
/// # Errors
/// [`Error::InvalidParameter`] when the estimate exceeds the budget.
pub fn check_memory(
    name: &str,
    count: u64,
    bytes_each: u64,
    budget: Option<u64>,
) -> Result<(), Error> {
    let Some(budget) = budget.or_else(physical_memory) else {
        return Ok(());
    };
    let need = count.saturating_mul(bytes_each);
    if need <= budget {
        return Ok(());
    }
    Err(Error::invalid(
        name,
        count,
        &format!(
            "needs about {} of memory (about {bytes_each} bytes each), more than the {} of this \
             machine",
            human_bytes(need),
            human_bytes(budget)
        ),
    ))
}

/// `bytes` as `12.3 GB` (decimal units).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["bytes", "kB", "MB", "GB", "TB", "PB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_admits_its_maximum_and_names_the_flag_beyond_it() {
        assert_eq!(SEEDS.check("--seeds", 100_000), Ok(100_000));
        let e = SEEDS.check("--seeds", 100_001).unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid parameter --seeds = 100001: at most 100000 seeds (every method runs once \
             per seed)"
        );
        let e = BOOTSTRAP.check_usize("n_boot", usize::MAX).unwrap_err();
        assert!(e.to_string().contains("n_boot"), "{e}");
        assert!(e.to_string().contains("1000000 resamples"), "{e}");
    }

    #[test]
    fn the_memory_plan_compares_the_estimate_with_the_budget() {
        assert!(check_memory("--rows", 1_000, 600, Some(600_000)).is_ok());
        let e = check_memory("--rows", 1_001, 600, Some(600_000)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid parameter --rows = 1001: needs about 600.6 kB of memory (about 600 bytes \
             each), more than the 600.0 kB of this machine"
        );
        // No overflow at the largest counts.
        assert!(check_memory("--rows", u64::MAX, u64::MAX, Some(1 << 40)).is_err());
    }

    #[test]
    fn sizes_read_in_decimal_units() {
        assert_eq!(human_bytes(999), "999 bytes");
        assert_eq!(human_bytes(1_500), "1.5 kB");
        assert_eq!(human_bytes(578_000_000), "578.0 MB");
        assert_eq!(human_bytes(u64::MAX), "18446.7 PB");
    }

    #[cfg(unix)]
    #[test]
    fn physical_memory_is_reported_on_unix() {
        let bytes = physical_memory().unwrap();
        assert!(bytes > 1 << 26, "{bytes}");
    }
}
