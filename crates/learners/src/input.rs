//! Input checks shared by every learner.

use fairkit_core::Error as CoreError;
use ndarray::{ArrayView1, ArrayView2};

use crate::Result;

/// Checks a fit's inputs: at least one row, aligned lengths, finite features, valid weights with
/// a positive total, and both label classes among the rows of positive weight.
pub(crate) fn check_fit(
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
) -> Result<()> {
    check_targets(x.nrows(), y, weights)?;
    Ok(check_finite(x, "features")?)
}

/// [`check_fit`] without the features' values (for features checked once and cached): at least
/// one row, aligned lengths, valid weights with a positive total, and both label classes among
/// the rows of positive weight.
pub(crate) fn check_targets(
    n_rows: usize,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
) -> Result<()> {
    if n_rows == 0 {
        return Err(CoreError::Empty {
            what: "training data".into(),
        }
        .into());
    }
    CoreError::check_len("labels", n_rows, y.len())?;
    let mut seen = [false; 2];
    match weights {
        Some(w) => {
            CoreError::check_len("sample weights", n_rows, w.len())?;
            let w = w.to_slice().map_or_else(
                || std::borrow::Cow::Owned(w.to_vec()),
                std::borrow::Cow::Borrowed,
            );
            CoreError::check_weights(&w)?;
            if w.iter().sum::<f64>() <= 0.0 {
                return Err(CoreError::invalid(
                    "sample weights",
                    "all zero",
                    "at least one weight must be positive",
                )
                .into());
            }
            for (&label, &wi) in y.iter().zip(w.iter()) {
                if wi > 0.0 {
                    seen[usize::from(label)] = true;
                }
            }
        }
        None => y.iter().for_each(|&label| seen[usize::from(label)] = true),
    }
    match seen {
        [true, true] => Ok(()),
        [_, positive] => Err(CoreError::SingleClass {
            class: if positive { "1" } else { "0" }.into(),
            context: if weights.is_some() {
                " among the rows of positive weight".into()
            } else {
                String::new()
            },
        }
        .into()),
    }
}

/// Checks that every feature value is finite.
pub(crate) fn check_finite(x: ArrayView2<'_, f64>, what: &str) -> Result<(), CoreError> {
    for (row, values) in x.rows().into_iter().enumerate() {
        if let Some(v) = values.iter().find(|v| !v.is_finite()) {
            return Err(CoreError::NonFinite {
                what: what.into(),
                row,
                value: v.to_string(),
            });
        }
    }
    Ok(())
}
