//! Rendering a value as JSON or YAML, and writing files atomically.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::error::Error;

/// A machine-readable or human output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Pretty-printed JSON.
    Json,
    /// YAML.
    Yaml,
    /// A short explanation a person reads.
    Text,
}

/// Serializes `value` as JSON or YAML (a trailing newline included).
pub fn render<T: Serialize>(value: &T, format: Format) -> Result<String, Error> {
    match format {
        Format::Json | Format::Text => {
            let mut s =
                serde_json::to_string_pretty(value).map_err(|e| Error::Output(e.to_string()))?;
            s.push('\n');
            Ok(s)
        }
        Format::Yaml => serde_saphyr::to_string(value).map_err(|e| Error::Output(e.to_string())),
    }
}

/// The name every temporary file of hpasim starts with, followed by the writing process'
/// id: `.hpasim-tmp-<pid>-…`. A run removes those of processes that are gone.
pub const TEMP_PREFIX: &str = ".hpasim-tmp-";

/// Writes `contents` to a temporary file in `path`'s folder (named `.hpasim-tmp-<pid>-…`),
/// syncs it, then renames it into place, so a crash never leaves half a file under the
/// real name, and a killed run leaves only a temporary file the next run removes.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = temp_file(path, "tmp")?;
    tmp.write_all(contents).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// One file written as it comes (a long run's events), complete under its name or
/// absent: written through a buffer to a temporary file beside it, then synced and
/// renamed by [`AtomicFile::commit`]; dropped without a commit, the temporary is removed.
pub struct AtomicFile {
    path: PathBuf,
    tmp: std::io::BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    /// A file to be written at `path` (its folder created if need be).
    pub fn create(path: &Path) -> Result<AtomicFile, Error> {
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp: std::io::BufWriter::with_capacity(1 << 16, temp_file(path, "tmp")?),
        })
    }

    /// Appends `bytes`.
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.tmp.write_all(bytes).map_err(|source| Error::Io {
            path: self.path.clone(),
            source,
        })
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(self) -> Result<(), Error> {
        let path = self.path;
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let tmp = self.tmp.into_inner().map_err(|e| io(e.into_error()))?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(&path).map_err(|e| io(e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

/// Many files into one folder, each complete under its name or absent: written to
/// temporary files as they come, then synced and renamed all at once by
/// [`AtomicFolder::commit`]. One sync at the end instead of one before each next file.
pub struct AtomicFolder {
    dir: PathBuf,
    pending: Vec<(tempfile::TempPath, PathBuf)>,
}

impl AtomicFolder {
    /// Files to be written into `dir` (created if need be).
    pub fn new(dir: &Path) -> Result<AtomicFolder, Error> {
        prepare(&dir.join("x"))?;
        Ok(AtomicFolder {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
        })
    }

    /// Writes `contents` to a temporary file that [`AtomicFolder::commit`] renames to
    /// `name`; dropped without a commit, the temporary files are removed.
    pub fn write(&mut self, name: &str, contents: &[u8]) -> Result<(), Error> {
        let path = self.dir.join(name);
        let mut tmp = temp_file(&path, "tmp")?;
        tmp.write_all(contents).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        self.pending.push((tmp.into_temp_path(), path));
        Ok(())
    }

    /// Syncs every file, then renames each into place and syncs the folder.
    pub fn commit(self) -> Result<(), Error> {
        let io = |path: &Path, source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        sync_files(&self.dir, &self.pending).map_err(|e| io(&self.dir, e))?;
        for (tmp, path) in self.pending {
            tmp.persist(&path).map_err(|e| io(&path, e.error))?;
        }
        // Renames are durable once the folder is (where a folder can be opened to sync).
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// Makes the pending files durable: on Linux one `syncfs` of the folder's filesystem
/// (the pass over 17,280 files is one call); elsewhere one `fsync` per file.
#[cfg(target_os = "linux")]
fn sync_files(dir: &Path, _: &[(tempfile::TempPath, PathBuf)]) -> std::io::Result<()> {
    let folder = std::fs::File::open(dir)?;
    rustix::fs::syncfs(&folder).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn sync_files(_: &Path, pending: &[(tempfile::TempPath, PathBuf)]) -> std::io::Result<()> {
    for (tmp, _) in pending {
        std::fs::File::open(tmp)?.sync_all()?;
    }
    Ok(())
}

/// A fresh temporary file in `path`'s folder, named `.hpasim-tmp-<pid>-…<stem>.<extension>`.
fn temp_file(path: &Path, extension: &str) -> Result<tempfile::NamedTempFile, Error> {
    let dir = prepare(path)?;
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(&format!("-{stem}.{extension}"))
        .tempfile_in(&dir)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// A fresh temporary name in `path`'s folder ending in `.extension`, for a writer that
/// opens the file itself (the chart backend): the caller renames or removes it.
pub(crate) fn temp_beside(path: &Path, extension: &str) -> Result<PathBuf, Error> {
    static SERIAL: AtomicU64 = AtomicU64::new(0);
    let dir = prepare(path)?;
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(dir.join(format!(
        "{TEMP_PREFIX}{}-{}-{stem}.{extension}",
        std::process::id(),
        SERIAL.fetch_add(1, Ordering::Relaxed)
    )))
}

/// `path`'s folder, created, and cleared of stale temporary files the first time this
/// process writes into it.
fn prepare(path: &Path) -> Result<PathBuf, Error> {
    static CLEARED: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let first = CLEARED
        .lock()
        .map(|mut set| set.insert(dir.clone()))
        .unwrap_or(false);
    if first {
        remove_stale_temporaries(&dir);
    }
    Ok(dir)
}

/// Removes the temporary files in `dir` that a killed run left: ours (`.hpasim-tmp-<pid>-…`)
/// whose process is gone, and those of earlier versions (`.<stem>.<pid>-<n>.tmp|png`).
/// A process still running keeps its files. Best effort: what cannot be removed stays.
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(pid) = temporary_of(name)
            && pid != me
            && !process_alive(pid)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The process id a temporary file's name carries, if it is one of ours.
fn temporary_of(name: &str) -> Option<u32> {
    if let Some(rest) = name.strip_prefix(TEMP_PREFIX) {
        return rest.split('-').next()?.parse().ok();
    }
    // Earlier versions: `.<stem>.<pid>-<serial>.<tmp|png>`.
    let rest = name.strip_prefix('.')?;
    let (body, ext) = rest.rsplit_once('.')?;
    if ext != "tmp" && ext != "png" {
        return None;
    }
    let (_, tag) = body.rsplit_once('.')?;
    let (pid, serial) = tag.split_once('-')?;
    serial.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// Whether process `pid` runs: on Linux by `/proc`; elsewhere every other process is
/// taken as running (its files stay).
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        proc.join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_carry_their_process() {
        assert_eq!(
            temporary_of(".hpasim-tmp-4242-abc-timeline.png"),
            Some(4242)
        );
        assert_eq!(temporary_of(".000004275.4242-287.tmp"), Some(4242));
        assert_eq!(temporary_of(".timeline.4242-3.png"), Some(4242));
        assert_eq!(temporary_of(".gitignore"), None);
        assert_eq!(temporary_of("timeline.png"), None);
        assert_eq!(temporary_of(".a.b-c.tmp"), None);
    }
}
