//! File input, and the one way fairkit writes files: [`Outputs`], a set of outputs staged
//! beside their targets and committed together.
//!
//! A command claims every output it will write before it starts working ([`Outputs::file`],
//! [`Outputs::dir`]): a name given twice, a directory where a file goes, a directory that is not
//! fairkit's to replace, or an unwritable place is an error before anything is computed or
//! written. Each claim creates a staged file (or directory) named `.fairkit-*.tmp` in the
//! target's directory. Contents go to the staged copies; [`Outputs::commit`] then moves them
//! into place, one rename each. Until the commit no target is touched, so a failed command
//! leaves every earlier file as it was, and the staged copies are removed when the `Outputs`
//! is dropped. A failure during the commit puts back what was already moved.
//!
//! A directory output (the runs of `fairkit compare`) is replaced as a whole: the new run is
//! staged as a complete directory and swapped with the old one by one atomic rename (Linux's
//! and macOS's exchange), so a reader sees the old run or the new one, never a mix. Where the
//! system has no exchange, the old run is moved aside first: a reader then sees the old run,
//! no directory, or the new run.
//!
//! Every staged path is recorded in one process-wide list; [`remove_staged_on_signals`] (called
//! once by the binary) removes them on SIGINT, SIGTERM and SIGHUP before the process ends as
//! the signal says. A commit holds the list's lock, so a signal never interrupts it halfway.
//! A command whose normal way to stop is a signal (`monitor --keep-serving`) takes the signals
//! over with [`hand_signals_to`] and ends itself, with status 0.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Mutex, MutexGuard};

use crate::{HarnessError, Result};

/// Opens a file for reading; the error names the file.
///
/// # Errors
/// [`HarnessError::Io`] when the file cannot be opened.
pub fn open(path: &Path) -> Result<BufReader<File>> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|source| HarnessError::Io {
            action: "cannot read",
            path: path.to_path_buf(),
            source,
        })
}

/// Writes one file atomically through [`Outputs`]: readers see the old file or the whole new
/// one, and a failure in `write` leaves `path` untouched.
///
/// # Errors
/// As [`Outputs::file`], [`Outputs::write`] and [`Outputs::commit`].
pub fn write_atomic<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let mut outputs = Outputs::new();
    let id = outputs.file(path, "")?;
    outputs.write(id, write)?;
    outputs.commit()?;
    Ok(())
}

/// Writes bytes atomically (see [`write_atomic`]).
///
/// # Errors
/// As [`write_atomic`].
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, |w| w.write_all(bytes))
}

/// The staged paths of this process, removed on a signal.
static STAGED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn staged_list() -> MutexGuard<'static, Vec<PathBuf>> {
    STAGED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The paths staged right now (files and directories named `.fairkit-*.tmp`), for tests and
/// diagnostics.
pub fn staged_paths() -> Vec<PathBuf> {
    staged_list().clone()
}

fn remove_path(path: &Path) {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            let _ = std::fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = std::fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// Where signals go instead of ending the process, once a command has asked for them.
static HANDOVER: Mutex<Option<Sender<i32>>> = Mutex::new(None);

/// From now on, a SIGINT, SIGTERM or SIGHUP that [`remove_staged_on_signals`] catches is sent to
/// `signals` (after the staged paths are removed) instead of ending the process: for a command
/// whose normal way to stop is a signal, which then ends itself. Once the receiver is dropped,
/// signals end the process again.
pub fn hand_signals_to(signals: Sender<i32>) {
    *HANDOVER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(signals);
}

/// Removes every staged path when the process receives SIGINT, SIGTERM or SIGHUP, then ends
/// the process as the signal's default action does (unless the signal was handed over with
/// [`hand_signals_to`]). Call it once, early in `main`; a commit in progress finishes first.
/// Does nothing on systems without these signals.
///
/// # Errors
/// [`HarnessError::Io`] when the handler cannot be installed.
pub fn remove_staged_on_signals() -> Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let io_err = |source| HarnessError::Io {
            action: "cannot install the signal handler for",
            path: PathBuf::from("staged outputs"),
            source,
        };
        let mut signals =
            signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]).map_err(io_err)?;
        std::thread::Builder::new()
            .name("fairkit-signals".into())
            .spawn(move || {
                for signal in signals.forever() {
                    let mut staged = staged_list();
                    for path in staged.drain(..) {
                        remove_path(&path);
                    }
                    let handed_over = HANDOVER
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .as_ref()
                        .is_some_and(|to| to.send(signal).is_ok());
                    if handed_over {
                        continue;
                    }
                    // The lock is kept until the process ends: nothing new gets staged.
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            })
            .map_err(io_err)?;
    }
    Ok(())
}

/// A staged file or directory: recorded in the process-wide list, removed when dropped.
#[derive(Debug)]
struct Staged {
    path: PathBuf,
}

impl Staged {
    fn file_in(dir: &Path) -> std::io::Result<Self> {
        let mut list = staged_list();
        let (_, path) = temp_builder()
            .tempfile_in(dir)
            .map_err(plain)?
            .keep()
            .map_err(|e| e.error)?;
        list.push(path.clone());
        Ok(Self { path })
    }

    fn dir_in(dir: &Path) -> std::io::Result<Self> {
        let mut list = staged_list();
        let path = temp_builder().tempdir_in(dir).map_err(plain)?.keep();
        list.push(path.clone());
        Ok(Self { path })
    }

    /// A fresh name beside `path`'s file (nothing is created), recorded in `list`.
    fn name_beside(dir: &Path, list: &mut Vec<PathBuf>) -> std::io::Result<Self> {
        // Reserve a unique name with an empty file, then free it for a rename to take.
        let (_, path) = temp_builder()
            .tempfile_in(dir)?
            .keep()
            .map_err(|e| e.error)?;
        std::fs::remove_file(&path)?;
        list.push(path.clone());
        Ok(Self { path })
    }
}

thread_local! {
    /// Whether this thread holds the staged list for a commit, which prunes the list itself.
    static COMMITTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks this thread as committing until dropped.
struct CommitMark;

impl CommitMark {
    fn set() -> Self {
        COMMITTING.with(|c| c.set(true));
        Self
    }
}

impl Drop for CommitMark {
    fn drop(&mut self) {
        COMMITTING.with(|c| c.set(false));
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        remove_path(&self.path);
        // A commit on this thread holds the list while it drops staged paths and prunes the
        // list itself; any other thread waits for the list (a commit elsewhere is short).
        if COMMITTING.with(std::cell::Cell::get) {
            return;
        }
        let mut list = staged_list();
        if let Some(i) = list.iter().position(|p| p == &self.path) {
            list.swap_remove(i);
        }
    }
}

/// The operating system's error without the temporary name tempfile adds to it.
fn plain(e: std::io::Error) -> std::io::Error {
    let text = e.to_string();
    match text.split_once(" at path ") {
        Some((message, _)) => std::io::Error::new(e.kind(), message.to_string()),
        None => e,
    }
}

fn temp_builder() -> tempfile::Builder<'static, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(".fairkit-").suffix(".tmp");
    b
}

/// A claimed output of an [`Outputs`] set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputId(usize);

#[derive(Debug)]
enum Kind {
    File {
        staged: Staged,
        /// Where the staged copy goes: the target, or the file a symbolic link names.
        dest: PathBuf,
        written: bool,
    },
    /// An existing device, pipe or socket (`/dev/null`, `/dev/stdout`, a FIFO): written in
    /// place, never replaced.
    Direct { written: bool },
    Dir {
        staged: Staged,
        /// Whether the target holds an earlier run (replaced with a note).
        replaces_run: bool,
        /// Whether the target exists (an empty directory or an earlier run).
        exists: bool,
    },
}

#[derive(Debug)]
struct Entry {
    flag: String,
    target: PathBuf,
    /// The absolute target with its existing part resolved, to find two flags naming one place.
    key: PathBuf,
    kind: Kind,
}

/// What a commit did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committed {
    /// Directory outputs that held an earlier run and now hold the new one.
    pub replaced_runs: Vec<PathBuf>,
}

/// A set of output files and directories, staged and committed together (see the module
/// documentation).
#[derive(Debug, Default)]
pub struct Outputs {
    entries: Vec<Entry>,
}

impl Outputs {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Claims the output file `path`, given by `flag` (e.g. `--out`; used in messages), and
    /// stages an empty copy in its directory.
    ///
    /// # Errors
    /// [`HarnessError::Output`] when another output of the set names the same place, `path` is a
    /// directory or has no file name, or its directory does not exist; [`HarnessError::Io`] when
    /// the directory is not writable.
    pub fn file(&mut self, path: &Path, flag: &str) -> Result<OutputId> {
        let refuse = |reason: String| output_error(flag, path, reason);
        if path.file_name().is_none() {
            return Err(refuse("names no file".into()));
        }
        let dir = parent_dir(path);
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(refuse(format!("{} is not a directory", dir.display()))),
            Err(_) => {
                return Err(refuse(format!(
                    "the directory {} does not exist",
                    dir.display()
                )));
            }
        }
        let existing = std::fs::metadata(path).ok();
        if existing.as_ref().is_some_and(std::fs::Metadata::is_dir) {
            return Err(refuse("is a directory; give a file name".into()));
        }
        let key = self.claim_key(path, flag)?;
        let kind = if existing.as_ref().is_some_and(|m| !m.is_file()) {
            // A device or pipe is written in place: renaming over it would replace it.
            Kind::Direct { written: false }
        } else {
            // A symbolic link to a file keeps pointing at it: the file is replaced.
            let real = if existing.is_some() {
                std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
            } else {
                path.to_path_buf()
            };
            let staged = Staged::file_in(parent_dir(&real)).map_err(|source| HarnessError::Io {
                action: "cannot write",
                path: path.to_path_buf(),
                source,
            })?;
            Kind::File {
                staged,
                dest: real,
                written: false,
            }
        };
        self.entries.push(Entry {
            flag: flag.to_string(),
            target: path.to_path_buf(),
            key,
            kind,
        });
        Ok(OutputId(self.entries.len() - 1))
    }

    /// Claims the output directory `path`, given by `flag`, whose files are `run_files` (e.g.
    /// the files of a comparison, `run_files[0]` being the one every run has), and stages
    /// an empty directory beside it. An existing `path` is replaced at the commit only if it is
    /// empty or holds an earlier run: regular files among `run_files`, `run_files[0]` among
    /// them. Missing parent directories are created at the commit.
    ///
    /// # Errors
    /// [`HarnessError::Output`] when `path` holds anything else (naming the first such entry
    /// and what to do), is a file or a symbolic link, or another output names the same place;
    /// [`HarnessError::Io`] when it cannot be read or its parent is not writable.
    pub fn dir(&mut self, path: &Path, flag: &str, run_files: &[&str]) -> Result<OutputId> {
        let refuse = |reason: String| output_error(flag, path, reason);
        if path.file_name().is_none() {
            return Err(refuse(
                "names no directory of its own; give a new directory name".into(),
            ));
        }
        let (exists, replaces_run) = match std::fs::symlink_metadata(path) {
            Err(_) => (false, false),
            Ok(m) if m.file_type().is_symlink() => {
                return Err(refuse(
                    "is a symbolic link; give the directory itself or a new name".into(),
                ));
            }
            Ok(m) if !m.is_dir() => {
                return Err(refuse(
                    "is a file; give a directory for the run's files".into(),
                ));
            }
            Ok(_) => (true, holds_run(path, flag, run_files)?),
        };
        let key = self.claim_key(path, flag)?;
        let stage_in = existing_ancestor(parent_dir(path));
        let staged = Staged::dir_in(&stage_in).map_err(|source| HarnessError::Io {
            action: "cannot write",
            path: path.to_path_buf(),
            source,
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&staged.path, std::fs::Permissions::from_mode(0o755))
                .map_err(|source| HarnessError::Io {
                    action: "cannot write",
                    path: path.to_path_buf(),
                    source,
                })?;
        }
        self.entries.push(Entry {
            flag: flag.to_string(),
            target: path.to_path_buf(),
            key,
            kind: Kind::Dir {
                staged,
                replaces_run,
                exists,
            },
        });
        Ok(OutputId(self.entries.len() - 1))
    }

    /// The key of a new claim, checked against the claims so far.
    fn claim_key(&self, path: &Path, flag: &str) -> Result<PathBuf> {
        let key = resolve(path);
        for e in &self.entries {
            if e.key == key || e.key.starts_with(&key) || key.starts_with(&e.key) {
                let same = if e.key == key {
                    "the same place as"
                } else {
                    "a place inside or around"
                };
                return Err(output_error(
                    flag,
                    path,
                    format!("names {same} {} {}", e.flag, e.target.display()),
                ));
            }
        }
        Ok(key)
    }

    /// Writes the content of a claimed file (replacing what was written before).
    ///
    /// # Errors
    /// [`HarnessError::Io`] naming the target when `write` or the file system fails.
    pub fn write<F>(&mut self, id: OutputId, write: F) -> Result<()>
    where
        F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
    {
        let entry = &mut self.entries[id.0];
        match &mut entry.kind {
            Kind::File {
                staged, written, ..
            } => {
                write_staged(&staged.path, &entry.target, Some(&entry.target), write)?;
                *written = true;
            }
            Kind::Direct { written } => {
                write_direct(&entry.target, write)?;
                *written = true;
            }
            Kind::Dir { .. } => {
                return Err(output_error(
                    &entry.flag,
                    &entry.target,
                    "is a directory output; write files into it with write_in".into(),
                ));
            }
        }
        Ok(())
    }

    /// Writes the file `name` of a claimed directory.
    ///
    /// # Errors
    /// [`HarnessError::Io`] naming the target file when `write` or the file system fails.
    pub fn write_in<F>(&mut self, id: OutputId, name: &str, write: F) -> Result<()>
    where
        F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
    {
        let entry = &mut self.entries[id.0];
        let Kind::Dir { staged, .. } = &entry.kind else {
            return Err(output_error(
                &entry.flag,
                &entry.target,
                "is a file output; write it with write".into(),
            ));
        };
        write_staged(
            &staged.path.join(name),
            &entry.target.join(name),
            None,
            write,
        )
    }

    /// The staged directory of a claimed directory output, for a writer that lays out its own
    /// files and folders there (a partitioned Parquet dataset); committed with the rest, and
    /// removed with everything in it when the `Outputs` is dropped first.
    ///
    /// # Errors
    /// [`HarnessError::Output`] when `id` is a file output.
    pub fn staged_dir(&self, id: OutputId) -> Result<&Path> {
        let entry = &self.entries[id.0];
        match &entry.kind {
            Kind::Dir { staged, .. } => Ok(&staged.path),
            _ => Err(output_error(
                &entry.flag,
                &entry.target,
                "is a file output; write it with write".into(),
            )),
        }
    }

    /// Moves every staged output into place, holding off signals until done; on a failure,
    /// puts back what was already moved and removes the staged copies.
    ///
    /// # Errors
    /// A claimed file that was never written; [`HarnessError::Io`] when a move fails.
    pub fn commit(mut self) -> Result<Committed> {
        for e in &self.entries {
            if let Kind::File { written: false, .. } | Kind::Direct { written: false } = e.kind {
                return Err(output_error(
                    &e.flag,
                    &e.target,
                    "was claimed but never written".into(),
                ));
            }
        }
        let mut list = staged_list();
        let mark = CommitMark::set();
        let mut undo: Vec<Undo> = Vec::new();
        let mut committed = Committed::default();
        for e in &mut self.entries {
            match commit_entry(e, &mut list) {
                Ok(step) => undo.push(step),
                Err(err) => {
                    for step in undo.into_iter().rev() {
                        step.undo();
                    }
                    list.retain(|p| std::fs::symlink_metadata(p).is_ok());
                    drop(mark);
                    drop(list);
                    return Err(err);
                }
            }
            if let Kind::Dir {
                replaces_run: true, ..
            } = e.kind
            {
                committed.replaced_runs.push(e.target.clone());
            }
        }
        // What the undo steps kept (earlier files, earlier runs) goes now.
        drop(undo);
        list.retain(|p| std::fs::symlink_metadata(p).is_ok());
        drop(mark);
        drop(list);
        Ok(committed)
    }
}

/// How to take back one committed output; dropping it discards the kept earlier version.
#[derive(Debug)]
enum Undo {
    /// Written in place (a device or pipe): nothing to take back.
    Nothing,
    /// `target` was new: remove it (a staged file) or move it back (a staged directory).
    Created {
        target: PathBuf,
        back: Option<PathBuf>,
    },
    /// `target` replaced an earlier version kept at `kept`.
    Replaced {
        target: PathBuf,
        kept: Staged,
        exchanged: bool,
    },
}

impl Undo {
    fn undo(self) {
        match self {
            Undo::Nothing => {}
            Undo::Created { target, back } => match back {
                Some(back) => {
                    let _ = std::fs::rename(&target, back);
                }
                None => remove_path(&target),
            },
            Undo::Replaced {
                target,
                kept,
                exchanged,
            } => {
                if exchanged {
                    let _ = exchange(&kept.path, &target);
                } else {
                    remove_path(&target);
                    let _ = std::fs::rename(&kept.path, &target);
                }
            }
        }
    }
}

fn commit_entry(e: &mut Entry, list: &mut Vec<PathBuf>) -> Result<Undo> {
    let io_err = |source| HarnessError::Io {
        action: "cannot write",
        path: e.target.clone(),
        source,
    };
    match &mut e.kind {
        Kind::Direct { .. } => Ok(Undo::Nothing),
        Kind::File { staged, dest, .. } => {
            let real = dest.clone();
            let dir = parent_dir(&real);
            // Keep the earlier file (a hard link) to put it back if a later output fails.
            let kept = match std::fs::symlink_metadata(&real) {
                Ok(m) if m.is_file() => {
                    let kept = Staged::name_beside(dir, list).map_err(io_err)?;
                    std::fs::hard_link(&real, &kept.path).ok().map(|()| kept)
                }
                _ => None,
            };
            std::fs::rename(&staged.path, &real).map_err(io_err)?;
            Ok(match kept {
                Some(kept) => Undo::Replaced {
                    target: real.clone(),
                    kept,
                    exchanged: false,
                },
                None => Undo::Created {
                    target: real.clone(),
                    back: None,
                },
            })
        }
        Kind::Dir { staged, exists, .. } => {
            if !*exists {
                std::fs::create_dir_all(parent_dir(&e.target)).map_err(io_err)?;
                std::fs::rename(&staged.path, &e.target).map_err(io_err)?;
                return Ok(Undo::Created {
                    target: e.target.clone(),
                    back: Some(staged.path.clone()),
                });
            }
            // The new run takes the old one's place in one step; the old run is then at the
            // staged name, removed with it.
            if exchange(&staged.path, &e.target).is_ok() {
                let kept = Staged {
                    path: staged.path.clone(),
                };
                // `staged` and `kept` name the same path; the undo step owns its removal.
                list.push(kept.path.clone());
                return Ok(Undo::Replaced {
                    target: e.target.clone(),
                    kept,
                    exchanged: true,
                });
            }
            let kept = Staged::name_beside(parent_dir(&e.target), list).map_err(io_err)?;
            std::fs::rename(&e.target, &kept.path).map_err(io_err)?;
            if let Err(source) = std::fs::rename(&staged.path, &e.target) {
                let _ = std::fs::rename(&kept.path, &e.target);
                return Err(io_err(source));
            }
            Ok(Undo::Replaced {
                target: e.target.clone(),
                kept,
                exchanged: false,
            })
        }
    }
}

/// Swaps two paths in one step where the system can.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
    {
        let _ = (a, b);
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
    }
}

/// Writes `path` (a staged file) with `write`; flushed and synced. The file gets the
/// permissions of `mode_of` when it exists, else 0644 (staged files are created private).
fn write_staged<F>(path: &Path, target: &Path, mode_of: Option<&Path>, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let io_err = |source| HarnessError::Io {
        action: "cannot write",
        path: target.to_path_buf(),
        source,
    };
    let file = File::create(path).map_err(io_err)?;
    {
        let mut out = BufWriter::new(&file);
        write(&mut out).map_err(io_err)?;
        out.flush().map_err(io_err)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = mode_of
            .and_then(|p| std::fs::metadata(p).ok())
            .map_or(0o644, |m| m.permissions().mode());
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io_err)?;
    }
    #[cfg(not(unix))]
    let _ = mode_of;
    file.sync_all().map_err(io_err)?;
    Ok(())
}

/// Writes a device or pipe in place.
fn write_direct<F>(target: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let io_err = |source| HarnessError::Io {
        action: "cannot write",
        path: target.to_path_buf(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(target)
        .map_err(io_err)?;
    let mut out = BufWriter::new(file);
    write(&mut out).map_err(io_err)?;
    out.flush().map_err(io_err)
}

/// Whether the directory `path` holds an earlier run (`false`: it is empty).
/// Whether the file `name` is the run file `pattern`: the same name, or, for a pattern with one
/// `*`, a name with the text before it as prefix and the text after it as suffix (`*` standing
/// for at least one character).
fn file_matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((prefix, suffix)) => {
            name.len() > prefix.len() + suffix.len()
                && name.starts_with(prefix)
                && name.ends_with(suffix)
        }
    }
}

fn holds_run(path: &Path, flag: &str, run_files: &[&str]) -> Result<bool> {
    let read_err = |source| HarnessError::Io {
        action: "cannot read",
        path: path.to_path_buf(),
        source,
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(path).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().map_err(read_err)?.is_file();
        if !is_file || !run_files.iter().any(|f| file_matches(f, &name)) {
            let what = if is_file { "" } else { " (not a file)" };
            return Err(output_error(
                flag,
                path,
                format!(
                    "holds {name}{what}, which is not part of a fairkit run; fairkit replaces only \
                     an earlier run's directory: give a new or empty directory, or move {name} \
                     away"
                ),
            ));
        }
        names.push(name);
    }
    if names.is_empty() {
        return Ok(false);
    }
    let main = run_files.first().copied().unwrap_or_default();
    if !names.iter().any(|n| n == main) {
        return Err(output_error(
            flag,
            path,
            format!(
                "holds {} but no {main}, so it is not an earlier fairkit run; give a new or empty \
                 directory",
                names.join(", ")
            ),
        ));
    }
    Ok(true)
}

fn output_error(flag: &str, path: &Path, reason: String) -> HarnessError {
    HarnessError::Output {
        flag: flag.to_string(),
        path: path.to_path_buf(),
        reason,
    }
}

/// The directory of `path`'s last component (`.` for a bare name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The nearest existing directory at or above `dir`.
fn existing_ancestor(dir: &Path) -> PathBuf {
    let mut d = dir.to_path_buf();
    while !d.is_dir() {
        match d.parent() {
            Some(p) if !p.as_os_str().is_empty() => d = p.to_path_buf(),
            _ => return PathBuf::from("."),
        }
    }
    d
}

/// `path` made absolute, its existing part with symbolic links resolved and `..` applied.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for c in rest.iter().rev() {
                match Path::new(c).components().next() {
                    Some(Component::ParentDir) => {
                        out.pop();
                    }
                    Some(Component::CurDir) => {}
                    _ => out.push(c),
                }
            }
            return out;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return absolute,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_bytes_atomic(&path, b"first").unwrap();
        write_bytes_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(names(dir.path()), ["out.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_readable_by_others_and_replacements_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_bytes_atomic(&path, b"a").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_bytes_atomic(&path, b"b").unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_bytes_atomic(&path, b"old").unwrap();
        let err = write_atomic(&path, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["out.txt"]);
    }

    #[test]
    fn missing_file_error_names_it() {
        let err = open(Path::new("/no/such/file.csv")).unwrap_err();
        assert!(err.to_string().contains("/no/such/file.csv"));
    }

    /// A new file `a.csv` and a replacement of `b.model` (holding `old model`), both staged.
    fn two_staged(dir: &Path) -> (Outputs, PathBuf, PathBuf) {
        let (a, b) = (dir.join("a.csv"), dir.join("b.model"));
        std::fs::write(&b, b"old model").unwrap();
        let mut outputs = Outputs::new();
        let ia = outputs.file(&a, "--predictions").unwrap();
        let ib = outputs.file(&b, "--save-model").unwrap();
        outputs.write(ia, |w| w.write_all(b"rows")).unwrap();
        outputs.write(ib, |w| w.write_all(b"new model")).unwrap();
        (outputs, a, b)
    }

    #[test]
    fn nothing_is_touched_before_the_commit_and_a_dropped_set_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (outputs, a, b) = two_staged(dir.path());
        // Staged beside the targets, the targets untouched.
        assert_eq!(names(dir.path()).len(), 3);
        assert!(!a.exists());
        assert_eq!(std::fs::read(&b).unwrap(), b"old model");
        drop(outputs);
        assert_eq!(names(dir.path()), ["b.model"]);
        assert_eq!(std::fs::read(&b).unwrap(), b"old model");
    }

    #[test]
    fn the_commit_moves_every_output_and_keeps_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let (outputs, _, b) = two_staged(dir.path());
        assert_eq!(outputs.commit().unwrap(), Committed::default());
        assert_eq!(names(dir.path()), ["a.csv", "b.model"]);
        assert_eq!(std::fs::read(&b).unwrap(), b"new model");
        assert!(staged_paths().iter().all(|p| !p.starts_with(dir.path())));
    }

    #[test]
    fn a_failed_commit_puts_back_what_it_had_moved() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        std::fs::write(&a, b"old a").unwrap();
        let mut outputs = Outputs::new();
        let ia = outputs.file(&a, "--out").unwrap();
        let ib = outputs.file(&b, "--predictions").unwrap();
        outputs.write(ia, |w| w.write_all(b"new a")).unwrap();
        outputs.write(ib, |w| w.write_all(b"new b")).unwrap();
        // Something takes b's place (a non-empty directory) between the claim and the commit.
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join("x"), b"x").unwrap();
        let err = outputs.commit().unwrap_err();
        assert!(err.to_string().contains("b.csv"), "{err}");
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert_eq!(names(dir.path()), ["a.csv", "b.csv"]);
        assert!(b.is_dir());
    }

    #[test]
    fn a_new_file_is_removed_again_when_a_later_output_fails() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        let mut outputs = Outputs::new();
        let ia = outputs.file(&a, "--out").unwrap();
        let ib = outputs.file(&b, "--predictions").unwrap();
        outputs.write(ia, |w| w.write_all(b"a")).unwrap();
        outputs.write(ib, |w| w.write_all(b"b")).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join("x"), b"x").unwrap();
        assert!(outputs.commit().is_err());
        assert_eq!(names(dir.path()), ["b.csv"]);
    }

    #[test]
    fn clashes_are_found_at_the_claim() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("p.csv");
        let mut outputs = Outputs::new();
        outputs.file(&a, "--predictions").unwrap();
        // The same file under another spelling.
        let again = dir.path().join("sub/../p.csv");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let err = outputs
            .file(&again, "--save-model")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--save-model") && err.contains("the same place as --predictions"),
            "{err}"
        );
        let err = outputs.file(dir.path(), "--out").unwrap_err().to_string();
        assert!(err.contains("is a directory"), "{err}");
        let err = outputs
            .file(&dir.path().join("none/x.csv"), "--out")
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not exist"), "{err}");
        let err = outputs
            .file(Path::new("/proc/fairkit-x.txt"), "--out")
            .unwrap_err();
        assert!(err.to_string().contains("/proc/fairkit-x.txt"), "{err}");
        drop(outputs);
        assert_eq!(names(dir.path()), ["sub"]);
    }

    const RUN: [&str; 2] = ["results.json", "report.md"];

    fn stage_run(outputs: &mut Outputs, dir: &Path, tag: &str) -> Result<OutputId> {
        let id = outputs.dir(dir, "--out", &RUN)?;
        for name in RUN {
            outputs.write_in(id, name, |w| w.write_all(tag.as_bytes()))?;
        }
        Ok(id)
    }

    #[test]
    fn a_run_directory_is_swapped_whole() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("deep/out");
        let mut outputs = Outputs::new();
        stage_run(&mut outputs, &out, "one").unwrap();
        // Staged beside (in the nearest existing directory), nothing at the target.
        assert!(!root.path().join("deep").exists());
        assert_eq!(outputs.commit().unwrap(), Committed::default());
        assert_eq!(names(&out), ["report.md", "results.json"]);
        let mut outputs = Outputs::new();
        stage_run(&mut outputs, &out, "two").unwrap();
        // Until the commit, the old run is whole.
        assert_eq!(std::fs::read(out.join("report.md")).unwrap(), b"one");
        let done = outputs.commit().unwrap();
        assert_eq!(done.replaced_runs, std::slice::from_ref(&out));
        for name in RUN {
            assert_eq!(std::fs::read(out.join(name)).unwrap(), b"two");
        }
        assert_eq!(names(&root.path().join("deep")), ["out"]);
    }

    #[test]
    fn a_directory_that_is_not_a_run_is_refused_before_anything_is_written() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir_all(out.join("report.md")).unwrap();
        let err = Outputs::new().dir(&out, "--out", &RUN).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "--out {}: holds report.md (not a file), which is not part of a fairkit run; \
                 fairkit replaces only an earlier run's directory: give a new or empty \
                 directory, or move report.md away",
                out.display()
            )
        );
        std::fs::remove_dir(out.join("report.md")).unwrap();
        std::fs::write(out.join("notes.txt"), b"mine").unwrap();
        let err = Outputs::new().dir(&out, "--out", &RUN).unwrap_err();
        assert!(err.to_string().contains("holds notes.txt"), "{err}");
        std::fs::remove_file(out.join("notes.txt")).unwrap();
        std::fs::write(out.join("report.md"), b"mine").unwrap();
        let err = Outputs::new().dir(&out, "--out", &RUN).unwrap_err();
        assert!(err.to_string().contains("no results.json"), "{err}");
        let file = root.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        let err = Outputs::new().dir(&file, "--out", &RUN).unwrap_err();
        assert!(err.to_string().contains("is a file"), "{err}");
        assert_eq!(names(root.path()), ["file", "out"]);
        assert_eq!(names(&out), ["report.md"]);
    }

    #[test]
    fn an_empty_directory_is_filled_without_a_note() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let mut outputs = Outputs::new();
        stage_run(&mut outputs, &out, "x").unwrap();
        assert_eq!(outputs.commit().unwrap(), Committed::default());
        assert_eq!(names(&out), ["report.md", "results.json"]);
    }

    #[test]
    fn staged_paths_are_listed_while_they_exist() {
        let dir = tempfile::tempdir().unwrap();
        let mut outputs = Outputs::new();
        outputs.file(&dir.path().join("a"), "--out").unwrap();
        let mine = |v: Vec<PathBuf>| v.into_iter().filter(|p| p.starts_with(dir.path())).count();
        assert_eq!(mine(staged_paths()), 1);
        drop(outputs);
        assert_eq!(mine(staged_paths()), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_written_in_place_and_a_link_keeps_its_file() {
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut text = String::new();
                File::open(fifo).unwrap().read_to_string(&mut text).unwrap();
                text
            })
        };
        write_bytes_atomic(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), "through the pipe");
        let file_type = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(std::os::unix::fs::FileTypeExt::is_fifo(&file_type));
        // A symbolic link to a file: the file gets the content, the link stays a link.
        let real = dir.path().join("real.csv");
        let link = dir.path().join("link.csv");
        std::fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_bytes_atomic(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["fifo", "link.csv", "real.csv"]);
    }

    #[test]
    fn a_claimed_file_must_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut outputs = Outputs::new();
        outputs.file(&dir.path().join("a"), "--out").unwrap();
        let err = outputs.commit().unwrap_err();
        assert!(err.to_string().contains("never written"), "{err}");
        assert!(names(dir.path()).is_empty());
    }
}
