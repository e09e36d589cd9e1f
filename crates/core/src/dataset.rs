use ndarray::{Array2, ArrayView1, ArrayView2, Axis};

use crate::{Error, Groups, Result, rng};

/// Row indices of a train/test split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Training rows, ascending.
    pub train: Vec<usize>,
    /// Test rows, ascending.
    pub test: Vec<usize>,
}

/// Features, binary labels, sensitive groups and optional sample weights, row-aligned.
///
/// Every operation that reorders or selects rows ([`select`](Self::select),
/// [`split`](Self::split), [`shuffled`](Self::shuffled)) moves all four together, so they can
/// never drift apart (unlike linfa's `DatasetBase`, which drops weights on shuffles).
#[derive(Debug, Clone, PartialEq)]
pub struct FairDataset {
    x: Array2<f64>,
    y: Vec<bool>,
    groups: Groups,
    weights: Option<Vec<f64>>,
    feature_names: Vec<String>,
}

impl FairDataset {
    /// A dataset with features named `x0, x1, ...` and no weights.
    ///
    /// # Errors
    /// Lengths that disagree, or a non-finite feature value.
    pub fn new(x: Array2<f64>, y: Vec<bool>, groups: Groups) -> Result<Self> {
        let names = (0..x.ncols()).map(|j| format!("x{j}")).collect();
        Self::with_names(x, y, groups, names)
    }

    /// A dataset with named features.
    ///
    /// # Errors
    /// Lengths that disagree, or a non-finite feature value.
    pub fn with_names(
        x: Array2<f64>,
        y: Vec<bool>,
        groups: Groups,
        feature_names: Vec<String>,
    ) -> Result<Self> {
        Error::check_len("labels", x.nrows(), y.len())?;
        Error::check_len("sensitive groups", x.nrows(), groups.len())?;
        Error::check_len("feature names", x.ncols(), feature_names.len())?;
        if let Some(((row, col), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(Error::NonFinite {
                what: format!("feature {}", feature_names[col]),
                row,
                value: v.to_string(),
            });
        }
        Ok(Self {
            x,
            y,
            groups,
            weights: None,
            feature_names,
        })
    }

    /// The same data with sample weights.
    ///
    /// # Errors
    /// A length that differs from the row count, a non-finite or negative weight.
    pub fn with_weights(mut self, weights: Vec<f64>) -> Result<Self> {
        Error::check_len("sample weights", self.n_rows(), weights.len())?;
        Error::check_weights(&weights)?;
        self.weights = Some(weights);
        Ok(self)
    }

    /// The same data without sample weights.
    pub fn without_weights(mut self) -> Self {
        self.weights = None;
        self
    }

    /// The same rows with other features (e.g. after a repair), keeping names if the width is
    /// unchanged.
    ///
    /// # Errors
    /// A row count that differs, or a non-finite value.
    pub fn with_features(&self, x: Array2<f64>) -> Result<Self> {
        let names = if x.ncols() == self.n_features() {
            self.feature_names.clone()
        } else {
            (0..x.ncols()).map(|j| format!("x{j}")).collect()
        };
        let mut out = Self::with_names(x, self.y.clone(), self.groups.clone(), names)?;
        out.weights = self.weights.clone();
        Ok(out)
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.y.len()
    }

    /// Number of feature columns.
    pub fn n_features(&self) -> usize {
        self.x.ncols()
    }

    /// The feature matrix, one row per sample.
    pub fn features(&self) -> ArrayView2<'_, f64> {
        self.x.view()
    }

    /// The feature column names.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// Labels (`true` = 1).
    pub fn labels(&self) -> &[bool] {
        &self.y
    }

    /// Labels as an ndarray view, for learners.
    pub fn labels_view(&self) -> ArrayView1<'_, bool> {
        ArrayView1::from(&self.y[..])
    }

    /// Sensitive groups.
    pub fn groups(&self) -> &Groups {
        &self.groups
    }

    /// Sample weights, if any.
    pub fn weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }

    /// Sample weights as an ndarray view, if any.
    pub fn weights_view(&self) -> Option<ArrayView1<'_, f64>> {
        self.weights.as_deref().map(ArrayView1::from)
    }

    /// The rows at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Self {
        Self {
            x: self.x.select(Axis(0), indices),
            y: indices.iter().map(|&i| self.y[i]).collect(),
            groups: self.groups.select(indices),
            weights: self
                .weights
                .as_ref()
                .map(|w| indices.iter().map(|&i| w[i]).collect()),
            feature_names: self.feature_names.clone(),
        }
    }

    /// The rows in a random order drawn from `seed`.
    pub fn shuffled(&self, seed: u64) -> Self {
        self.select(&rng::permutation(&mut rng::seeded(seed), self.n_rows()))
    }

    /// A seeded train/test split; see [`split_indices`](Self::split_indices).
    ///
    /// # Errors
    /// As [`split_indices`](Self::split_indices).
    pub fn split(&self, test_size: f64, seed: u64, stratify: bool) -> Result<(Self, Self)> {
        let s = self.split_indices(test_size, seed, stratify)?;
        Ok((self.select(&s.train), self.select(&s.test)))
    }

    /// Seeded train/test row indices. The test set has `ceil(test_size * n)` rows (as
    /// scikit-learn's `train_test_split`). With `stratify`, each label class is split in the same
    /// proportion (largest remainders get the extra rows), so both sets keep the base rate.
    /// Indices come back ascending, so the rows keep their file order.
    ///
    /// # Errors
    /// `test_size` outside `(0, 1)`, or a split that leaves either side empty.
    pub fn split_indices(&self, test_size: f64, seed: u64, stratify: bool) -> Result<Split> {
        if !(test_size > 0.0 && test_size < 1.0) {
            return Err(Error::invalid("test-size", test_size, "must be in (0, 1)"));
        }
        let n = self.n_rows();
        let n_test = (test_size * n as f64).ceil() as usize;
        if n_test == 0 || n_test >= n {
            return Err(Error::invalid(
                "test-size",
                test_size,
                &format!("leaves an empty train or test set with {n} rows"),
            ));
        }
        let mut r = rng::seeded(seed);
        let mut test = if stratify {
            let classes: [Vec<usize>; 2] = [
                (0..n).filter(|&i| !self.y[i]).collect(),
                (0..n).filter(|&i| self.y[i]).collect(),
            ];
            let exact: Vec<f64> = classes
                .iter()
                .map(|c| c.len() as f64 * n_test as f64 / n as f64)
                .collect();
            let mut take: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
            let mut left = n_test - take.iter().sum::<usize>();
            // Largest remainder first; ties go to the larger class, then class 0.
            let mut order = [0usize, 1];
            order.sort_by(|&a, &b| {
                let fa = exact[a] - exact[a].floor();
                let fb = exact[b] - exact[b].floor();
                fb.total_cmp(&fa)
                    .then(classes[b].len().cmp(&classes[a].len()))
            });
            for &k in &order {
                if left > 0 && take[k] < classes[k].len() {
                    take[k] += 1;
                    left -= 1;
                }
            }
            let mut test = Vec::with_capacity(n_test);
            for (class, &k) in classes.iter().zip(&take) {
                let p = rng::permutation(&mut r, class.len());
                test.extend(p[..k].iter().map(|&i| class[i]));
            }
            test
        } else {
            rng::permutation(&mut r, n)[..n_test].to_vec()
        };
        test.sort_unstable();
        let mut is_test = vec![false; n];
        for &i in &test {
            is_test[i] = true;
        }
        let train = (0..n).filter(|&i| !is_test[i]).collect();
        Ok(Split { train, test })
    }

    /// Errors unless both label classes occur.
    ///
    /// # Errors
    /// [`Error::Empty`] or [`Error::SingleClass`].
    pub fn require_both_classes(&self) -> Result<()> {
        let Some(&first) = self.y.first() else {
            return Err(Error::Empty {
                what: "dataset".into(),
            });
        };
        if self.y.iter().all(|&v| v == first) {
            return Err(Error::SingleClass {
                class: u8::from(first).to_string(),
                context: String::new(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn toy(n: usize) -> FairDataset {
        let x = Array2::from_shape_fn((n, 2), |(i, j)| (i * 10 + j) as f64);
        let y = (0..n).map(|i| i.is_multiple_of(3)).collect();
        let g: Vec<String> = (0..n)
            .map(|i| if i.is_multiple_of(2) { "a" } else { "b" }.into())
            .collect();
        FairDataset::new(x, y, Groups::from_labels("g", &g).unwrap())
            .unwrap()
            .with_weights((0..n).map(|i| i as f64).collect())
            .unwrap()
    }

    #[test]
    fn select_keeps_rows_aligned() {
        let d = toy(10);
        let s = d.select(&[7, 2]);
        assert_eq!(s.features().row(0).to_vec(), vec![70.0, 71.0]);
        assert_eq!(s.labels(), &[false, false]);
        assert_eq!(s.weights().unwrap(), &[7.0, 2.0]);
        assert_eq!(s.groups().codes(), &[1, 0]);
    }

    #[test]
    fn split_sizes_and_alignment() {
        let d = toy(100);
        let (train, test) = d.split(0.3, 42, false).unwrap();
        assert_eq!((train.n_rows(), test.n_rows()), (70, 30));
        for i in 0..test.n_rows() {
            let row = test.features()[[i, 0]] as usize / 10;
            assert_eq!(test.weights().unwrap()[i], row as f64);
            assert_eq!(test.labels()[i], row.is_multiple_of(3));
        }
        let again = d.split_indices(0.3, 42, false).unwrap();
        assert_eq!(again.test.len(), 30);
        assert_eq!(d.split(0.3, 42, false).unwrap().1, test);
        assert_ne!(d.split(0.3, 43, false).unwrap().1, test);
    }

    #[test]
    fn stratified_split_keeps_the_base_rate() {
        let d = toy(99); // 33 positives
        let s = d.split_indices(0.3, 1, true).unwrap();
        assert_eq!(s.test.len(), 30);
        let pos = s.test.iter().filter(|&&i| d.labels()[i]).count();
        assert_eq!(pos, 10);
    }

    #[test]
    fn bad_inputs_are_errors() {
        let g = Groups::from_labels("g", &["a", "b"]).unwrap();
        let x = Array2::from_elem((2, 1), 1.0);
        assert!(matches!(
            FairDataset::new(x.clone(), vec![true], g.clone()),
            Err(Error::LengthMismatch { .. })
        ));
        let mut bad = x.clone();
        bad[[1, 0]] = f64::NAN;
        assert!(matches!(
            FairDataset::new(bad, vec![true, false], g.clone()),
            Err(Error::NonFinite { row: 1, .. })
        ));
        let d = FairDataset::new(x, vec![true, true], g).unwrap();
        assert!(matches!(
            d.require_both_classes(),
            Err(Error::SingleClass { .. })
        ));
        assert!(d.clone().with_weights(vec![1.0, -1.0]).is_err());
        assert!(d.split(1.0, 0, false).is_err());
    }
}
