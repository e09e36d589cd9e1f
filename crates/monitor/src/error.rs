use thiserror::Error;

/// What went wrong in the monitor.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MonitorError {
    /// Invalid configuration or input (a parameter out of range, a non-finite timestamp).
    #[error(transparent)]
    Core(#[from] fairkit_core::Error),
    /// The `/metrics` server could not start.
    #[error("cannot serve metrics on {addr}: {reason}")]
    Serve {
        /// The address asked for.
        addr: String,
        /// Why it failed.
        reason: String,
    },
}

/// Result alias with [`MonitorError`].
pub type Result<T, E = MonitorError> = std::result::Result<T, E>;
