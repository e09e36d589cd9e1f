//! Evidence that replays (docs/gate-and-monitor.md#evidence-that-replays): a directory holding a
//! decision's outputs and `evidence.json`, the record an auditor needs to run the decision
//! again: the SHA-256 of every input file, the fairkit version, the seeds, the command line and
//! the SHA-256 of every output file. `fairkit verify DIR` checks the inputs against their
//! digests, runs the decision again and compares the new outputs with the recorded ones byte by
//! byte ([`differences`]).
//!
//! `fairkit gate --evidence DIR` writes `evidence.json`, `report.json` (the JSON report) and
//! `gate.toml` (the resolved configuration); a `fairkit compare` run directory is evidence too:
//! its `evidence.json` sits beside `results.json` and `experiment.toml`.
//!
//! ```
//! use fairkit_harness::evidence::{Evidence, sha256_hex};
//!
//! assert_eq!(
//!     sha256_hex(b"abc"),
//!     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
//! );
//! let e = Evidence::new("gate", vec!["fairkit".into(), "gate".into()], vec![0]);
//! assert_eq!(Evidence::from_json(&e.to_json()?, "evidence.json")?, e);
//! # Ok::<(), fairkit_harness::HarnessError>(())
//! ```

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::io::{self, OutputId, Outputs};
use crate::{HarnessError, Result};

/// The name of the evidence record in an evidence directory.
pub const EVIDENCE_FILE: &str = "evidence.json";

/// The files of `fairkit gate --evidence DIR`, the record first.
pub const GATE_FILES: [&str; 3] = [EVIDENCE_FILE, "report.json", "gate.toml"];

/// The record of a decision: what ran, on which inputs, and what it produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The command that decided: `gate` or `compare`.
    pub command: String,
    /// The fairkit version that ran it.
    pub fairkit_version: String,
    /// The command line as given (program name first).
    pub command_line: Vec<String>,
    /// The directory the command ran in; relative input paths are relative to it.
    pub working_directory: PathBuf,
    /// Every seed the decision drew with.
    pub seeds: Vec<u64>,
    /// Every input file, with its digest.
    pub inputs: Vec<FileDigest>,
    /// Every other file of the evidence directory, with its digest.
    pub outputs: Vec<FileDigest>,
}

/// A file and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileDigest {
    /// What the file is: the flag or key that named it (`--data`, `--baseline`, `--config`),
    /// or the output's name.
    pub role: String,
    /// The path as given (an output's name inside the evidence directory).
    pub path: PathBuf,
    /// The SHA-256 of the file's bytes, in lowercase hexadecimal.
    pub sha256: String,
}

/// One way a replay differs from its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// An input file's bytes are not the ones recorded.
    Input {
        /// The flag or key that named it.
        role: String,
        /// The path as recorded.
        path: PathBuf,
        /// The recorded digest.
        recorded: String,
        /// The digest now, or `None` when the file cannot be read.
        now: Option<String>,
    },
    /// An output of the replay differs from the file in the evidence directory (or from its
    /// recorded digest).
    Output {
        /// The file's name in the evidence directory.
        name: String,
        /// Where they first differ, in words (`line 12`, `missing from the directory`).
        detail: String,
    },
    /// The replay runs another fairkit version than the one recorded.
    Version {
        /// The recorded version.
        recorded: String,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Input {
                role,
                path,
                recorded,
                now: Some(now),
            } => write!(
                f,
                "input {role} {}: SHA-256 {now}, recorded {recorded}",
                path.display()
            ),
            Difference::Input { role, path, .. } => {
                write!(f, "input {role} {}: cannot be read", path.display())
            }
            Difference::Output { name, detail } => write!(f, "{name}: {detail}"),
            Difference::Version { recorded } => write!(
                f,
                "fairkit version {}, recorded {recorded}",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// The SHA-256 of `bytes` in lowercase hexadecimal.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a file's bytes, read in blocks.
///
/// # Errors
/// [`HarnessError::Io`] naming the file when it cannot be read.
pub fn file_sha256(path: &Path) -> Result<String> {
    let mut file = io::open(path)?;
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut block).map_err(|source| HarnessError::Io {
            action: "cannot read",
            path: path.to_path_buf(),
            source,
        })?;
        if n == 0 {
            break;
        }
        hasher.update(&block[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

impl Evidence {
    /// A record of `command` run as `command_line` with `seeds`, in the current directory, by
    /// this fairkit version; no inputs or outputs yet.
    pub fn new(command: &str, command_line: Vec<String>, seeds: Vec<u64>) -> Self {
        Evidence {
            command: command.to_string(),
            fairkit_version: env!("CARGO_PKG_VERSION").to_string(),
            command_line,
            working_directory: std::env::current_dir().unwrap_or_default(),
            seeds,
            inputs: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// Records the input file `path`, named by `role`, with its digest.
    ///
    /// # Errors
    /// As [`file_sha256`].
    pub fn add_input(&mut self, role: &str, path: &Path) -> Result<()> {
        let sha256 = file_sha256(path)?;
        self.inputs.push(FileDigest {
            role: role.to_string(),
            path: path.to_path_buf(),
            sha256,
        });
        Ok(())
    }

    /// `evidence.json`'s content.
    ///
    /// # Errors
    /// None expected (every key is a string); a serializer failure names the file.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self)
            .map(|s| s + "\n")
            .map_err(|e| HarnessError::Io {
                action: "cannot write",
                path: EVIDENCE_FILE.into(),
                source: e.into(),
            })
    }

    /// Parses `evidence.json`'s content; `source` names the file in errors.
    ///
    /// # Errors
    /// [`HarnessError::Located`] naming the file, line and column of invalid JSON or a
    /// missing or unknown key.
    pub fn from_json(text: &str, source: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| {
            // serde_json ends its message with the place, which the message starts with.
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            HarnessError::Located(format!(
                "{source}: line {}, column {}: not a fairkit evidence record: {}",
                e.line(),
                e.column(),
                fairkit_core::text::user_words(message)
            ))
        })
    }

    /// Reads `DIR/evidence.json`.
    ///
    /// # Errors
    /// [`HarnessError::Io`] when it cannot be read, and as [`from_json`](Self::from_json).
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join(EVIDENCE_FILE);
        let mut text = String::new();
        io::open(&path)?
            .read_to_string(&mut text)
            .map_err(|source| HarnessError::Io {
                action: "cannot read",
                path: path.clone(),
                source,
            })?;
        Self::from_json(&text, &path.display().to_string())
    }

    /// Stages `files` (name and content) and this record, completed with their digests, into
    /// the claimed directory `id` of `outputs` (committed with the other outputs).
    ///
    /// # Errors
    /// A staged file that cannot be written.
    pub fn stage(
        mut self,
        outputs: &mut Outputs,
        id: OutputId,
        files: &[(&str, &[u8])],
    ) -> Result<()> {
        self.outputs = files
            .iter()
            .map(|(name, content)| FileDigest {
                role: (*name).to_string(),
                path: PathBuf::from(name),
                sha256: sha256_hex(content),
            })
            .collect();
        for (name, content) in files {
            outputs.write_in(id, name, |w| w.write_all(content))?;
        }
        let record = self.to_json()?;
        outputs.write_in(id, EVIDENCE_FILE, |w| w.write_all(record.as_bytes()))
    }

    /// The input files whose bytes are no longer the ones recorded (relative paths resolved
    /// against the current directory, where `fairkit verify` runs).
    pub fn changed_inputs(&self) -> Vec<Difference> {
        self.inputs
            .iter()
            .filter_map(|input| {
                let now = file_sha256(&input.path).ok();
                (now.as_deref() != Some(input.sha256.as_str())).then(|| Difference::Input {
                    role: input.role.clone(),
                    path: input.path.clone(),
                    recorded: input.sha256.clone(),
                    now,
                })
            })
            .collect()
    }

    /// How the replay's outputs `fresh` (name and content) differ from the evidence directory
    /// `dir`: a file missing or different there, or there but not matching its recorded
    /// digest; and a different fairkit version.
    pub fn differences(&self, dir: &Path, fresh: &[(&str, &[u8])]) -> Vec<Difference> {
        let mut found = Vec::new();
        if self.fairkit_version != env!("CARGO_PKG_VERSION") {
            found.push(Difference::Version {
                recorded: self.fairkit_version.clone(),
            });
        }
        for (name, content) in fresh {
            let output = |detail: String| Difference::Output {
                name: (*name).to_string(),
                detail,
            };
            let Ok(on_disk) = std::fs::read(dir.join(name)) else {
                found.push(output("missing from the evidence directory".into()));
                continue;
            };
            let recorded = self.outputs.iter().find(|o| o.path == Path::new(name));
            match recorded {
                None => found.push(output("not recorded in evidence.json".into())),
                Some(r) if r.sha256 != sha256_hex(&on_disk) => found.push(output(format!(
                    "its SHA-256 {} is not the recorded {}: the file was changed after the run",
                    sha256_hex(&on_disk),
                    r.sha256
                ))),
                Some(_) => {}
            }
            if on_disk != *content {
                found.push(output(first_difference(&on_disk, content)));
            }
        }
        found
    }
}

/// Where `recorded` and `replayed` first differ, as `line N: recorded '…', replayed '…'`.
fn first_difference(recorded: &[u8], replayed: &[u8]) -> String {
    let a = String::from_utf8_lossy(recorded);
    let b = String::from_utf8_lossy(replayed);
    let (mut la, mut lb) = (a.lines(), b.lines());
    let mut line = 1;
    loop {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (x, y) => {
                let show = |s: Option<&str>| match s {
                    Some(s) => fairkit_core::text::quote(s.trim()),
                    None => "end of file".to_string(),
                };
                if x.is_none() && y.is_none() {
                    // Same lines, different line endings or a final newline.
                    return "differs in line endings".to_string();
                }
                return format!(
                    "differs from the replay at line {line}: recorded {}, replayed {}",
                    show(x),
                    show(y)
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_the_sha256_test_vectors() {
        // FIPS 180-2 examples.
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, vec![b'a'; 200_000]).unwrap();
        assert_eq!(
            file_sha256(&path).unwrap(),
            sha256_hex(&vec![b'a'; 200_000])
        );
    }

    #[test]
    fn a_replay_names_the_changed_input_and_output() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("data.csv");
        std::fs::write(&input, "y,p\n1,1\n").unwrap();
        let mut e = Evidence::new("gate", vec!["fairkit".into()], vec![7]);
        e.add_input("--data", &input).unwrap();
        let run = dir.path().join("run");
        let mut outputs = Outputs::new();
        let id = outputs.dir(&run, "--evidence", &GATE_FILES).unwrap();
        let report: &[u8] = b"{\n  \"status\": \"pass\"\n}\n";
        e.clone()
            .stage(&mut outputs, id, &[("report.json", report)])
            .unwrap();
        outputs.commit().unwrap();
        let read = Evidence::read(&run).unwrap();
        assert_eq!(read.inputs, e.inputs);
        assert_eq!(read.outputs[0].sha256, sha256_hex(report));
        assert!(read.changed_inputs().is_empty());
        assert!(
            read.differences(&run, &[("report.json", report)])
                .is_empty()
        );

        let other: &[u8] = b"{\n  \"status\": \"fail\"\n}\n";
        let found = read.differences(&run, &[("report.json", other)]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            "report.json: differs from the replay at line 2: recorded '\"status\": \"pass\"', \
             replayed '\"status\": \"fail\"'"
        );

        std::fs::write(&input, "y,p\n1,0\n").unwrap();
        let changed = read.changed_inputs();
        assert_eq!(changed.len(), 1);
        assert!(
            changed[0].to_string().starts_with(&format!(
                "input --data {}: SHA-256 {}",
                input.display(),
                sha256_hex(b"y,p\n1,0\n")
            )),
            "{}",
            changed[0]
        );

        std::fs::write(run.join("report.json"), other).unwrap();
        let found = read.differences(&run, &[("report.json", other)]);
        assert_eq!(found.len(), 1);
        assert!(found[0].to_string().contains("changed after the run"));
    }

    #[test]
    fn a_malformed_record_is_bad_input_naming_the_line() {
        let e = Evidence::from_json("{\n  \"command\": 3\n}", "run/evidence.json").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("run/evidence.json: line 2, column"),
            "{e}"
        );
    }
}
