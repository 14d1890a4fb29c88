//! A snapshot file (shared/specs/hpa-snapshot.md), YAML or JSON by content.

use std::path::Path;

use crate::core::Snapshot;
use crate::error::{Error, Location};

/// Reads and validates a snapshot file.
pub fn load_snapshot(path: &Path) -> Result<Snapshot, Error> {
    let text = super::load_scenario::read_manifest(path)?;
    parse_snapshot(&text, path)
}

/// Parses and validates snapshot text; `path` names it in errors.
pub fn parse_snapshot(text: &str, path: &Path) -> Result<Snapshot, Error> {
    let snapshot: Snapshot = parse_yaml(text, path)?;
    snapshot.validate().map_err(|e| Error::Input {
        path: path.to_path_buf(),
        location: locate_field(text, &e.field),
        message: e.to_string(),
    })?;
    Ok(snapshot)
}

/// Parses YAML or JSON (told apart by content) into `T`; errors name the file, line,
/// column and key, and say what was expected.
pub(crate) fn parse_yaml<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
) -> Result<T, Error> {
    let input_error = |location, message| Error::Input {
        path: path.to_path_buf(),
        location,
        message,
    };
    Ok(if text.trim_start().starts_with('{') {
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
            let mut message = strip_yaml_position(&e.to_string());
            if let Some(kind) = message.strip_prefix("invalid ")
                && matches!(kind, "i32" | "i64" | "u32" | "u64")
            {
                message = format!("expected a whole number ({kind})");
            }
            if let Some(key) = location.as_ref().and_then(|l| key_before(text, l))
                && !message.starts_with(key)
            {
                message = format!("{key}: {message}");
            }
            input_error(location, message)
        })?
    })
}

/// The mapping key whose value starts at `at` (`currentReplicas` in `currentReplicas: six`),
/// so a wrong-type error can say which field it is about.
fn key_before<'t>(text: &'t str, at: &Location) -> Option<&'t str> {
    let line = text.lines().nth(at.line.checked_sub(1)? as usize)?;
    let upto: String = line
        .chars()
        .take(at.column.saturating_sub(1) as usize)
        .collect();
    let before_colon = upto.trim_end().strip_suffix(':')?;
    let key = before_colon
        .rsplit(|c: char| {
            !(c.is_ascii_alphanumeric() || c == '_' || c == '/' || c == '-' || c == '.')
        })
        .next()?;
    let start = line.find(key)?;
    (!key.is_empty()).then(|| &line[start..start + key.len()])
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
pub(crate) fn locate_field(text: &str, field: &str) -> Option<Location> {
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

/// The offset of the `index`-th item of the list that follows the key ending at `from`:
/// a flow list (`[a, {b}]`, as in JSON) or a block list (`- ` items).
fn nth_list_item(text: &str, from: usize, index: usize) -> Option<usize> {
    let rest = text[from..].trim_start_matches(['"', ':', ' ', '\t']);
    if rest.starts_with('[') {
        let start = text.len() - rest.len();
        return nth_flow_item(text, start, index);
    }
    nth_block_item(text, from, index)
}

fn nth_flow_item(text: &str, open: usize, index: usize) -> Option<usize> {
    let (mut depth, mut seen, mut in_string) = (0usize, 0usize, false);
    let mut item_start = Some(open + 1);
    for (i, c) in text[open..].char_indices().map(|(i, c)| (open + i, c)) {
        if in_string {
            in_string = c != '"';
            continue;
        }
        if let Some(start) = item_start
            && !c.is_whitespace()
            && i > open
        {
            if seen == index {
                return Some(start.max(i));
            }
            item_start = None;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return None;
                }
            }
            ',' if depth == 1 => {
                seen += 1;
                item_start = Some(i + 1);
            }
            _ => {}
        }
    }
    None
}

fn nth_block_item(text: &str, from: usize, index: usize) -> Option<usize> {
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

#[cfg(test)]
mod tests {
    use super::locate_field;

    #[test]
    fn locates_fields_through_block_and_flow_lists() {
        let yaml = "a:\n  list:\n  - x: 1\n  - x: 2\n    y: 3\n  flow: [{p: 1}, {p: 2, q: 5}]\n";
        let at = |f| locate_field(yaml, f).map(|l| (l.line, l.column));
        assert_eq!(at("a.list[1].y"), Some((5, 5)));
        assert_eq!(at("a.list[0].x"), Some((3, 5)));
        assert_eq!(at("a.flow[1].q"), Some((6, 25)));
        assert_eq!(at("a.nothing"), None);
        let json = "{\n \"pods\": [\n  {\"name\": \"a\"},\n  {\"name\": \"a\"}\n ]\n}";
        assert_eq!(locate_field(json, "pods[1].name").map(|l| l.line), Some(4));
    }
}
