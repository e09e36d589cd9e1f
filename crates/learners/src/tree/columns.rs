//! The features as the exact tree reads them: each column's distinct values in increasing order
//! and every row's rank among them (its *code*), made once per feature matrix and shared by every
//! tree fitted on it (the trees of a forest, the refits of a reduction).

use fairkit_core::Error as CoreError;
use ndarray::ArrayView2;
use rayon::prelude::*;

/// Columns with more distinct values than this also keep their rows sorted by value (see
/// [`Column::sorted`]): a node then reads them in order instead of counting or sorting.
pub(crate) const PRESORT_MIN_DISTINCT: usize = 1024;

/// Distinct values a column may have before its codes are found by sorting its rows rather
/// than from the list of the values seen so far.
const FEW_DISTINCT: usize = 16;

/// Every row's rank among a column's distinct values, in the smallest integer type that holds
/// them (one byte for most columns: less memory to read per node).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Codes {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

/// A rank type of [`Codes`].
pub(crate) trait Code: Copy + Send + Sync {
    fn get(self) -> u32;
}

impl Code for u8 {
    fn get(self) -> u32 {
        u32::from(self)
    }
}

impl Code for u16 {
    fn get(self) -> u32 {
        u32::from(self)
    }
}

impl Code for u32 {
    fn get(self) -> u32 {
        self
    }
}

/// Runs `$body` with `$c` bound to the codes as a slice of their own type.
macro_rules! with_codes {
    ($codes:expr, $c:ident => $body:expr) => {
        match $codes {
            $crate::tree::columns::Codes::U8($c) => $body,
            $crate::tree::columns::Codes::U16($c) => $body,
            $crate::tree::columns::Codes::U32($c) => $body,
        }
    };
}
pub(crate) use with_codes;

impl Codes {
    /// The smallest representation of `codes` (all below `n_distinct`).
    fn new(codes: Vec<u32>, n_distinct: usize) -> Self {
        if n_distinct <= 1 << 8 {
            Codes::U8(codes.into_iter().map(|c| c as u8).collect())
        } else if n_distinct <= 1 << 16 {
            Codes::U16(codes.into_iter().map(|c| c as u16).collect())
        } else {
            Codes::U32(codes)
        }
    }

    /// The rank of `row`.
    #[cfg(test)]
    pub fn get(&self, row: usize) -> u32 {
        with_codes!(self, c => c[row].get())
    }
}

/// One feature column.
#[derive(Debug)]
pub(crate) struct Column {
    /// The distinct values, increasing (`-0.0` counts as `0.0`).
    pub values: Vec<f64>,
    /// Every row's index into [`values`](Self::values).
    pub codes: Codes,
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
        let columns = columns_of(x).map_err(|(row, value)| CoreError::NonFinite {
            what: "features".into(),
            row,
            value: value.to_string(),
        })?;
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

/// A column's distinct values in the order first seen, while there are at most
/// [`FEW_DISTINCT`] of them.
struct Seen {
    values: Vec<f64>,
    /// The last value and its index in `values`.
    last: (f64, u8),
    /// Each row's index into `values`.
    ids: Vec<u8>,
}

/// The columns of `x`, or the first non-finite value (in row order) as `(row, value)`.
/// `-0.0` counts as `0.0` (`+ 0.0` makes it so).
///
/// One pass over the rows (the matrix is read in its own order) records, for every column of
/// at most [`FEW_DISTINCT`] values, each row's value as the index of its first appearance; the
/// indices are then mapped to ranks. Columns of more values are read again and sorted.
fn columns_of(x: ArrayView2<'_, f64>) -> Result<Vec<Column>, (usize, f64)> {
    let mut seen: Vec<Option<Seen>> = (0..x.ncols())
        .map(|_| {
            Some(Seen {
                values: Vec::with_capacity(FEW_DISTINCT),
                last: (f64::NAN, 0),
                ids: Vec::with_capacity(x.nrows()),
            })
        })
        .collect();
    for (i, row) in x.rows().into_iter().enumerate() {
        for (column, &v) in seen.iter_mut().zip(row) {
            if !v.is_finite() {
                return Err((i, v));
            }
            let Some(s) = column else { continue };
            let v = v + 0.0;
            if v != s.last.0 {
                let id = match s.values.iter().position(|&u| u == v) {
                    Some(id) => id,
                    None if s.values.len() < FEW_DISTINCT => {
                        s.values.push(v);
                        s.values.len() - 1
                    }
                    None => {
                        *column = None;
                        continue;
                    }
                };
                s.last = (v, id as u8);
            }
            s.ids.push(s.last.1);
        }
    }
    Ok(seen
        .into_par_iter()
        .enumerate()
        .map(|(j, seen)| match seen {
            Some(Seen { values, ids, .. }) => {
                let mut order: Vec<usize> = (0..values.len()).collect();
                order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
                let mut rank = [0_u8; FEW_DISTINCT];
                for (r, &id) in order.iter().enumerate() {
                    rank[id] = r as u8;
                }
                Column {
                    values: order.iter().map(|&id| values[id]).collect(),
                    codes: Codes::U8(ids.into_iter().map(|id| rank[id as usize]).collect()),
                    sorted: None,
                }
            }
            None => {
                let values: Vec<f64> = x.column(j).iter().map(|&v| v + 0.0).collect();
                let (distinct, codes, sorted) = by_sorting(&values);
                Column {
                    codes: Codes::new(codes, distinct.len()),
                    values: distinct,
                    sorted: (!sorted.is_empty()).then_some(sorted),
                }
            }
        })
        .collect())
}

impl Column {
    /// Number of distinct values.
    pub fn n_distinct(&self) -> usize {
        self.values.len()
    }

    /// The value of `code`.
    pub fn value(&self, code: u32) -> f64 {
        self.values[code as usize]
    }
}

/// An unsigned integer that orders as the finite f64 `v` does.
fn order_key(v: f64) -> u64 {
    let bits = v.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
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
        assert_eq!(c.columns[0].codes, Codes::U8(vec![2, 1, 2, 1, 0]));
        assert_eq!(c.columns[1].values, vec![0.0, 1.0]);
        assert_eq!(c.columns[1].codes, Codes::U8(vec![1, 0, 1, 1, 0]));
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
                assert_eq!(column.value(column.codes.get(i)), x[[i, j]]);
            }
        }
        assert_eq!(c.columns[1].n_distinct(), 17);
        assert!(c.columns[1].sorted.is_none());
        assert!(matches!(c.columns[0].codes, Codes::U16(_)));
        let sorted = c.columns[0].sorted.as_ref().unwrap();
        assert_eq!(sorted.len(), n);
        assert!(sorted.windows(2).all(|w| w[0] < w[1]));
        let many: Vec<f64> = (0..20).map(f64::from).collect();
        assert_eq!(by_sorting(&many).0, many);
        let keys: Vec<u64> = [-3.5, -0.5, 0.0, 1e-300, 2.0, 1e300]
            .iter()
            .map(|&v| order_key(v))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_first_non_finite_value_is_refused() {
        // the first in row order, whatever block of columns it is in
        let mut x = Array2::zeros((5, 40));
        x[[3, 2]] = f64::NAN;
        x[[2, 30]] = f64::INFINITY;
        x[[2, 35]] = f64::NAN;
        let err = Columns::new(x.view()).unwrap_err();
        assert_eq!(
            err,
            CoreError::NonFinite {
                what: "features".into(),
                row: 2,
                value: "inf".into()
            }
        );
    }
}
