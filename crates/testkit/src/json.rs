//! Two JSON documents equal but for rounding: the reports of two paths that compute the same
//! numbers in another order (rows and their counts, a file streamed and held in memory).

use serde_json::{Map, Value};

/// What [`assert_close_with`] allows and leaves out.
#[derive(Debug, Clone, Copy)]
pub struct Close<'a> {
    /// The largest difference between two numbers, relative to values above 1.
    pub tolerance: f64,
    /// Object keys left out on both sides (a file name, say).
    pub skip: &'a [&'a str],
    /// Numbers whose path ends in one of these are compared squared: a square root magnifies
    /// the rounding of what it is the root of near 0 (1e-14 in 1e-5 is 4e-12 in its root).
    pub squared: &'a [&'a str],
}

impl Default for Close<'_> {
    /// Numbers within 1e-12, nothing left out, nothing squared.
    fn default() -> Self {
        Close {
            tolerance: 1e-12,
            skip: &[],
            squared: &[],
        }
    }
}

/// Asserts that `a` and `b` have the same shape (the same object keys, arrays of the
/// same length), the same strings, booleans and nulls, and numbers within 1e-12 (relative to
/// values above 1). `at` names the root in the message, which gives the path of the first
/// difference (`report.groups[1].rate: 0.5 vs 0.6`).
pub fn assert_close(a: &Value, b: &Value, at: &str) {
    assert_close_with(a, b, at, &Close::default());
}

/// [`assert_close`] with another tolerance, keys left out or numbers compared squared.
pub fn assert_close_with(a: &Value, b: &Value, at: &str, close: &Close<'_>) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (mut x, mut y) = (number(x, at), number(y, at));
            if close.squared.iter().any(|s| at.ends_with(s)) {
                (x, y) = (x * x, y * y);
            }
            assert!(
                (x - y).abs() <= close.tolerance * x.abs().max(1.0),
                "{at}: {x} vs {y}"
            );
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: array lengths");
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                assert_close_with(x, y, &format!("{at}[{i}]"), close);
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys = |m: &'_ Map<String, Value>| -> Vec<String> {
                m.keys()
                    .filter(|k| !close.skip.contains(&k.as_str()))
                    .cloned()
                    .collect()
            };
            let keys_x = keys(x);
            assert_eq!(keys_x, keys(y), "{at}: keys");
            for k in keys_x {
                assert_close_with(&x[&k], &y[&k], &format!("{at}.{k}"), close);
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

fn number(n: &serde_json::Number, at: &str) -> f64 {
    match n.as_f64() {
        Some(x) => x,
        None => panic!("{at}: {n} is not a number an f64 holds"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn rounding_passes() {
        let a = json!({"n": 1, "x": [0.1, 1e6], "s": "a", "input": "p.csv"});
        let b =
            json!({"n": 1, "x": [0.1 + 1e-13, 1e6 * (1.0 + 5e-13)], "s": "a", "input": "q.csv"});
        assert_close_with(
            &a,
            &b,
            "r",
            &Close {
                skip: &["input"],
                ..Close::default()
            },
        );
    }

    #[test]
    #[should_panic(expected = "r.x[1]: 1000000 vs 1000000.000002")]
    fn a_larger_difference_names_its_path() {
        assert_close(
            &json!({"x": [0, 1e6]}),
            &json!({"x": [0, 1000000.000002]}),
            "r",
        );
    }

    #[test]
    #[should_panic(expected = "r: keys")]
    fn other_keys_fail() {
        assert_close(&json!({"a": 1}), &json!({"a": 1, "b": 2}), "r");
    }

    #[test]
    #[should_panic(expected = "r.s")]
    fn other_text_fails() {
        assert_close(&json!({"s": "a"}), &json!({"s": "b"}), "r");
    }

    #[test]
    fn squared_values_allow_the_root_s_rounding() {
        // 1e-5 and 1e-5 + 1e-14 under a square root: 4e-12 apart, squared back 1e-14 apart.
        let (x, y) = (1e-5f64.sqrt(), (1e-5f64 + 1e-14).sqrt());
        assert!((x - y).abs() > 1e-12);
        let close = Close {
            squared: &["cv"],
            ..Close::default()
        };
        assert_close_with(&json!({"cv": x}), &json!({"cv": y}), "r", &close);
    }
}
