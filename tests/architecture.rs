//! The rules of ARCHITECTURE.md that a machine can check, as rust-analyzer's `tidy` tests do:
//! the dependency rules between the crates (read from every `Cargo.toml`) and "only the
//! harness and the binary touch files" (read from the library sources).
//!
//! Each rule is a function that returns the violations of a given workspace, so the tests below
//! run it on the real workspace (no violation) and on a workspace broken on purpose (the
//! violation is found): a rule that cannot fail is no rule.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// One package: its name, its normal dependencies and its dev-dependencies.
#[derive(Debug, Clone)]
struct Package {
    name: String,
    publish: bool,
    dependencies: Vec<String>,
    dev_dependencies: Vec<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn table_keys(doc: &toml::Table, key: &str) -> Vec<String> {
    let mut keys: Vec<String> = doc
        .get(key)
        .and_then(toml::Value::as_table)
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    // `[target.'cfg(...)'.dependencies]` count as dependencies too.
    if let Some(targets) = doc.get("target").and_then(toml::Value::as_table) {
        for target in targets.values() {
            if let Some(t) = target.get(key).and_then(toml::Value::as_table) {
                keys.extend(t.keys().cloned());
            }
        }
    }
    keys.sort();
    keys
}

fn package(manifest: &Path) -> Package {
    let text = fs::read_to_string(manifest)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", manifest.display()));
    let doc: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("{} is not TOML: {e}", manifest.display()));
    let pkg = doc
        .get("package")
        .and_then(toml::Value::as_table)
        .unwrap_or_else(|| panic!("{} has no [package]", manifest.display()));
    Package {
        name: pkg["name"].as_str().expect("a package name").to_string(),
        publish: pkg.get("publish").and_then(toml::Value::as_bool) != Some(false),
        dependencies: table_keys(&doc, "dependencies"),
        dev_dependencies: table_keys(&doc, "dev-dependencies"),
    }
}

/// Every package of the workspace by name: the root package (`fairkit`, the facade and the
/// binary) and each `crates/*/Cargo.toml`.
fn workspace() -> BTreeMap<String, Package> {
    let mut packages = BTreeMap::new();
    let mut manifests = vec![root().join("Cargo.toml")];
    for entry in fs::read_dir(root().join("crates")).expect("crates/") {
        let manifest = entry.expect("an entry").path().join("Cargo.toml");
        if manifest.is_file() {
            manifests.push(manifest);
        }
    }
    for manifest in manifests {
        let p = package(&manifest);
        packages.insert(p.name.clone(), p);
    }
    packages
}

/// The layers of the pipeline, lowest first. A crate depends only on crates of lower layers.
const LAYERS: [&[&str]; 5] = [
    &["fairkit-core"],
    &["fairkit-data", "fairkit-learners", "fairkit-metrics"],
    &[
        "fairkit-reductions",
        "fairkit-postprocessing",
        "fairkit-preprocessing",
        "fairkit-inprocessing",
        "fairkit-gate",
        "fairkit-monitor",
        "fairkit-columnar",
    ],
    &["fairkit-harness"],
    &["fairkit", "fairkit-python"],
];

/// Concrete learners: what mitigation crates must not name.
const CONCRETE_LEARNERS: [&str; 4] = [
    "fairkit-learners",
    "linfa-logistic",
    "linfa-trees",
    "forust-ml",
];
const MITIGATION: [&str; 4] = [
    "fairkit-reductions",
    "fairkit-postprocessing",
    "fairkit-preprocessing",
    "fairkit-inprocessing",
];

/// Dependencies that only some packages may have (as normal dependencies).
const RESTRICTED: [(&str, &[&str]); 7] = [
    ("linfa-logistic", &["fairkit-learners"]),
    ("linfa-trees", &["fairkit-learners"]),
    ("forust-ml", &["fairkit-learners"]),
    ("anyhow", &["fairkit"]),
    ("clap", &["fairkit"]),
    ("indicatif", &["fairkit"]),
    ("tempfile", &["fairkit-harness", "fairkit"]),
];

fn layer(name: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&name))
}

/// The violations of the dependency rules in `packages`.
fn dependency_violations(packages: &BTreeMap<String, Package>) -> Vec<String> {
    let mut out = Vec::new();
    for p in packages.values() {
        if p.name == "fairkit-testkit" {
            if p.publish {
                out.push("fairkit-testkit must not be published (publish = false)".into());
            }
            for dep in p.dependencies.iter().filter(|d| d.starts_with("fairkit-")) {
                if dep != "fairkit-core" {
                    out.push(format!("fairkit-testkit depends on {dep}: only core"));
                }
            }
            continue;
        }
        let Some(own) = layer(&p.name) else {
            out.push(format!(
                "{} is in no layer of ARCHITECTURE.md (add it to LAYERS)",
                p.name
            ));
            continue;
        };
        for dep in &p.dependencies {
            if dep == "fairkit-testkit" {
                out.push(format!(
                    "{} depends on fairkit-testkit: a dev-dependency only",
                    p.name
                ));
            } else if dep.starts_with("fairkit-") {
                match layer(dep) {
                    Some(l) if l < own => {}
                    _ => out.push(format!(
                        "{} depends on {dep}, which is not in a lower layer",
                        p.name
                    )),
                }
            }
        }
        if MITIGATION.contains(&p.name.as_str()) {
            for dep in p
                .dependencies
                .iter()
                .filter(|d| CONCRETE_LEARNERS.contains(&d.as_str()))
            {
                out.push(format!(
                    "{} (a mitigation crate) depends on the concrete learner {dep}",
                    p.name
                ));
            }
        }
        for (dep, allowed) in RESTRICTED {
            if p.dependencies.iter().any(|d| d == dep) && !allowed.contains(&p.name.as_str()) {
                out.push(format!(
                    "{} depends on {dep}, which only {} may",
                    p.name,
                    allowed.join(", ")
                ));
            }
        }
    }
    out
}

#[test]
fn the_crates_follow_the_dependency_rules() {
    let packages = workspace();
    // Every crate of the layers exists: a renamed crate must be renamed here too.
    for name in LAYERS.iter().flat_map(|l| l.iter()) {
        assert!(
            packages.contains_key(*name),
            "{name} is not in the workspace"
        );
    }
    assert!(packages.contains_key("fairkit-testkit"));
    let violations = dependency_violations(&packages);
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn a_broken_dependency_rule_is_found() {
    let packages = workspace();
    let broken = |name: &str, dep: &str, dev: bool| {
        let mut copy = packages.clone();
        let p = copy.get_mut(name).expect("the package");
        if dev {
            p.dev_dependencies.push(dep.into());
        } else {
            p.dependencies.push(dep.into());
        }
        dependency_violations(&copy)
    };
    let cases = [
        ("fairkit-core", "fairkit-data", "not in a lower layer"),
        ("fairkit-metrics", "fairkit-harness", "not in a lower layer"),
        ("fairkit-reductions", "fairkit-learners", "concrete learner"),
        ("fairkit-postprocessing", "linfa-trees", "concrete learner"),
        (
            "fairkit-preprocessing",
            "linfa-logistic",
            "only fairkit-learners",
        ),
        ("fairkit-harness", "anyhow", "only fairkit"),
        ("fairkit-gate", "clap", "only fairkit"),
        ("fairkit-data", "fairkit-testkit", "dev-dependency only"),
    ];
    for (name, dep, expected) in cases {
        let found = broken(name, dep, false);
        assert!(
            found
                .iter()
                .any(|v| v.contains(name) && v.contains(expected)),
            "{name} -> {dep}: {found:?}"
        );
    }
    // A dev-dependency is not a dependency of the library.
    assert!(broken("fairkit-reductions", "fairkit-learners", true).is_empty());
}

/// What counts as touching files in library code.
const FILE_IO: [&str; 10] = [
    "std::fs",
    "fs::",
    "File::open",
    "File::create",
    "OpenOptions",
    "read_dir",
    "remove_file",
    "create_dir",
    "tempfile",
    "std::os::unix::fs",
];

/// The packages that may touch files: the harness, the binary (`crates/cli`), and the test kit
/// (tests only).
const FILE_IO_ALLOWED: [&str; 3] = ["harness", "cli", "testkit"];

/// The lines of `text` (a source file) that touch files, outside comments.
fn file_io_lines(path: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if let Some(what) = FILE_IO.iter().find(|p| code.contains(*p)) {
            out.push(format!("{path}:{}: {what}: {}", i + 1, line.trim()));
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_harness_and_the_binary_touch_files() {
    let mut sources = vec![root().join("src/lib.rs")];
    let mut checked = 0;
    for entry in fs::read_dir(root().join("crates")).expect("crates/") {
        let dir = entry.expect("an entry").path();
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !FILE_IO_ALLOWED.contains(&name) {
            rust_files(&dir.join("src"), &mut sources);
            checked += 1;
        }
    }
    assert!(checked >= 9, "only {checked} library crates found");
    let mut violations = Vec::new();
    for path in &sources {
        let text = fs::read_to_string(path).expect("a source file");
        let relative = path
            .strip_prefix(root())
            .unwrap_or(path)
            .display()
            .to_string();
        violations.extend(file_io_lines(&relative, &text));
    }
    assert!(
        violations.is_empty(),
        "file I/O outside fairkit-harness and crates/cli (read from a reader, write to a writer, \
         and let the harness open files):\n{}",
        violations.join("\n")
    );
}

#[test]
fn file_io_in_a_library_is_found() {
    let found = file_io_lines(
        "crates/metrics/src/x.rs",
        "use std::io::Read;\n// std::fs in a comment is fine\nlet f = std::fs::File::open(p)?;\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("crates/metrics/src/x.rs:3: std::fs"));
    for line in [
        "let t = fs::read_to_string(p);",
        "OpenOptions::new()",
        "tempfile::tempdir()",
    ] {
        assert_eq!(file_io_lines("a.rs", line).len(), 1, "{line}");
    }
}
