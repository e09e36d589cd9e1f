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
    /// A `gate.toml` that does not parse or has an unknown key.
    #[error("invalid gate config: {0}")]
    Toml(#[from] toml::de::Error),
}

/// Result alias with [`GateError`].
pub type Result<T, E = GateError> = std::result::Result<T, E>;
