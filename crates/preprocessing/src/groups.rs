//! Matching the groups of new data to the schema a transform was fitted on.

use fairkit_core::{Error, GroupSchema, Groups};
use ndarray::ArrayView2;

use crate::PreprocessingError;

/// The rows' group codes expressed in the `fitted` schema ([`Groups::codes_in`]).
///
/// # Errors
/// As [`Groups::codes_in`].
pub(crate) fn resolve_codes(fitted: &GroupSchema, groups: &Groups) -> Result<Vec<u32>, Error> {
    groups.codes_in(fitted)
}

/// Checks a feature matrix against a fit on `n_features` columns and resolves its rows' groups
/// with [`resolve_codes`].
///
/// # Errors
/// A feature count that differs, a row count that differs from `groups`, and as
/// [`resolve_codes`].
pub(crate) fn resolve_rows(
    fitted: &GroupSchema,
    n_features: usize,
    x: ArrayView2<'_, f64>,
    groups: &Groups,
) -> Result<Vec<u32>, Error> {
    if x.ncols() != n_features {
        return Err(Error::FeatureMismatch {
            expected: n_features,
            got: x.ncols(),
        });
    }
    Error::check_len("sensitive groups", x.nrows(), groups.len())?;
    resolve_codes(fitted, groups)
}

/// The codes of the two groups with rows, in code order, for a method that takes exactly two.
///
/// # Errors
/// No rows, or a number of groups with rows other than two
/// ([`PreprocessingError::NotTwoGroups`]).
pub(crate) fn two_groups(groups: &Groups, method: &str) -> Result<[u32; 2], PreprocessingError> {
    let present = groups.present();
    if present.len() < 2 {
        // Its error names the empty data or the single group.
        groups.require_two_groups()?;
    }
    match present[..] {
        [a, b] => Ok([a, b]),
        ref present => Err(PreprocessingError::NotTwoGroups {
            method: method.to_string(),
            found: present.len(),
            groups: fairkit_core::text::quote_list(
                &present
                    .iter()
                    .map(|&c| groups.schema().label(c))
                    .collect::<Vec<_>>(),
                10,
            ),
        }),
    }
}

/// The error for a group of the fitted schema that had no rows at fit time.
pub(crate) fn unseen(fitted: &GroupSchema, code: u32) -> Error {
    Error::UnseenGroup {
        group: fitted.describe(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_matched_by_value() {
        let fit = Groups::from_labels("g", &["a", "b", "c"]).unwrap();
        let new = Groups::from_labels("g", &["c", "a", "c"]).unwrap();
        assert_eq!(new.codes(), &[1, 0, 1]);
        assert_eq!(resolve_codes(fit.schema(), &new).unwrap(), vec![2, 0, 2]);
        assert_eq!(resolve_codes(fit.schema(), &fit).unwrap(), vec![0, 1, 2]);
    }

    #[test]
    fn unknown_groups_and_columns_are_errors() {
        let fit = Groups::from_labels("g", &["a", "b"]).unwrap();
        let new = Groups::from_labels("g", &["a", "z"]).unwrap();
        assert!(matches!(
            resolve_codes(fit.schema(), &new),
            Err(Error::UnseenGroup { group }) if group == "g=z"
        ));
        let other = Groups::from_labels("h", &["a", "b"]).unwrap();
        assert!(matches!(
            resolve_codes(fit.schema(), &other),
            Err(Error::InvalidParameter { .. })
        ));
    }
}
