//! Rendering a value as JSON or YAML, and writing files atomically.

use std::io::Write;
use std::path::{Path, PathBuf};
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

/// Writes `contents` to a temporary file beside `path`, then renames it into place, so a
/// crash never leaves half a file under the real name.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let tmp = temp_beside(path, "tmp")?;
    let mut file = std::fs::File::create(&tmp).map_err(io)?;
    file.write_all(contents).map_err(io)?;
    file.sync_all().map_err(io)?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(io)
}

/// A fresh hidden name beside `path` ending in `.extension`, its folder created: where a
/// file is written before it is renamed into place. Unique within the process too.
pub(crate) fn temp_beside(path: &Path, extension: &str) -> Result<PathBuf, Error> {
    static SERIAL: AtomicU64 = AtomicU64::new(0);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(dir.join(format!(
        ".{name}.{}-{}.{extension}",
        std::process::id(),
        SERIAL.fetch_add(1, Ordering::Relaxed)
    )))
}
