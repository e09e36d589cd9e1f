use fairkit_core::Error;
use fairkit_core::text::config_message;
use serde::{Deserialize, Deserializer, Serialize};

use crate::{GateError, Multiplicity, Result};

/// The gate's settings, readable from a `gate.toml`; every key is optional.
///
/// | key | default | rule |
/// |---|---|---|
/// | `dp_difference_max` | 0.10 | demographic parity difference (between groups) ≤ max |
/// | `eo_difference_max` | 0.10 | equalized odds difference (worst case) ≤ max |
/// | `accuracy_floor` | 0.70 | overall accuracy ≥ floor |
/// | `per_group_accuracy_floor` | off | every group's accuracy ≥ floor |
/// | `four_fifths` | true | smallest / largest selection rate ≥ `four_fifths_threshold` (0.8) |
/// | `min_samples_per_group` | 100 | a check involving a smaller group is `Inconclusive` |
/// | `min_positives_per_group`, `min_negatives_per_group` | 10 | the same for the TPR / FPR denominators of the equalized odds check |
/// | `strict` | false | `Inconclusive` exits non-zero |
/// | `confidence` | off | e.g. 0.95: decide on a bootstrap interval instead of the point value |
/// | `n_boot`, `seed` | 1000, 0 | bootstrap resamples (at most 10^6, [`fairkit_core::limits::BOOTSTRAP`]) and their seed |
/// | `multiplicity` | `"max-t"` | `"none"`, `"bonferroni"` or `"max-t"`: simultaneous intervals over all groups and checks |
/// | `dp_margin`, `eo_margin`, `accuracy_margin` | 0.02, 0.02, 0.01 | against a baseline: the allowed increase of a disparity, loss of accuracy |
///
/// The defaults are the project's (docs/gate-and-monitor.md#gate-configuration; an earlier proposal
/// used 30 samples and an accuracy floor of 0, and oracle O14, docs/test-oracles.md#o14, gives the
/// same verdicts under both). A threshold key set to `false` turns its check off:
///
/// ```
/// use fairkit_gate::GateConfig;
///
/// let config = GateConfig::from_toml("dp_difference_max = 0.05\naccuracy_floor = false\n")?;
/// assert_eq!(config.dp_difference_max, Some(0.05));
/// assert_eq!(config.accuracy_floor, None);
/// assert_eq!(config.min_samples_per_group, 100);
/// # Ok::<(), fairkit_gate::GateError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GateConfig {
    /// Largest allowed demographic parity difference (`None`: check off).
    #[serde(deserialize_with = "threshold_or_false")]
    pub dp_difference_max: Option<f64>,
    /// Largest allowed equalized odds difference (`None`: check off).
    #[serde(deserialize_with = "threshold_or_false")]
    pub eo_difference_max: Option<f64>,
    /// Smallest allowed overall accuracy (`None`: check off).
    #[serde(deserialize_with = "threshold_or_false")]
    pub accuracy_floor: Option<f64>,
    /// Smallest allowed accuracy of every group (`None`: check off).
    #[serde(deserialize_with = "threshold_or_false")]
    pub per_group_accuracy_floor: Option<f64>,
    /// Whether the four-fifths rule is checked.
    pub four_fifths: bool,
    /// The four-fifths threshold (fails when the ratio is below it).
    pub four_fifths_threshold: f64,
    /// Minimum rows per group for a check that involves the group.
    pub min_samples_per_group: u64,
    /// Minimum actual positives per group for the equalized odds check (TPR).
    pub min_positives_per_group: u64,
    /// Minimum actual negatives per group for the equalized odds check (FPR).
    pub min_negatives_per_group: u64,
    /// Treat `Inconclusive` as a failure in the exit code.
    pub strict: bool,
    /// Confidence level of the bootstrap interval (`None`: decide on point values).
    #[serde(deserialize_with = "threshold_or_false")]
    pub confidence: Option<f64>,
    /// Bootstrap resamples.
    pub n_boot: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// How intervals over many groups and checks are made simultaneous
    /// (docs/gate-and-monitor.md#simultaneous-intervals).
    pub multiplicity: Multiplicity,
    /// Against a baseline: the largest allowed increase of the demographic parity difference
    /// (`None`: not compared).
    #[serde(deserialize_with = "threshold_or_false")]
    pub dp_margin: Option<f64>,
    /// Against a baseline: the largest allowed increase of the equalized odds difference.
    #[serde(deserialize_with = "threshold_or_false")]
    pub eo_margin: Option<f64>,
    /// Against a baseline: the largest allowed loss of overall accuracy.
    #[serde(deserialize_with = "threshold_or_false")]
    pub accuracy_margin: Option<f64>,
}

impl Default for GateConfig {
    fn default() -> Self {
        Self {
            dp_difference_max: Some(0.10),
            eo_difference_max: Some(0.10),
            accuracy_floor: Some(0.70),
            per_group_accuracy_floor: None,
            four_fifths: true,
            four_fifths_threshold: 0.8,
            min_samples_per_group: 100,
            min_positives_per_group: 10,
            min_negatives_per_group: 10,
            strict: false,
            confidence: None,
            n_boot: 1_000,
            seed: 0,
            multiplicity: Multiplicity::MaxT,
            dp_margin: Some(0.02),
            eo_margin: Some(0.02),
            accuracy_margin: Some(0.01),
        }
    }
}

/// A number, or `false` for "off".
fn threshold_or_false<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    struct Threshold;
    impl serde::de::Visitor<'_> for Threshold {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a number, or false to turn the check off")
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            if v {
                Err(E::custom(
                    "true is not a threshold: expected a number, or false to turn the check off",
                ))
            } else {
                Ok(None)
            }
        }
    }
    d.deserialize_any(Threshold)
}

impl GateConfig {
    /// Parses a `gate.toml` and validates it; keys not given keep their defaults.
    ///
    /// # Errors
    /// TOML syntax, an unknown key, a wrong type, or a value [`validate`](Self::validate)
    /// rejects.
    ///
    /// Every message is one line naming the line, column and key in the text (prefix it with
    /// the file's name):
    ///
    /// ```
    /// use fairkit_gate::GateConfig;
    ///
    /// let e = GateConfig::from_toml("strict = true\ndp_difference_max = 2\n").unwrap_err();
    /// assert_eq!(
    ///     e.to_string(),
    ///     "line 2, column 1: key 'dp_difference_max': invalid value 2: must lie in [0, 1]"
    /// );
    /// ```
    pub fn from_toml(text: &str) -> Result<Self> {
        let config: GateConfig = toml::from_str(text).map_err(|mut e| {
            let span = e.span();
            e.set_input(None);
            GateError::Config(config_message("", text, span, &e.to_string()))
        })?;
        config.validate().map_err(|e| match e {
            GateError::Core(Error::InvalidParameter {
                name,
                value,
                reason,
            }) => GateError::Config(config_message(
                "",
                text,
                None,
                &format!("invalid value {value}: {reason}\nin `{name}`"),
            )),
            other => other,
        })?;
        Ok(config)
    }

    /// The configuration as a `gate.toml` that [`from_toml`](Self::from_toml) reads back to the
    /// same configuration: every key, a check or margin that is off written as `false`
    /// (what `fairkit gate --evidence` records as the resolved configuration).
    ///
    /// ```
    /// use fairkit_gate::GateConfig;
    ///
    /// let config = GateConfig { accuracy_floor: None, seed: 7, ..GateConfig::default() };
    /// let text = config.to_toml()?;
    /// assert!(text.contains("accuracy_floor = false\n"));
    /// assert_eq!(GateConfig::from_toml(&text)?, config);
    /// # Ok::<(), fairkit_gate::GateError>(())
    /// ```
    ///
    /// # Errors
    /// [`GateError::Config`] when TOML cannot hold a value (none is expected).
    pub fn to_toml(&self) -> Result<String> {
        let mut table =
            toml::Table::try_from(self).map_err(|e| GateError::Config(e.to_string()))?;
        for key in [
            "dp_difference_max",
            "eo_difference_max",
            "accuracy_floor",
            "per_group_accuracy_floor",
            "confidence",
            "dp_margin",
            "eo_margin",
            "accuracy_margin",
        ] {
            table.entry(key).or_insert(toml::Value::Boolean(false));
        }
        toml::to_string(&table).map_err(|e| GateError::Config(e.to_string()))
    }

    /// Checks every value.
    ///
    /// # Errors
    /// A threshold outside `[0, 1]`, a four-fifths threshold outside `(0, 1]`, a confidence
    /// outside `(0, 1)`, or `n_boot = 0` with a confidence set.
    pub fn validate(&self) -> Result<()> {
        for (name, v) in [
            ("dp_difference_max", self.dp_difference_max),
            ("eo_difference_max", self.eo_difference_max),
            ("accuracy_floor", self.accuracy_floor),
            ("per_group_accuracy_floor", self.per_group_accuracy_floor),
            ("dp_margin", self.dp_margin),
            ("eo_margin", self.eo_margin),
            ("accuracy_margin", self.accuracy_margin),
        ] {
            if let Some(v) = v.filter(|v| !(0.0..=1.0).contains(v)) {
                return Err(Error::invalid(name, v, "must lie in [0, 1]").into());
            }
        }
        let t = self.four_fifths_threshold;
        if !(t > 0.0 && t <= 1.0) {
            return Err(Error::invalid("four_fifths_threshold", t, "must lie in (0, 1]").into());
        }
        if let Some(c) = self.confidence.filter(|c| !(*c > 0.0 && *c < 1.0)) {
            return Err(
                Error::invalid("confidence", c, "must lie strictly between 0 and 1").into(),
            );
        }
        if self.confidence.is_some() && self.n_boot == 0 {
            return Err(Error::invalid("n_boot", 0, "must be at least 1").into());
        }
        fairkit_core::limits::BOOTSTRAP.check_usize("n_boot", self.n_boot)?;
        Ok(())
    }
}
