use thiserror::Error;

/// What went wrong in the gate.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum GateError {
    /// Invalid input or configuration (mismatched lengths, a single group, a threshold out of
    /// range, …).
    #[error(transparent)]
    Core(#[from] fairkit_core::Error),
    /// The metrics could not be computed.
    #[error(transparent)]
    Metrics(#[from] fairkit_metrics::MetricsError),
    /// A `gate.toml` that does not parse, has an unknown key or a value out of range: one line
    /// naming the line, column and key.
    #[error("{0}")]
    Config(String),
}

/// Result alias with [`GateError`].
pub type Result<T, E = GateError> = std::result::Result<T, E>;
