//! Serialization helpers: undefined numbers become `null`, maps keep their order.

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

/// Serializes an `f64`, writing NaN and infinities as `null` (JSON has no such numbers, and a
/// made-up value would mislead). Use as `#[serde(serialize_with = "nan_as_null")]`.
///
/// # Errors
/// Whatever the serializer returns.
pub fn nan_as_null<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.is_finite() {
        serializer.serialize_f64(*value)
    } else {
        serializer.serialize_none()
    }
}

/// Serializes a slice of `f64` with [`nan_as_null`] applied to each entry.
///
/// # Errors
/// Whatever the serializer returns.
pub fn nan_as_null_seq<S: Serializer>(values: &[f64], serializer: S) -> Result<S::Ok, S::Error> {
    let mut seq = serializer.serialize_seq(Some(values.len()))?;
    for v in values {
        seq.serialize_element(&Num(*v))?;
    }
    seq.end()
}

/// An `f64` that serializes NaN and infinities as `null`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        nan_as_null(&self.0, serializer)
    }
}

/// A statistic of a report: a point value (`f64`) or one value per bootstrap quantile
/// (`Vec<f64>`). Both serialize with undefined values as `null`.
pub trait Stat: Clone + std::fmt::Debug + PartialEq {
    /// Whether this is a point estimate (metadata such as statuses is serialized only then).
    const POINT: bool;

    /// Serializes the value.
    ///
    /// # Errors
    /// Whatever the serializer returns.
    fn serialize_stat<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;

    /// Serializes the value as a count: an integer when it is one.
    ///
    /// # Errors
    /// Whatever the serializer returns.
    fn serialize_count<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_stat(serializer)
    }
}

impl Stat for f64 {
    const POINT: bool = true;

    fn serialize_stat<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        nan_as_null(self, serializer)
    }

    fn serialize_count<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_finite() && *self >= 0.0 && self.fract() == 0.0 && *self < 9.0e15 {
            serializer.serialize_u64(*self as u64)
        } else {
            nan_as_null(self, serializer)
        }
    }
}

impl Stat for Vec<f64> {
    const POINT: bool = false;

    fn serialize_stat<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        nan_as_null_seq(self, serializer)
    }
}

/// Adapter: serializes a [`Stat`] by reference.
pub(crate) struct StatRef<'a, T>(pub &'a T);

impl<T: Stat> Serialize for StatRef<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_stat(serializer)
    }
}

/// Adapter: serializes a [`Stat`] by reference as a count.
pub(crate) struct CountRef<'a, T>(pub &'a T);

impl<T: Stat> Serialize for CountRef<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_count(serializer)
    }
}

/// Adapter: serializes the items of an iterator of pairs as a map, in iteration order.
pub(crate) struct MapOf<F>(pub F);

impl<F, I, K, V> Serialize for MapOf<F>
where
    F: Fn() -> I,
    I: IntoIterator<Item = (K, V)>,
    K: Serialize,
    V: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map((self.0)())
    }
}
