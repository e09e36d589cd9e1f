//! The repository stands alone: every pointer into `docs/` resolves, and no comment cites the
//! specification the project started from (it is not in the repository).
//!
//! * Every `docs/<page>.md#<anchor>` in the repository's `.rs`, `.md`, `.py`, `.sh` and `.toml`
//!   files names an existing page and, with an anchor, a heading of that page. Anchors follow
//!   GitHub's rule: the heading text in lowercase, spaces turned into `-`, punctuation dropped,
//!   `-1`, `-2`, … added to repeated headings.
//! * Every relative Markdown link inside `docs/` (`[text](page.md#anchor)`, `(#anchor)`, a
//!   picture) resolves the same way.
//! * No comment in code or scripts cites the specification by its short name, and no comment in
//!   library, binary or example code points outside the repository (`shared/`); tests and benches
//!   locate their data there, which is allowed.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The short name comments must not cite, built so that this file does not contain it.
const SPEC_NAME: &str = concat!("SP", "EC");

/// Extensions of the files scanned for references.
const SCANNED: [&str; 5] = ["rs", "md", "py", "sh", "toml"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every scanned file under `dir`, skipping build output and version control.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !matches!(name, "target" | ".git" | "node_modules") {
                files(&path, out);
            }
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| SCANNED.contains(&e))
        {
            out.push(path);
        }
    }
}

fn repository_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    files(&root(), &mut out);
    out
}

/// GitHub's anchor of a heading: inline code marks removed, lowercase, letters, digits, `-` and
/// `_` kept, spaces turned into `-`, everything else dropped.
fn github_anchor(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter(|c| *c != '`')
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a Markdown text's headings (outside fenced code), with GitHub's `-N` suffixes
/// for repeated headings.
fn anchors(markdown: &str) -> HashSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = HashSet::new();
    let mut fenced = false;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let hashes = trimmed.chars().take_while(|&c| c == '#').count();
        if !(1..=6).contains(&hashes) || !trimmed[hashes..].starts_with(' ') {
            continue;
        }
        let base = github_anchor(trimmed[hashes..].trim().trim_end_matches('#'));
        let n = seen.entry(base.clone()).or_insert(0);
        out.insert(if *n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        });
        *n += 1;
    }
    out
}

/// A pointer found in a file: the page (relative to the repository root) and the anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reference {
    page: String,
    anchor: Option<String>,
    line: usize,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Every `docs/<page>.md` or `docs/<page>.md#<anchor>` in `text` that is not part of a longer
/// path (`crates/x/docs/…`).
fn docs_references(text: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(found) = line[from..].find("docs/") {
            let start = from + found;
            from = start + "docs/".len();
            let before = line[..start].chars().next_back();
            if before.is_some_and(|c| is_name_char(c) || c == '/' || c == '.') {
                continue;
            }
            let rest = &line[from..];
            let name_len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
            if name_len == 0 || !rest[name_len..].starts_with(".md") {
                continue;
            }
            let page = format!("docs/{}.md", &rest[..name_len]);
            let after = &rest[name_len + ".md".len()..];
            let anchor = after.strip_prefix('#').map(|a| {
                let len = a.find(|c: char| !is_name_char(c)).unwrap_or(a.len());
                a[..len].to_string()
            });
            out.push(Reference {
                page,
                anchor,
                line: number + 1,
            });
        }
    }
    out
}

/// Every relative link target `(target)` of a Markdown link or picture in `text` (URLs and
/// mail addresses left out), with its line.
fn markdown_links(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(found) = line[from..].find("](") {
            let start = from + found + 2;
            from = start;
            let Some(len) = line[start..].find(')') else {
                continue;
            };
            let target = &line[start..start + len];
            if target.contains("://") || target.starts_with("mailto:") || target.contains(' ') {
                continue;
            }
            out.push((target.to_string(), number + 1));
        }
    }
    out
}

/// The problems with `references` of `source`, given each page's text (`None`: no such page).
fn check_references(
    source: &str,
    references: &[Reference],
    page_text: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for r in references {
        let Some(text) = page_text(&r.page) else {
            problems.push(format!("{source}:{}: {} does not exist", r.line, r.page));
            continue;
        };
        if let Some(anchor) = &r.anchor
            && !anchors(&text).contains(anchor)
        {
            problems.push(format!(
                "{source}:{}: {} has no heading with anchor #{anchor}",
                r.line, r.page
            ));
        }
    }
    problems
}

fn read_page(page: &str) -> Option<String> {
    fs::read_to_string(root().join(page)).ok()
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The comment part of a line of code: after `//` in Rust, after `#` in scripts and TOML.
fn comment_of<'a>(path: &Path, line: &'a str) -> Option<&'a str> {
    let marker = match path.extension().and_then(|e| e.to_str()) {
        Some("rs") => "//",
        Some("py" | "sh" | "toml") => "#",
        _ => return None,
    };
    line.find(marker).map(|i| &line[i..])
}

/// Whether `text` holds `word` with no letter, digit or `_` on either side.
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        let outside = |c: Option<char>| !c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        outside(before) && outside(after)
    })
}

/// Whether code at `path` (relative) may point outside the repository in its comments: tests,
/// benches, scripts and the test kit (their locator) locate the shared data there.
fn may_locate_shared_data(path: &str) -> bool {
    path.starts_with("tests/")
        || path.starts_with("benches/")
        || path.starts_with("scripts/")
        || path.contains("/tests/")
        || path.contains("/benches/")
        || path.starts_with("crates/testkit/")
}

/// The problems of the comments of one code file.
fn comment_problems(path: &str, absolute: &Path, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let Some(comment) = comment_of(absolute, line) else {
            continue;
        };
        if has_word(comment, SPEC_NAME) {
            problems.push(format!(
                "{path}:{}: a comment cites {SPEC_NAME}; point to docs/<page>.md#<section>",
                number + 1
            ));
        }
        if !may_locate_shared_data(path) && comment.contains("shared/") {
            problems.push(format!(
                "{path}:{}: a comment points outside the repository (shared/)",
                number + 1
            ));
        }
    }
    problems
}

#[test]
fn every_docs_reference_resolves() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for path in repository_files() {
        let text = fs::read_to_string(&path).unwrap_or_default();
        let refs = docs_references(&text);
        checked += refs.len();
        problems.extend(check_references(&relative(&path), &refs, &read_page));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The code points into docs/ in well over a hundred places; a scan finding none is broken.
    assert!(checked > 100, "only {checked} references to docs/ found");
}

#[test]
fn links_inside_docs_resolve() {
    let docs = root().join("docs");
    let mut pages: Vec<PathBuf> = fs::read_dir(&docs)
        .expect("docs/ exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    assert!(pages.len() >= 7, "docs/ holds {} pages", pages.len());
    let mut problems = Vec::new();
    for page in &pages {
        let source = relative(page);
        let text = fs::read_to_string(page).expect("readable page");
        for (target, line) in markdown_links(&text) {
            let (file, anchor) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a.to_string())),
                None => (target.as_str(), None),
            };
            let resolved = if file.is_empty() {
                page.clone()
            } else {
                docs.join(file)
            };
            if !resolved.exists() {
                problems.push(format!("{source}:{line}: {target} does not exist"));
                continue;
            }
            if let Some(anchor) = anchor {
                let target_text = fs::read_to_string(&resolved).unwrap_or_default();
                if !anchors(&target_text).contains(&anchor) {
                    problems.push(format!("{source}:{line}: {target}: no such heading"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_comment_cites_the_external_spec() {
    let mut problems = Vec::new();
    for path in repository_files() {
        let rel = relative(&path);
        if rel.ends_with(".md") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_default();
        problems.extend(comment_problems(&rel, &path, &text));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn anchors_follow_githubs_rule() {
    assert_eq!(
        github_anchor("Weighted confusion counts"),
        "weighted-confusion-counts"
    );
    assert_eq!(github_anchor("O10b"), "o10b");
    assert_eq!(
        github_anchor("The CI gate: `fairkit gate`!"),
        "the-ci-gate-fairkit-gate"
    );
    assert_eq!(
        github_anchor("Trade-off points (x, y)"),
        "trade-off-points-x-y"
    );
    let text = "# Title\n## Notes\n```\n## not a heading\n```\n## Notes\n#nospace\n";
    let found = anchors(text);
    let want: HashSet<String> = ["title", "notes", "notes-1"].map(String::from).into();
    assert_eq!(found, want);
}

#[test]
fn broken_references_are_reported() {
    // The checker must be able to fail: a missing page, a missing heading, a good reference.
    // (Built at run time, so that the scan of this file does not find them.)
    let d = "docs";
    let text = format!(
        "see {d}/metrics.md#no-such-heading and {d}/nowhere.md, {d}/metrics.md#aggregations, \
         crates/x/{d}/metrics.md#ignored"
    );
    let refs = docs_references(&text);
    assert_eq!(refs.len(), 3, "{refs:?}");
    let problems = check_references("example.rs", &refs, &read_page);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("no heading with anchor #no-such-heading"));
    assert!(problems[1].contains("/nowhere.md does not exist"));

    let line = format!("/// Bootstrap intervals ({SPEC_NAME} 1.3.4), see ../shared/x.");
    let problems = comment_problems("crates/x/src/lib.rs", Path::new("lib.rs"), &line);
    assert_eq!(problems.len(), 2, "{problems:?}");
    // Tests may locate shared data; a lowercase word or a longer word is not the citation.
    let ok = "// specification, SPECIAL case: data in ../shared/data";
    assert!(comment_problems("tests/x.rs", Path::new("x.rs"), ok).is_empty());
}
