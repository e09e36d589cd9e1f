//! Experiment files: every key missing takes the default of the matching `fairkit compare`
//! flag (a minimal file for every source kind), and every error is one line naming the file,
//! line, column and key in the file's words.

use std::path::PathBuf;

use fairkit_data::{DatasetSpec, sim};

use crate::compare::CompareConfig;
use crate::data::{DataSource, SplitPolicy};

fn parse(text: &str) -> CompareConfig {
    CompareConfig::from_toml(text, "x.toml").unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn message(text: &str) -> String {
    CompareConfig::from_toml(text, "x.toml")
        .unwrap_err()
        .to_string()
}

/// The configuration `fairkit compare` runs without flags, with another data source.
fn defaults_with(data: DataSource) -> CompareConfig {
    CompareConfig {
        data,
        ..CompareConfig::default()
    }
}

#[test]
fn minimal_files_take_the_flags_defaults() {
    assert_eq!(parse(""), CompareConfig::default());
    assert_eq!(parse("[data]\n"), CompareConfig::default());
    // Scenario: name, rows and seed as without --dataset, --rows and --sim-seed.
    assert_eq!(
        parse("[data]\nsource = \"scenario\"\n"),
        defaults_with(DataSource::Scenario {
            name: sim::DEFAULT_SCENARIO.into(),
            rows: sim::DEFAULT_ROWS,
            seed: 0,
        })
    );
    assert_eq!(
        parse("[data]\nsource = \"scenario\"\nname = \"credit\"\n").data,
        DataSource::Scenario {
            name: "credit".into(),
            rows: sim::DEFAULT_ROWS,
            seed: 0,
        }
    );
    // CSV: path, label and sensitive; the spec's other keys as --positive-label 1, no
    // --features / --weights / --categorical, standardized.
    assert_eq!(
        parse(
            "[data]\nsource = \"csv\"\npath = \"d.csv\"\n[data.spec]\nlabel = \"y\"\n\
             sensitive = [\"g\"]\n"
        ),
        defaults_with(DataSource::Csv {
            path: PathBuf::from("d.csv"),
            test: None,
            spec: DatasetSpec::new("y", ["g"]),
            layout: Default::default(),
        })
    );
    // Adult and COMPAS: the path only.
    assert_eq!(
        parse("[data]\nsource = \"adult\"\npath = \"adult-dir\"\n"),
        defaults_with(DataSource::Adult {
            path: PathBuf::from("adult-dir"),
        })
    );
    assert_eq!(
        parse("[data]\nsource = \"compas\"\npath = \"c.csv\"\n"),
        defaults_with(DataSource::Compas {
            path: PathBuf::from("c.csv"),
        })
    );
    assert_eq!(
        parse("[data]\nsource = \"german\"\npath = \"german.data\"\n"),
        defaults_with(DataSource::German {
            path: PathBuf::from("german.data"),
        })
    );
    // [[datasets]]: each entry a [data] table, in order.
    let multi = parse(
        "[[datasets]]\nsource = \"german\"\npath = \"g.data\"\n\n[[datasets]]\nname = \"credit\"\n",
    );
    assert_eq!(
        multi.datasets,
        [
            DataSource::German {
                path: PathBuf::from("g.data"),
            },
            DataSource::Scenario {
                name: "credit".into(),
                rows: fairkit_data::sim::DEFAULT_ROWS,
                seed: 0,
            },
        ]
    );
    // Recorded and read back: the same configuration.
    let toml = multi.to_toml().unwrap();
    assert_eq!(
        CompareConfig::from_toml(&toml, "e.toml").unwrap(),
        multi,
        "{toml}"
    );
    // A [split] table with one key: the others as without --test-size, --stratify and
    // --fixed-split.
    assert_eq!(
        parse("[split]\nstratify = true\n").split,
        SplitPolicy {
            test_size: 0.3,
            stratify: true,
            fixed: false,
        }
    );
    assert_eq!(parse("[split]\n").split, CompareConfig::default().split);
}

#[test]
fn errors_are_one_line_at_the_key() {
    let cases = [
        (
            "[data]\nsource = \"csv\"\n[data.spec]\nlabel = \"y\"\nsensitive = [\"g\"]\n",
            "x.toml: line 1, column 1: key 'data': key 'path' is missing: source = \"csv\" needs \
             it (the CSV file)",
        ),
        (
            "[data]\nsource = \"csv\"\npath = \"d.csv\"\n[data.spec]\nsensitive = [\"g\"]\n",
            "x.toml: line 4, column 1: key 'data.spec': missing key 'label'",
        ),
        (
            "[data]\nsource = \"scenario\"\npath = \"x\"\n",
            "x.toml: line 3, column 1: key 'data.path': key 'path' does not apply to source = \
             \"scenario\" (its keys: name, rows, seed)",
        ),
        (
            "[data]\nsource = \"nope\"\n",
            "x.toml: line 2, column 1: key 'data.source': unknown source 'nope'; expected \
             \"scenario\", \"csv\", \"adult\", \"compas\" or \"german\"",
        ),
        (
            "[data]\nsource = \"csv\"\npath = \"d.csv\"\n[data.spec]\nlabel = \"y\"\n\
             sensitive = [\"g\"]\npostive_label = \"1\"\n",
            "x.toml: line 7, column 1: key 'data.spec.postive_label': unknown key \
             'postive_label', expected one of 'label', 'positive_label', 'sensitive', \
             'features', 'weights', 'categorical', 'standardize'; did you mean 'positive_label'?",
        ),
        (
            "seeds = \"x\"\n",
            "x.toml: line 1, column 9: key 'seeds': invalid type: string \"x\", expected a \
             number of seeds (5 runs seeds 0 to 4, as --seeds 5) or a list of seeds such as \
             [1, 7, 42]",
        ),
        (
            "methods = [1]\n",
            "x.toml: line 1, column 12: key 'methods': invalid type: integer '1', expected a \
             method name such as \"expgrad-dp\", or a table such as { name = \"eg\", method = \
             \"expgrad\", constraint = \"demographic_parity\" }",
        ),
        (
            "estimator = 3\n",
            "x.toml: line 1, column 13: key 'estimator': invalid type: integer '3', expected \
             an estimator name (\"logistic\", \"tree\", \"boosting\", \"linfa-logistic\") or a \
             table such as { name = \"tree\", max_depth = 3 }",
        ),
        (
            "\nmethods = [\"magic\"]\n",
            "x.toml: line 2, column 1: key 'methods': invalid parameter method = magic: must be \
             one of baseline, baseline-logistic, baseline-tree, baseline-forest, \
             baseline-naive-bayes, baseline-svm, baseline-boosting, baseline-linfa-tree, \
             baseline-linfa-logistic, reweighing, di-remover, correlation-remover, expgrad-dp, \
             expgrad-eo, expgrad-tpr, expgrad-fpr, expgrad-erp, gridsearch-dp, gridsearch-eo, \
             threshold-dp, threshold-eo, reject-option, eq-odds, calibrated-eq-odds, \
             prejudice-remover, gerryfair, adversarial, massaging, lfr",
        ),
        (
            "[data]\nrows = -5\n",
            "x.toml: line 2, column 8: key 'data.rows': invalid value: integer '-5', expected a \
             whole number of at least 0",
        ),
        (
            "[split]\ntest-size = \"x\"\n",
            "x.toml: line 2, column 13: key 'split.test-size': invalid type: string \"x\", \
             expected a number",
        ),
        (
            "[split]\ntest-size = 1.5\n",
            "x.toml: line 2, column 1: key 'test-size': invalid value 1.5: the test share must \
             be in (0, 1)",
        ),
        (
            "disparity = \"fair\"\n",
            "x.toml: line 1, column 13: key 'disparity': unknown value 'fair', expected \
             'demographic_parity' or 'equalized_odds'",
        ),
        (
            "[data\n",
            "x.toml: line 1, column 6: unclosed table, expected ']'",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(message(text), want, "{text}");
    }
    // No message names a Rust type, and each is one line.
    for text in [
        "seeds = [\"a\"]\n",
        "seeds = 1.5\n",
        "methods = \"baseline\"\n",
        "methods = [[1]]\n",
        "estimator = [1]\n",
        "estimator = { name = \"tree\", depth = 3 }\n",
        "methods = [{ name = \"eg\", method = \"expgrad\" }]\n",
        "[data]\nseed = \"x\"\n",
        "[data.spec]\n",
        "data = 3\n",
        "split = 3\n",
    ] {
        let m = message(text);
        assert!(m.starts_with("x.toml: line "), "{text}: {m}");
        for jargon in [
            "u64", "usize", "f64", "struct", "enum", "Item", "sequence", "\n",
        ] {
            assert!(!m.contains(jargon), "{text}: {m}");
        }
    }
}
