//! A snapshot file (shared/specs/hpa-snapshot.md), YAML or JSON by content.

use std::path::Path;

use crate::core::Snapshot;
use crate::error::{Error, Location};

/// Reads and validates a snapshot file.
pub fn load_snapshot(path: &Path) -> Result<Snapshot, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_snapshot(&text, path)
}

/// Parses and validates snapshot text; `path` names it in errors.
pub fn parse_snapshot(text: &str, path: &Path) -> Result<Snapshot, Error> {
    let input_error = |location, message| Error::Input {
        path: path.to_path_buf(),
        location,
        message,
    };
    let snapshot: Snapshot = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| {
            let location = (e.line() > 0).then(|| Location {
                line: e.line() as u64,
                column: e.column() as u64,
            });
            input_error(location, strip_json_position(&e.to_string()))
        })?
    } else {
        let options = serde_saphyr::options! { with_snippet: false };
        serde_saphyr::from_str_with_options(text, options).map_err(|e| {
            let location = e.location().map(|l| Location {
                line: l.line(),
                column: l.column(),
            });
            input_error(location, strip_yaml_position(&e.to_string()))
        })?
    };
    snapshot.validate().map_err(|e| {
        let location = locate_field(text, &e.field);
        input_error(location, e.to_string())
    })?;
    Ok(snapshot)
}

/// serde_json appends " at line L column C"; we print the place up front instead.
fn strip_json_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// serde-saphyr appends the position in its own words; we print the place up front instead.
fn strip_yaml_position(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message);
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

/// Finds the line of a validated field (`hpa.spec.metrics[1].resource.target`) in YAML or
/// JSON text by following its keys, and list indices by counting YAML `- ` items;
/// `None` when the text does not spell the path out (flow style, anchors).
fn locate_field(text: &str, field: &str) -> Option<Location> {
    let mut from = 0;
    let mut found = None;
    for segment in field.split('.') {
        let (key, indices) = match segment.split_once('[') {
            Some((k, rest)) => (
                k,
                rest.trim_end_matches(']')
                    .split("][")
                    .filter_map(|n| n.parse::<usize>().ok())
                    .collect(),
            ),
            None => (segment, vec![]),
        };
        let offset = find_key(&text[from..], key)?;
        from += offset;
        found = Some(from);
        from += key.len();
        for index in indices {
            from = nth_list_item(text, from, index)?;
            found = Some(from);
        }
    }
    let at = found?;
    let line = text[..at].matches('\n').count() as u64 + 1;
    let column = (at - text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0)) as u64 + 1;
    Some(Location { line, column })
}

/// The offset of `key` used as a mapping key (`key:` or `"key":`) in `text`.
fn find_key(text: &str, key: &str) -> Option<usize> {
    text.match_indices(key).map(|(i, _)| i).find(|&i| {
        let before_ok = i == 0 || !(text.as_bytes()[i - 1].is_ascii_alphanumeric());
        let after = text[i + key.len()..].trim_start_matches('"');
        before_ok && after.starts_with(':')
    })
}

/// The offset of the `index`-th block-list item (`- `) after `from`, at the first item's indent.
fn nth_list_item(text: &str, from: usize, index: usize) -> Option<usize> {
    let mut offset = from + text[from..].find('\n')? + 1;
    let mut indent = None;
    let mut seen = 0;
    while offset < text.len() {
        let line_end = text[offset..]
            .find('\n')
            .map(|e| offset + e)
            .unwrap_or(text.len());
        let line = &text[offset..line_end];
        let trimmed = line.trim_start();
        let this_indent = line.len() - trimmed.len();
        if trimmed.starts_with('-') {
            match indent {
                None => indent = Some(this_indent),
                Some(i) if this_indent < i => return None,
                _ => {}
            }
            if Some(this_indent) == indent {
                if seen == index {
                    return Some(offset + this_indent);
                }
                seen += 1;
            }
        } else if !trimmed.is_empty()
            && !trimmed.starts_with('#')
            && indent.is_some_and(|i| this_indent < i)
        {
            return None;
        }
        offset = line_end + 1;
    }
    None
}
