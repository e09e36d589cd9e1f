use thiserror::Error;

/// Result alias with [`MetricsError`].
pub type Result<T, E = MetricsError> = std::result::Result<T, E>;

/// Why a metric could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum MetricsError {
    /// Invalid input shared with the rest of fairkit: lengths, weights, parameters, groups.
    #[error(transparent)]
    Core(#[from] fairkit_core::Error),
}

/// Shorthand for an invalid parameter.
pub(crate) fn invalid(name: &str, value: impl ToString, reason: &str) -> MetricsError {
    fairkit_core::Error::invalid(name, value, reason).into()
}
