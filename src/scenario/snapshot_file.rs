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
    let snapshot: Snapshot = parse_with_hpa_at(text, path, "hpa")?;
    snapshot.validate().map_err(|e| Error::Input {
        path: path.to_path_buf(),
        location: locate_field(text, &e.field),
        message: e.to_string(),
    })?;
    Ok(snapshot)
}

/// Parses and checks a ScaledObject snapshot (docs/keda-snapshot.md); `path` names it in
/// errors, which carry the line of the field at fault.
pub fn parse_scaled_object_snapshot(
    text: &str,
    path: &Path,
) -> Result<crate::keda::CheckedKedaSnapshot, Error> {
    let snap: crate::keda::KedaSnapshot = parse_yaml(text, path)?;
    crate::keda::check_snapshot(snap).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        location: locate_field(text, &e.field),
        message: format!("{}: {}", e.field, e.message),
    })
}

/// Parses a document whose `key` holds an HPA (a scenario's or a snapshot's `hpa`), as
/// [`parse_yaml`] does; an HPA in an older API version is converted to v2 first (see
/// [`super::manifest`]), in which case errors have no line.
pub(crate) fn parse_with_hpa_at<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
    key: &str,
) -> Result<T, Error> {
    let old_version = [
        "autoscaling/v1",
        "autoscaling/v2beta",
        "targetCPUUtilizationPercentage",
    ]
    .iter()
    .any(|n| text.contains(n));
    if !old_version {
        return parse_yaml(text, path);
    }
    let mut value: serde_json::Value = parse_yaml(text, path)?;
    if let Some(hpa) = value.get_mut(key) {
        super::manifest::to_v2(hpa).map_err(|e| unplaced(path, format!("{key}: {e}")))?;
    }
    serde_json::from_value(value).map_err(|e| unplaced(path, e.to_string()))
}

/// Parses an HPA manifest file, with the HPA's place: v2 as is, or an older API version
/// converted; the file's HPA, or the one named `pick` among several documents or the items
/// of a `List` (see [`super::manifest::pick`]).
pub(crate) fn parse_hpa_manifest<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
    pick: Option<&str>,
) -> Result<(T, super::manifest::Origin), Error> {
    let (hpa, origin) = super::manifest::pick(text, path, &super::manifest::HPA, pick)?;
    Ok((typed_hpa(hpa, &origin)?, origin))
}

/// An HPA object of a manifest file, typed: as it is when in `autoscaling/v2` (from its
/// text, so that an error has its line, when it is a whole document), else converted.
pub(crate) fn typed_hpa<T: serde::de::DeserializeOwned>(
    mut hpa: serde_json::Value,
    origin: &super::manifest::Origin,
) -> Result<T, Error> {
    let version = hpa.get("apiVersion").cloned();
    super::manifest::to_v2(&mut hpa).map_err(|e| unplaced(&origin.path, e))?;
    if hpa.get("apiVersion") == version.as_ref() {
        return origin.parse(hpa);
    }
    serde_json::from_value(hpa).map_err(|e| unplaced(&origin.path, e.to_string()))
}

fn unplaced(path: &Path, message: String) -> Error {
    Error::Input {
        path: path.to_path_buf(),
        location: None,
        message,
    }
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
            let message = strip_json_position(&e.to_string());
            let message = match &location {
                Some(at) => plain_json_error(text, at, message),
                None => message,
            };
            input_error(location, message)
        })?
    } else {
        let options = serde_saphyr::options! { with_snippet: false, budget: yaml_budget(text) };
        serde_saphyr::from_str_with_options(text, options).map_err(|e| {
            let location = e.location().map(|l| Location {
                line: l.line(),
                column: l.column(),
            });
            if let Some(limit) = budget_breach(&e) {
                // Not a field's fault: the place is where the reader stopped.
                return input_error(location, limit);
            }
            let message = strip_yaml_position(&e.to_string());
            let message = match &location {
                Some(at) => plain_yaml_error(text, at, message),
                None => message,
            };
            input_error(location, message)
        })?
    })
}

/// serde-saphyr's budget for `text`: its defaults (depth, aliases, anchors, scalar bytes),
/// but as many nodes and events as the text can hold, so that a file within the size
/// limit of its kind (`kubectl get hpa -A -o yaml`'s `List` of thousands) is read whole.
/// The defaults (250 000 nodes, a 12 MB `List` of 200 000 small HPAs is 1.4 million) are a
/// guard for a server reading strangers' text; here the file's size is the guard. Nodes
/// a text holds: each takes a byte at least, but an empty value none (`{:}`, `-`), hence
/// twice the bytes; events: a node's start and end.
fn yaml_budget(text: &str) -> Option<serde_saphyr::Budget> {
    let default = serde_saphyr::Budget::default();
    let nodes = default.max_nodes.max(2 * text.len() + 16);
    serde_saphyr::budget! {
        max_nodes: nodes,
        max_events: default.max_events.max(2 * nodes),
    }
}

/// The limit of the YAML reader `e` says the text went past, in words; `None` when `e` is
/// another error.
fn budget_breach(e: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::budget::BudgetBreach as B;
    let mut e = e;
    while let serde_saphyr::Error::WithSnippet { error, .. }
    | serde_saphyr::Error::AliasError { error, .. } = e
    {
        e = error;
    }
    let serde_saphyr::Error::Budget { breach, .. } = e else {
        return None;
    };
    let limits = serde_saphyr::Budget::default();
    let what = match breach {
        B::Depth { .. } => format!(
            "the text nests lists and mappings more than {} deep",
            limits.max_depth
        ),
        B::Aliases { .. } => format!(
            "the text has more than {} aliases (`*name`)",
            limits.max_aliases
        ),
        B::Anchors { .. } => format!(
            "the text has more than {} anchors (`&name`)",
            limits.max_anchors
        ),
        B::AliasAnchorRatio { .. } => format!(
            "the text has more than {} aliases (`*name`) per anchor (`&name`)",
            limits.alias_anchor_ratio_multiplier
        ),
        B::MergeKeys { .. } => format!(
            "the text has more than {} merge keys (`<<`)",
            limits.max_merge_keys
        ),
        B::ScalarBytes { .. } | B::InputBytes { .. } => {
            "the text's values add up to more than the YAML reader reads".to_string()
        }
        B::Documents { .. } => format!("the file has more than {} documents", limits.max_documents),
        B::Nodes { nodes } => format!(
            "the text has more than {} values, lists and mappings",
            nodes.saturating_sub(1)
        ),
        B::Events { events } => {
            format!("the text has more than {} parts", events.saturating_sub(1))
        }
        _ => "the text is beyond one of the YAML reader's limits (on nesting, anchors and aliases)"
            .to_string(),
    };
    Some(format!(
        "too large or too deep to read: {what} (a limit of the YAML reader, which guards it against text that would take it too long or too much memory)"
    ))
}

/// serde_json's error in a person's words: the field path on the error's line, and no
/// Rust type names (`expected i32` is a whole number).
fn plain_json_error(text: &str, at: &Location, message: String) -> String {
    let mut message = message;
    for (kind, words) in [
        ("i32", "a whole number"),
        ("i64", "a whole number"),
        ("u32", "a whole number, 0 or more"),
        ("u64", "a whole number, 0 or more"),
        ("f64", "a number"),
    ] {
        message = message.replace(&format!("expected {kind}"), &format!("expected {words}"));
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        // serde_json reports it at the brace that closes the object lacking it.
        return match json_object_at(text, at).filter(|p| !p.is_empty()) {
            Some(map) => format!("{map}: missing field `{field}`; add `\"{field}\"` under `{map}`"),
            None => format!("missing field `{field}` at the top level; add `\"{field}\"`"),
        };
    }
    let places = field_places(text).unwrap_or_default();
    // serde_json points just past the value: the field is the last key on that line.
    let field = places
        .iter()
        .filter(|(_, l)| l.line == at.line && l.column <= at.column)
        .max_by_key(|(_, l)| l.column)
        .map(|(p, _)| p.as_str());
    match field {
        Some(field) => format!("{field}: {message}"),
        None => message,
    }
}

/// The path of the innermost JSON object or array still open just before `at` (1-based
/// line and column), e.g. `hpa.spec` or `pods[2]`; empty for the top level. Strings are
/// skipped whole, so braces inside them do not count.
fn json_object_at(text: &str, at: &Location) -> Option<String> {
    enum Frame {
        Object {
            key: Option<String>,
            after_colon: bool,
        },
        Array {
            index: usize,
        },
    }
    let mut frames: Vec<Frame> = vec![];
    let (mut line, mut column) = (1u64, 1u64);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if (line, column) >= (at.line, at.column) {
            break;
        }
        let mut width = 1;
        match c {
            '"' => {
                let mut string = String::new();
                while let Some(d) = chars.next() {
                    width += 1;
                    match d {
                        '\\' => {
                            chars.next();
                            width += 1;
                        }
                        '"' => break,
                        _ => string.push(d),
                    }
                }
                if let Some(Frame::Object { key, after_colon }) = frames.last_mut()
                    && !*after_colon
                {
                    *key = Some(string);
                }
            }
            '{' => frames.push(Frame::Object {
                key: None,
                after_colon: false,
            }),
            '[' => frames.push(Frame::Array { index: 0 }),
            '}' | ']' => {
                frames.pop();
            }
            ':' => {
                if let Some(Frame::Object { after_colon, .. }) = frames.last_mut() {
                    *after_colon = true;
                }
            }
            ',' => match frames.last_mut() {
                Some(Frame::Object { after_colon, .. }) => *after_colon = false,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            '\n' => {
                line += 1;
                column = 1;
                continue;
            }
            _ => {}
        }
        column += width;
    }
    let (_, outer) = frames.split_last()?;
    let mut path = String::new();
    for frame in outer {
        match frame {
            Frame::Object { key, .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key.as_deref()?);
            }
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    Some(path)
}

/// A parser's error in a person's words: the full path of the field it is about (from the
/// parser's own positions), and what to write instead of a Rust type's name.
fn plain_yaml_error(text: &str, at: &Location, message: String) -> String {
    let places = field_places(text).unwrap_or_default();
    let same_line = places
        .iter()
        .filter(|(_, l)| l.line == at.line && l.column <= at.column)
        .max_by_key(|(_, l)| l.column)
        .map(|(p, _)| p.as_str());
    let exact = places
        .iter()
        .find(|(_, l)| *l == at)
        .map(|(p, _)| p.as_str());
    let before = places
        .iter()
        .filter(|(_, l)| (l.line, l.column) < (at.line, at.column))
        .max_by_key(|(_, l)| (l.line, l.column))
        .map(|(p, _)| p.as_str());
    let parent = |p: &str| p.rfind(['.', '[']).map(|i| p[..i].to_string());
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        // Reported where the mapping that lacks it starts: its first key.
        return match exact.and_then(parent) {
            Some(map) => format!("{map}: missing field `{field}`; add `{field}:` under `{map}`"),
            None => format!("missing field `{field}` at the top level; add `{field}:`"),
        };
    }
    if let Some(kind) = message.strip_prefix("invalid ")
        && matches!(kind, "i32" | "i64" | "u32" | "u64")
    {
        let value = value_at(text, at);
        let field = same_line.unwrap_or("value");
        // A whole number the type cannot hold (`minReplicas: 3000000000`) is out of range,
        // not "not a whole number" (a negative one for a count says "0 or more" below).
        let digits = value.strip_prefix(['-', '+']).unwrap_or(&value);
        let whole = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| {
            value.parse::<i128>().unwrap_or(if value.starts_with('-') {
                i128::MIN
            } else {
                i128::MAX
            })
        });
        let (lo, hi): (i128, i128) = match kind {
            "i32" => (i32::MIN.into(), i32::MAX.into()),
            "i64" => (i64::MIN.into(), i64::MAX.into()),
            "u32" => (0, u32::MAX.into()),
            _ => (0, u64::MAX.into()),
        };
        if let Some(v) = whole
            && (v > hi || (v < lo && lo < 0))
        {
            return format!(
                "{field}: {value} is out of range; expected a whole number from {lo} to {hi}"
            );
        }
        let what = if kind.starts_with('u') {
            "a whole number, 0 or more, such as 3"
        } else {
            "a whole number such as 3"
        };
        // A line indented further than the key continues a plain value: the usual slip.
        let key_column = places.get(field).map_or(at.column, |l| l.column);
        let next = text.lines().nth(at.line as usize).unwrap_or("");
        let indent = next.len() - next.trim_start().len();
        let hint = if !next.trim().is_empty() && indent as u64 >= key_column {
            format!(
                "; line {} is indented further than `{field}`, so YAML reads it as more of this value: check the indentation",
                at.line + 1
            )
        } else {
            String::new()
        };
        return format!("{field}: {value} is not a whole number; expected {what}{hint}");
    }
    if let Some(kind) = message.strip_prefix("data did not match any variant of untagged enum ") {
        // A field of several forms: say which forms, not the Rust type that holds them.
        let value = value_at(text, at);
        let forms = match kind.trim() {
            "PatchRef" => "a patch file's path, or {path: FILE, type: strategic|merge|json}",
            "OperatorDelay" => "a duration with its unit (\"30s\", \"2m\") or `never`",
            "Condition" => {
                "a condition: \"[AGGREGATOR] OP NUMBER\" (e.g. \">= 6\", \"min >= 2\"), a number, or {eq: X, abs: A, rel: R}"
            }
            _ => "one of the forms `hpasim schema` lists for this field",
        };
        let field = same_line.or(exact).unwrap_or("value");
        // A scalar is shown; a flow mapping or list would be cut at its first comma.
        return if value.is_empty() || value.starts_with(['{', '[']) {
            format!("{field}: not any form this field takes; expected {forms}")
        } else {
            format!("{field}: {value} is not any form this field takes; expected {forms}")
        };
    }
    if message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
        || message.contains("found character that cannot start")
    {
        let after = before.map_or(String::new(), |p| format!(" (after `{p}`)"));
        return format!(
            "{message}{after}: check the indentation, as YAML reads it: the keys of one mapping start at the same column, and so do a list's `- ` items"
        );
    }
    match same_line {
        Some(field) if !message.starts_with(field) => {
            let key = field.rsplit(['.', ']']).next().unwrap_or(field);
            let message = message
                .strip_prefix(&format!("{key}: "))
                .unwrap_or(&message);
            format!("{field}: {message}")
        }
        _ => message,
    }
}

/// The scalar written at `at`, up to the end of its line, a comment, or a flow separator.
fn value_at(text: &str, at: &Location) -> String {
    let line = text
        .lines()
        .nth(at.line.saturating_sub(1) as usize)
        .unwrap_or("");
    let rest: String = line
        .chars()
        .skip(at.column.saturating_sub(1) as usize)
        .collect();
    let end = rest.find([',', '}', ']', '#']).unwrap_or(rest.len());
    rest[..end].trim().to_string()
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

/// Finds a validated field (`hpa.spec.metrics[1].resource.target`, `pods[0].name`) in
/// YAML or JSON text by the YAML parser's own positions: the key of a mapping entry, the
/// start of a list item. A field the text leaves out (a default) is placed at its nearest
/// written parent; `None` when the text does not parse as YAML.
pub(crate) fn locate_field(text: &str, field: &str) -> Option<Location> {
    nearest_place(&field_places(text)?, field)
}

/// The place of `field` among a text's [`field_places`], or of its nearest written parent.
pub(super) fn nearest_place(
    places: &std::collections::HashMap<String, Location>,
    field: &str,
) -> Option<Location> {
    let mut path = field;
    loop {
        if let Some(at) = places.get(path) {
            return Some(at.clone());
        }
        // The parent: drop the last `.key` or `[i]`.
        let cut = path.rfind(['.', '['])?;
        path = &path[..cut];
    }
}

/// Every field path the text writes (`a.b[2].c`) with the place of its key or list item.
pub(super) fn field_places(text: &str) -> Option<std::collections::HashMap<String, Location>> {
    use serde_saphyr::granit_parser::{Event, Parser};
    enum Frame {
        /// A mapping: its path, and the key whose value comes next (`None`: a key comes).
        Map(String, Option<String>),
        /// A list: its path and the index of the next item.
        Seq(String, usize),
    }
    let mut places = std::collections::HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let at = |span: &serde_saphyr::granit_parser::Span| Location {
        line: span.start.line() as u64,
        column: span.start.col() as u64 + 1,
    };
    for event in Parser::new_from_str(text) {
        // Up to a syntax error: the places before it still name fields.
        let Ok((event, span)) = event else { break };
        let starts_node = matches!(
            event,
            Event::Scalar(..)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
                | Event::Alias(..)
        );
        // The path of the node this event starts, when it is a value (not a key).
        let mut node_path = None;
        if starts_node {
            match stack.last_mut() {
                None => node_path = Some(String::new()),
                Some(Frame::Map(path, pending @ None)) => {
                    // A key: scalar keys name a field; others get a placeholder.
                    let key = match &event {
                        Event::Scalar(value, ..) => value.to_string(),
                        _ => "?".to_string(),
                    };
                    let full = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    places.entry(full).or_insert_with(|| at(&span));
                    *pending = Some(key);
                    if !matches!(event, Event::Scalar(..)) {
                        // A complex key's own nodes are not fields: skip into it as a value.
                        node_path = Some(String::from("?"));
                    }
                }
                Some(Frame::Map(path, pending @ Some(_))) => {
                    let key = pending.take().unwrap_or_default();
                    node_path = Some(if path.is_empty() {
                        key
                    } else {
                        format!("{path}.{key}")
                    });
                }
                Some(Frame::Seq(path, index)) => {
                    let item = format!("{path}[{index}]");
                    *index += 1;
                    places.entry(item.clone()).or_insert_with(|| at(&span));
                    node_path = Some(item);
                }
            }
        }
        match event {
            Event::MappingStart(..) => stack.push(Frame::Map(node_path.unwrap_or_default(), None)),
            Event::SequenceStart(..) => stack.push(Frame::Seq(node_path.unwrap_or_default(), 0)),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            _ => {}
        }
    }
    Some(places)
}

#[cfg(test)]
mod tests {
    use super::{json_object_at, locate_field};
    use crate::error::Location;

    /// serde_json reports a missing field at the brace closing the object that lacks it:
    /// the object's path is what a person needs (issue 14: "JSON missing-field path").
    #[test]
    fn the_json_object_open_before_a_position_is_named_by_its_path() {
        let json = "{\n \"hpa\": {\"spec\": {\"minReplicas\": 1\n }},\n \"pods\": [\n  {\"name\": \"a{\"},\n  {\"name\": \"b\"\n  }\n ]\n}";
        // (line, column of a closing brace) -> the object it closes
        let cases = [
            ((3, 2), Some("hpa.spec")),
            ((3, 3), Some("hpa")),
            ((7, 3), Some("pods[1]")),
            ((8, 2), Some("pods")),
            ((9, 1), Some("")),
        ];
        for ((line, column), want) in cases {
            let at = Location { line, column };
            assert_eq!(
                json_object_at(json, &at).as_deref(),
                want,
                "at {line}:{column}"
            );
        }
    }

    #[test]
    fn locates_fields_through_block_and_flow_lists() {
        let yaml = "a:\n  list:\n  - x: 1\n  - x: 2\n    y: 3\n  flow: [{p: 1}, {p: 2, q: 5}]\n";
        let at = |f| locate_field(yaml, f).map(|l| (l.line, l.column));
        assert_eq!(at("a.list[1].y"), Some((5, 5)));
        assert_eq!(at("a.list[0].x"), Some((3, 5)));
        assert_eq!(at("a.flow[1].q"), Some((6, 25)));
        // Not written: its nearest written parent.
        assert_eq!(at("a.nothing"), Some((1, 1)));
        assert_eq!(at("a.list[1].z"), Some((4, 5)));
        assert_eq!(at("b"), None);
        let json = "{\n \"pods\": [\n  {\"name\": \"a\"},\n  {\"name\": \"a\"}\n ]\n}";
        assert_eq!(locate_field(json, "pods[1].name").map(|l| l.line), Some(4));
    }

    #[test]
    fn a_key_of_the_same_name_elsewhere_is_not_the_field() {
        // The HPA's Pods metric has a `pods:` key before the snapshot's `pods:` list.
        let yaml = "hpa:\n  spec:\n    metrics:\n    - type: Pods\n      pods:\n        metric: {name: rps}\n        name: x\npods:\n  - name: \"\"\n";
        let at = |f| locate_field(yaml, f).map(|l| (l.line, l.column));
        assert_eq!(at("pods[0].name"), Some((9, 5)));
        assert_eq!(at("hpa.spec.metrics[0].pods.metric.name"), Some((6, 18)));
    }
}
