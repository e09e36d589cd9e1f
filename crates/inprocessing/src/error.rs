use thiserror::Error;

/// Result alias with [`InprocessingError`].
pub type Result<T, E = InprocessingError> = std::result::Result<T, E>;

/// What went wrong when fitting or applying an in-processing mitigation.
///
/// Input problems shared with the rest of fairkit (no rows, a single group or class, a
/// parameter out of range, an unseen group, a feature count that differs) are the wrapped
/// [`fairkit_core::Error`]; the variants here are specific to this crate.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum InprocessingError {
    /// An input problem described by the shared error.
    #[error(transparent)]
    Core(#[from] fairkit_core::Error),
    /// The method does not read sample weights and the data carries some.
    #[error("{method} does not support sample weights; remove the weight column")]
    WeightsUnsupported {
        /// The method, e.g. `"gerryfair"`.
        method: &'static str,
    },
    /// The numerical optimizer or linear algebra failed.
    #[error("{method}: {message}")]
    Numerical {
        /// The method, e.g. `"prejudice-remover"`.
        method: &'static str,
        /// What failed.
        message: String,
    },
}

/// Checks that `value` is finite and at least `min` (NaN is refused).
pub(crate) fn check_at_least(name: &str, value: f64, min: f64) -> Result<()> {
    if value.is_finite() && value >= min {
        Ok(())
    } else {
        Err(
            fairkit_core::Error::invalid(name, value, &format!("must be a finite number >= {min}"))
                .into(),
        )
    }
}

/// Checks that every value of a matrix is finite; `what` names it in the message.
pub(crate) fn check_finite(
    what: &str,
    x: ndarray::ArrayView2<'_, f64>,
) -> fairkit_core::Result<()> {
    for (row, r) in x.rows().into_iter().enumerate() {
        if let Some(v) = r.iter().find(|v| !v.is_finite()) {
            return Err(fairkit_core::Error::NonFinite {
                what: what.to_string(),
                row,
                value: v.to_string(),
            });
        }
    }
    Ok(())
}
