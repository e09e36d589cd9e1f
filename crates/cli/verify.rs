//! `fairkit verify`: replay a decision from its evidence directory
//! (docs/gate-and-monitor.md#evidence-that-replays).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use fairkit_harness::compare::{CompareConfig, compare};
use fairkit_harness::evidence::{Difference, EVIDENCE_FILE, Evidence};

/// Replay a decision from its evidence: a `fairkit gate --evidence DIR` or a `fairkit compare`
/// run directory.
///
/// Checks every input file against the SHA-256 recorded in DIR/evidence.json, runs the decision
/// again (the gate from its recorded command line, a comparison from its experiment.toml) and
/// compares every output with the file in DIR byte for byte (a comparison's wall-clock fit
/// times are measurements, taken from the recorded results.json). Relative input paths are
/// read from the directory the decision ran in when it exists, else from the current one.
///
/// Exit status: 0 every byte is the same, 1 something differs (each difference on its own
/// line, naming the file), 2 bad input (no evidence record, a record that does not parse).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The evidence directory.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let evidence = Evidence::read(&args.dir)?;
    let dir = std::path::absolute(&args.dir)
        .with_context(|| format!("cannot read {}", args.dir.display()))?;
    let record = dir.join(EVIDENCE_FILE);
    if evidence.working_directory.is_dir() {
        std::env::set_current_dir(&evidence.working_directory).with_context(|| {
            format!(
                "cannot enter {}, where the decision ran",
                evidence.working_directory.display()
            )
        })?;
    }
    let mut found = evidence.changed_inputs();
    if found.is_empty() {
        let fresh = replay(&evidence, &dir, &record.display().to_string())?;
        let borrowed: Vec<(&str, &[u8])> =
            fresh.iter().map(|(n, c)| (n.as_str(), &c[..])).collect();
        found.extend(evidence.differences(&dir, &borrowed));
    }
    if found.is_empty() {
        println!(
            "verified: {}: the {} decision replays; {} input file(s) and {} output file(s) are \
             identical",
            args.dir.display(),
            evidence.command,
            evidence.inputs.len(),
            evidence.outputs.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    for d in &found {
        println!("differs: {d}");
    }
    let inputs = found.iter().any(|d| matches!(d, Difference::Input { .. }));
    println!(
        "verify: {} difference(s) in {}{}",
        found.len(),
        args.dir.display(),
        if inputs {
            "; the decision was not replayed, its inputs changed"
        } else {
            ""
        }
    );
    Ok(ExitCode::from(1))
}

/// Runs the recorded decision again and renders its outputs (name, bytes).
fn replay(
    evidence: &Evidence,
    dir: &std::path::Path,
    record: &str,
) -> Result<Vec<(String, Vec<u8>)>> {
    match evidence.command.as_str() {
        "gate" => {
            let cli = crate::parse(&evidence.command_line).map_err(|e| {
                anyhow::anyhow!(
                    "{record}: the recorded command line does not parse: {}",
                    e.kind()
                )
            })?;
            let crate::Command::Gate(args) = cli.command else {
                bail!("{record}: the recorded command line is not a `fairkit gate` command");
            };
            let (report, config) = crate::gate::decide(&args)?;
            Ok(fairkit_harness::gate::evidence_files(&report, &config)?
                .into_iter()
                .map(|(n, c)| (n.to_string(), c))
                .collect())
        }
        "compare" => {
            let path = dir.join("experiment.toml");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let config = CompareConfig::from_text(&text, &path.display().to_string())?;
            let results = dir.join("results.json");
            let recorded = std::fs::read_to_string(&results)
                .with_context(|| format!("cannot read {}", results.display()))?;
            let source = results.display().to_string();
            if !config.datasets.is_empty() {
                let multi = fairkit_harness::multi::compare_many(&config, &|_, _| {})?
                    .with_fit_seconds_of(&recorded, &source)?;
                return Ok(multi
                    .files()?
                    .into_iter()
                    .map(|(n, c)| (n, c.into_bytes()))
                    .collect());
            }
            let comparison = compare(&config, &|_| {})?.with_fit_seconds_of(&recorded, &source)?;
            Ok(comparison
                .files()?
                .into_iter()
                .map(|(n, c)| (n.to_string(), c.into_bytes()))
                .collect())
        }
        other => bail!(
            "{record}: command {}: expected 'gate' or 'compare'",
            fairkit_core::text::quote(other)
        ),
    }
}
