//! The features as the exact tree reads them: each column's distinct values in increasing order
//! and every row's rank among them (its *code*), made once per feature matrix and shared by every
//! tree fitted on it (the trees of a forest, the refits of a reduction).

use fairkit_core::Error as CoreError;
use ndarray::ArrayView2;
use rayon::prelude::*;

use crate::input::check_finite;

/// Columns with more distinct values than this also keep their rows sorted by value (see
/// [`Column::sorted`]): a node then reads them in order instead of counting or sorting.
pub(crate) const PRESORT_MIN_DISTINCT: usize = 1024;

/// Distinct values a column may have before its codes are found by sorting rather than by a
/// small sorted list of the values seen so far.
const FEW_DISTINCT: usize = 16;

/// One feature column.
#[derive(Debug)]
pub(crate) struct Column {
    /// The distinct values, increasing (`-0.0` counts as `0.0`).
    pub values: Vec<f64>,
    /// Every row's index into [`values`](Self::values).
    pub codes: Vec<u32>,
    /// For columns of more than [`PRESORT_MIN_DISTINCT`] values, `code << 32 | row` of every
    /// row, increasing (by value, then row).
    pub sorted: Option<Vec<u64>>,
}

/// The columns of a feature matrix, remembering which matrix they came from (so that a cached
/// copy is only used for the same features).
#[derive(Debug)]
pub(crate) struct Columns {
    pub n_rows: usize,
    pub columns: Vec<Column>,
    /// Address and strides of the source matrix.
    origin: (usize, [isize; 2]),
}

impl Columns {
    /// The columns of `x`.
    ///
    /// # Errors
    /// A non-finite value, or more than `u32::MAX` rows.
    pub fn new(x: ArrayView2<'_, f64>) -> Result<Self, CoreError> {
        let n_rows = x.nrows();
        if u32::try_from(n_rows).is_err() {
            return Err(CoreError::invalid(
                "training data",
                format!("{n_rows} rows"),
                "the decision tree fits at most 2^32 - 1 rows",
            ));
        }
        check_finite(x, "features")?;
        let columns = (0..x.ncols())
            .into_par_iter()
            .map(|j| {
                // `+ 0.0` turns -0.0 into 0.0, so the two zeros are one value
                let values: Vec<f64> = x.column(j).iter().map(|&v| v + 0.0).collect();
                Column::new(values)
            })
            .collect();
        let strides = x.strides();
        Ok(Self {
            n_rows,
            columns,
            origin: (x.as_ptr() as usize, [strides[0], strides[1]]),
        })
    }

    /// Whether these are the columns of `x`: same memory, shape and strides.
    pub fn is_of(&self, x: ArrayView2<'_, f64>) -> bool {
        let strides = x.strides();
        self.n_rows == x.nrows()
            && self.columns.len() == x.ncols()
            && self.origin == (x.as_ptr() as usize, [strides[0], strides[1]])
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.columns.len()
    }
}

impl Column {
    /// The column of finite `values`.
    fn new(values: Vec<f64>) -> Self {
        if let Some(distinct) = few_distinct(&values) {
            let codes = values
                .iter()
                .map(|v| distinct.partition_point(|d| d < v) as u32)
                .collect();
            return Self {
                values: distinct,
                codes,
                sorted: None,
            };
        }
        let (distinct, codes, sorted) = by_sorting(&values);
        Self {
            values: distinct,
            codes,
            sorted: (!sorted.is_empty()).then_some(sorted),
        }
    }

    /// Number of distinct values.
    pub fn n_distinct(&self) -> usize {
        self.values.len()
    }

    /// The value of `code`.
    pub fn value(&self, code: u32) -> f64 {
        self.values[code as usize]
    }
}

/// The distinct values, increasing, if there are at most [`FEW_DISTINCT`] of them (one pass).
fn few_distinct(values: &[f64]) -> Option<Vec<f64>> {
    let mut distinct: Vec<f64> = Vec::with_capacity(FEW_DISTINCT);
    let mut last = None;
    for &v in values {
        // runs of one value (one-hot columns are mostly zeros) skip the search
        if last == Some(v) {
            continue;
        }
        last = Some(v);
        let at = distinct.partition_point(|&d| d < v);
        if distinct.get(at) != Some(&v) {
            if distinct.len() == FEW_DISTINCT {
                return None;
            }
            distinct.insert(at, v);
        }
    }
    Some(distinct)
}

/// An unsigned integer that orders as the finite f64 `v` does.
fn order_key(v: f64) -> u64 {
    let bits = v.to_bits();
    if bits >> 63 == 1 { !bits } else { bits | 1 << 63 }
}

/// The distinct values, increasing, every row's code, and (for more than
/// [`PRESORT_MIN_DISTINCT`] values, else empty) the rows' `code << 32 | row` increasing, by
/// sorting the rows by value.
fn by_sorting(values: &[f64]) -> (Vec<f64>, Vec<u32>, Vec<u64>) {
    let mut order: Vec<(u64, u32)> = values
        .iter()
        .enumerate()
        .map(|(row, &v)| (order_key(v), row as u32))
        .collect();
    order.sort_unstable();
    let mut distinct = Vec::new();
    let mut codes = vec![0_u32; values.len()];
    let mut last = None;
    for &(key, row) in &order {
        if last != Some(key) {
            last = Some(key);
            distinct.push(values[row as usize]);
        }
        codes[row as usize] = (distinct.len() - 1) as u32;
    }
    let sorted = if distinct.len() > PRESORT_MIN_DISTINCT {
        order
            .iter()
            .map(|&(_, row)| u64::from(codes[row as usize]) << 32 | u64::from(row))
            .collect()
    } else {
        Vec::new()
    };
    (distinct, codes, sorted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array};

    #[test]
    fn codes_rank_the_distinct_values_and_merge_the_zeros() {
        let x = array![[3.0, 1.0], [-0.0, 0.0], [3.0, 1.0], [0.0, 1.0], [-2.5, 0.0]];
        let c = Columns::new(x.view()).unwrap();
        assert_eq!(c.columns[0].values, vec![-2.5, 0.0, 3.0]);
        assert_eq!(c.columns[0].codes, vec![2, 1, 2, 1, 0]);
        assert_eq!(c.columns[1].values, vec![0.0, 1.0]);
        assert_eq!(c.columns[1].codes, vec![1, 0, 1, 1, 0]);
        assert!(c.columns[0].sorted.is_none());
        assert!(c.is_of(x.view()));
        assert!(!c.is_of(x.t()));
    }

    #[test]
    fn both_code_paths_agree_and_wide_columns_are_presorted() {
        let n = 3000;
        // a column of many values (sorting path, presorted) and one of 17 (sorting path)
        let x = Array2::from_shape_fn((n, 2), |(i, j)| {
            if j == 0 {
                ((i * 7919) % n) as f64 * 0.5 - 100.0
            } else {
                (i % 17) as f64
            }
        });
        let c = Columns::new(x.view()).unwrap();
        for (j, column) in c.columns.iter().enumerate() {
            assert!(column.values.windows(2).all(|w| w[0] < w[1]));
            for i in 0..n {
                assert_eq!(column.value(column.codes[i]), x[[i, j]]);
            }
        }
        assert_eq!(c.columns[1].n_distinct(), 17);
        assert!(c.columns[1].sorted.is_none());
        let sorted = c.columns[0].sorted.as_ref().unwrap();
        assert_eq!(sorted.len(), n);
        assert!(sorted.windows(2).all(|w| w[0] < w[1]));
        let few = few_distinct(&[1.0, 0.0, 1.0, 2.0]).unwrap();
        assert_eq!(few, vec![0.0, 1.0, 2.0]);
        let many: Vec<f64> = (0..20).map(f64::from).collect();
        assert!(few_distinct(&many).is_none());
        assert_eq!(by_sorting(&many).0, many);
        let keys: Vec<u64> = [-3.5, -0.5, 0.0, 1e-300, 2.0, 1e300]
            .iter()
            .map(|&v| order_key(v))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn non_finite_values_are_refused() {
        let x = array![[0.0], [f64::INFINITY]];
        let err = Columns::new(x.view()).unwrap_err();
        assert!(err.to_string().contains("non-finite"), "{err}");
    }
}
