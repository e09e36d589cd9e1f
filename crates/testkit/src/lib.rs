//! Test support of the fairkit workspace, a dev-dependency only (never published).
//!
//! - [`shared`] and [`require_shared!`]: the one locator of the shared reference folder (the
//!   data sets and the reference results that stay outside the repository). It is `../shared`
//!   beside the repository root, or the folder named by `FAIRKIT_SHARED`. A test whose file is
//!   absent skips with a printed notice, and fails instead when `FAIRKIT_REQUIRE_SHARED=1`
//!   (CI sets it).
//! - [`fixtures`]: small data sets that tests of several crates use (the oracles of
//!   `docs/test-oracles.md`).
//! - [`http`]: HTTP over loopback for the tests of the monitor's `/metrics` endpoint.
//! - [`json`]: two JSON documents equal but for rounding (reports computed two ways).
//! - [`learners`]: deterministic learners for the tests of the mitigation crates, which never
//!   name a concrete learner.
#![deny(missing_docs)]

pub mod fixtures;
pub mod http;
pub mod json;
pub mod learners;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The variable that names another location of the shared folder.
pub const SHARED_VAR: &str = "FAIRKIT_SHARED";
/// The variable that turns a missing shared file into a failure (`1`).
pub const REQUIRE_VAR: &str = "FAIRKIT_REQUIRE_SHARED";

/// The repository root (the workspace of this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared folder: `FAIRKIT_SHARED` when set and not empty, else `../shared` beside the
/// repository root. It may not exist; [`shared`] checks.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os(SHARED_VAR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => repo_root().join("../shared"),
    }
}

/// Whether missing shared files fail the tests (`FAIRKIT_REQUIRE_SHARED=1`).
pub fn shared_required() -> bool {
    std::env::var(REQUIRE_VAR).as_deref() == Ok("1")
}

/// The path of `relative` in the shared folder, or `None` when it is absent (with a notice on
/// standard error, printed once per file and process).
///
/// # Panics
/// When the file is absent and `FAIRKIT_REQUIRE_SHARED=1`: the message names the file and the
/// variables that locate it.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = shared_dir().join(relative);
    if path.exists() {
        return Some(path);
    }
    assert!(
        !shared_required(),
        "required shared file {} is missing ({REQUIRE_VAR}=1; set {SHARED_VAR} to the shared \
         folder if it is elsewhere)",
        path.display()
    );
    static NOTICED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    let mut noticed = NOTICED.lock().unwrap_or_else(|e| e.into_inner());
    if noticed
        .get_or_insert_with(HashSet::new)
        .insert(path.clone())
    {
        eprintln!(
            "notice: shared file {} is absent, skipping (set {SHARED_VAR} to its folder, \
             {REQUIRE_VAR}=1 to fail instead)",
            path.display()
        );
    }
    None
}

/// The path of a shared file, or `return` from the calling test (or bench) when it is absent;
/// see [`shared`].
///
/// ```no_run
/// fn adult_rows() {
///     let path = fairkit_testkit::require_shared!("reference/prepared/adult_train.csv");
///     assert!(path.ends_with("adult_train.csv"));
/// }
/// ```
#[macro_export]
macro_rules! require_shared {
    ($relative:expr) => {
        match $crate::shared($relative) {
            Some(path) => path,
            None => return,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_location_is_beside_the_repository() {
        // The workspace manifest is at the root this crate names.
        assert!(repo_root().join("Cargo.toml").exists());
        if std::env::var_os(SHARED_VAR).is_none() {
            assert_eq!(shared_dir(), repo_root().join("../shared"));
        }
    }

    #[test]
    fn a_missing_file_is_none_unless_required() {
        let name = "no/such/file/anywhere.csv";
        if shared_required() {
            let caught = std::panic::catch_unwind(|| shared(name));
            let message = caught.expect_err("a required file that is missing panics");
            let text = message
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default();
            assert!(
                text.contains("anywhere.csv") && text.contains(REQUIRE_VAR),
                "{text}"
            );
        } else {
            assert_eq!(shared(name), None);
        }
    }
}
