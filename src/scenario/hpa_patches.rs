//! `hpaPatches`: the team's own patch files applied to the scenario's HPA, as kustomize
//! and `kubectl patch` apply them (strategic merge, RFC 7386 merge, RFC 6902 JSON patch).
//! Owns reading, targeting and applying patches, and naming the patch file, line and field
//! behind a bad result; must not validate the HPA itself (the scenario loader does).
//!
//! Strategic merge follows the HPA's `patchStrategy`/`patchMergeKey` tags
//! (k8s.io/api/autoscaling/v2/types.go): `spec.metrics` and each `policies` list are
//! `listType=atomic`, so a patch replaces them whole; only `status.conditions` merges by
//! `type` (and `metadata.ownerReferences` by `uid`, `metadata.finalizers` as a set).

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::core::api::HorizontalPodAutoscaler;
use crate::error::{Error, Location};

/// One entry of `hpaPatches`: a file path, or a path with the patch's type.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PatchRef {
    /// The file, relative to the scenario's folder; its content says its type: a list of
    /// operations is a JSON patch (RFC 6902), a mapping a strategic merge patch.
    Path(String),
    /// The file and its type.
    Typed(TypedPatchRef),
}

/// A patch file with its type given.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TypedPatchRef {
    /// The file, relative to the scenario's folder.
    pub path: String,
    /// `strategic` (kustomize's `patchesStrategicMerge`, `kubectl patch`'s default),
    /// `merge` (RFC 7386, `kubectl patch --type=merge`) or `json` (RFC 6902, kustomize's
    /// `patchesJson6902`, `kubectl patch --type=json`).
    #[serde(rename = "type")]
    pub kind: PatchKind,
}

/// How a patch file is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PatchKind {
    /// Strategic merge: a merge patch with the API's list merge keys and `$patch` directives.
    Strategic,
    /// JSON merge patch (RFC 7386): maps merged, `null` deletes, lists replaced.
    Merge,
    /// JSON patch (RFC 6902): a list of `add`, `remove`, `replace`, `move`, `copy`, `test`.
    Json,
}

impl PatchRef {
    fn path(&self) -> &str {
        match self {
            PatchRef::Path(p) => p,
            PatchRef::Typed(t) => &t.path,
        }
    }
    fn kind(&self) -> Option<PatchKind> {
        match self {
            PatchRef::Path(_) => None,
            PatchRef::Typed(t) => Some(t.kind),
        }
    }
}

/// A patch as applied: its file, and each field it sets with the place it sets it.
#[derive(Debug)]
struct Applied {
    path: PathBuf,
    touched: Vec<(String, Location)>,
}

/// The HPA after its patches, and which patch set what (to name it in later errors).
#[derive(Debug)]
pub(crate) struct Patched {
    /// The patched HPA.
    pub hpa: HorizontalPodAutoscaler,
    applied: Vec<Applied>,
}

impl Patched {
    /// The error for `field` of the HPA (`spec.maxReplicas`), named in the last patch that
    /// set it (or a field around or within it); `None` if no patch did.
    pub(crate) fn blame(&self, field: &str, message: &str) -> Option<Error> {
        self.applied
            .iter()
            .rev()
            .find_map(|a| blame(a, field, message))
    }
}

/// The error for `field`, at the place in `a` that set it (or a field around or within
/// it); `None` if `a` did not touch it.
fn blame(a: &Applied, field: &str, message: &str) -> Option<Error> {
    let within = |x: &str, y: &str| {
        x == y || (x.starts_with(y) && matches!(x.as_bytes().get(y.len()), Some(b'.' | b'[')))
    };
    let (_, at) = a
        .touched
        .iter()
        .filter(|(k, _)| within(field, k) || within(k, field))
        .max_by_key(|(k, _)| k.len())?;
    Some(Error::Input {
        path: a.path.clone(),
        location: Some(at.clone()),
        message: format!("{field}: {message} (after this patch)"),
    })
}

/// Applies `refs` (relative to `dir`) in order to `hpa` and reads the result as an HPA.
pub(crate) fn apply_patches(
    hpa: &HorizontalPodAutoscaler,
    refs: &[PatchRef],
    dir: &Path,
) -> Result<Patched, Error> {
    let mut applied = vec![];
    let mut typed = hpa.clone();
    if refs.is_empty() {
        return Ok(Patched {
            hpa: typed,
            applied,
        });
    }
    let mut value = serde_json::to_value(hpa).map_err(|e| Error::Output(e.to_string()))?;
    for r in refs {
        let a = apply_one(&mut value, r, dir)?;
        // Read after each patch, so a bad result names the patch that made it.
        typed = read_patched(&value, &a)?;
        applied.push(a);
    }
    Ok(Patched {
        hpa: typed,
        applied,
    })
}

/// A scenario as an untyped value (for `hpasim sweep`, which edits it so) with its
/// `hpaPatches` applied to its `hpa` and removed: what is left runs the same HPA.
pub(crate) fn patch_scenario_value(scenario: &mut Value, path: &Path) -> Result<(), Error> {
    let Some(refs) = scenario
        .as_object_mut()
        .and_then(|m| m.remove("hpaPatches"))
    else {
        return Ok(());
    };
    let refs: Vec<PatchRef> = serde_json::from_value(refs).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        location: None,
        message: format!("hpaPatches: {e}"),
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    if let Some(hpa) = scenario.get_mut("hpa") {
        for r in &refs {
            let a = apply_one(hpa, r, dir)?;
            read_patched(hpa, &a)?;
        }
    }
    Ok(())
}

/// The patched value as a typed HPA; a field it cannot hold is named in the patch.
fn read_patched(value: &Value, a: &Applied) -> Result<HorizontalPodAutoscaler, Error> {
    // Pretty JSON gives serde a line per field, and the line gives back the field.
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Output(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| {
        let field = super::snapshot_file::field_places(&text).and_then(|places| {
            places
                .into_iter()
                .filter(|(_, at)| at.line == e.line() as u64)
                .map(|(k, _)| k)
                .max_by_key(String::len)
        });
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        match field {
            Some(f) => blame(a, &f, message)
                .unwrap_or_else(|| at_file(a, format!("{f}: {message} (after this patch)"))),
            None => at_file(a, format!("the HPA after this patch: {message}")),
        }
    })
}

fn at_file(a: &Applied, message: String) -> Error {
    Error::Input {
        path: a.path.clone(),
        location: None,
        message,
    }
}

/// One document of a multi-document YAML file, with the line it starts at (0-based).
pub(super) struct Doc {
    pub(super) value: Value,
    pub(super) text: String,
    pub(super) first_line: u64,
}

/// An error found in a document's text, placed in the file: `lines` lines down (the
/// lines before the document).
pub(super) fn lines_down(e: Error, lines: u64) -> Error {
    match e {
        Error::Input {
            path,
            location,
            message,
        } => Error::Input {
            path,
            location: location.map(|l| Location {
                line: l.line + lines,
                column: l.column,
            }),
            message,
        },
        other => other,
    }
}

/// The documents of a YAML file (`---` between them), blank ones left out.
pub(super) fn split_documents(text: &str, path: &Path) -> Result<Vec<Doc>, Error> {
    let mut docs = vec![];
    let mut start = 0usize;
    let lines: Vec<&str> = text.split('\n').collect();
    let mut flush = |from: usize, to: usize| -> Result<(), Error> {
        let body = lines[from..to].join("\n");
        let blank = body
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#') || l.trim() == "...");
        if blank {
            return Ok(());
        }
        let value: Value = super::snapshot_file::parse_yaml(&body, path)
            .map_err(|e| lines_down(e, from as u64))?;
        docs.push(Doc {
            value,
            text: body,
            first_line: from as u64,
        });
        Ok(())
    };
    for (i, line) in lines.iter().enumerate() {
        let l = line.trim_end();
        if l == "---" || l.starts_with("--- ") {
            flush(start, i)?;
            start = i + 1;
        }
    }
    flush(start, lines.len())?;
    Ok(docs)
}

/// Every field the document writes, with its place in the file.
fn places(doc: &Doc) -> Vec<(String, Location)> {
    let mut v: Vec<(String, Location)> = super::snapshot_file::field_places(&doc.text)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, at)| {
            (
                k,
                Location {
                    line: at.line + doc.first_line,
                    column: at.column,
                },
            )
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn locate(places: &[(String, Location)], field: &str) -> Option<Location> {
    let mut path = field;
    loop {
        if let Some((_, at)) = places.iter().find(|(k, _)| k == path) {
            return Some(at.clone());
        }
        let cut = path.rfind(['.', '['])?;
        path = &path[..cut];
    }
}

fn apply_one(hpa: &mut Value, r: &PatchRef, dir: &Path) -> Result<Applied, Error> {
    let path = dir.join(r.path());
    let text = super::read_manifest(&path)?;
    let docs = split_documents(&text, &path)?;
    let fail = |location: Option<Location>, message: String| Error::Input {
        path: path.clone(),
        location,
        message,
    };
    if docs.is_empty() {
        return Err(fail(None, "the patch file is empty".into()));
    }
    let is_ops = docs.len() == 1 && docs[0].value.is_array();
    let kind = match (r.kind(), is_ops) {
        (Some(k), _) => k,
        (None, true) => PatchKind::Json,
        (None, false) => PatchKind::Strategic,
    };
    if kind == PatchKind::Json {
        let [doc] = docs.as_slice() else {
            return Err(fail(
                None,
                "a JSON patch is one list of operations, not several documents".into(),
            ));
        };
        let places = places(doc);
        let touched =
            json_patch(hpa, &doc.value, &places).map_err(|(f, m)| fail(locate(&places, &f), m))?;
        return Ok(Applied { path, touched });
    }
    let name = super::manifest::name_of(hpa).unwrap_or("").to_string();
    let mut touched = vec![];
    let mut targets = vec![];
    for doc in &docs {
        let places = places(doc);
        let Value::Object(map) = &doc.value else {
            return Err(fail(
                Some(Location {
                    line: doc.first_line + 1,
                    column: 1,
                }),
                format!(
                    "a {} patch is a mapping (a list of operations is a JSON patch: `type: json`)",
                    if kind == PatchKind::Merge {
                        "merge"
                    } else {
                        "strategic merge"
                    }
                ),
            ));
        };
        let doc_kind = map.get("kind").and_then(Value::as_str);
        let doc_name = doc.value.pointer("/metadata/name").and_then(Value::as_str);
        // Kustomize picks the object a patch document names by kind and name; a document
        // that names no kind is a `kubectl patch` body for this HPA.
        if let Some(k) = doc_kind {
            targets.push(format!("{k}/{}", doc_name.unwrap_or("(unnamed)")));
            if k != "HorizontalPodAutoscaler" || (doc_name.is_some() && doc_name != Some(&name)) {
                continue;
            }
            if doc_name.is_none() {
                return Err(fail(
                    locate(&places, "metadata"),
                    "metadata.name: a patch that names its kind must name the object it patches"
                        .into(),
                ));
            }
        }
        let mut body = map.clone();
        // Identification, not content: the HPA keeps its own (already converted) version.
        body.remove("apiVersion");
        body.remove("kind");
        let body = Value::Object(body);
        let merged = match kind {
            PatchKind::Merge => Some(merge_patch(hpa.take(), &body)),
            _ => strategic(Some(hpa.take()), &body, "")
                .map_err(|(f, m)| fail(locate(&places, &f), m))?,
        };
        *hpa = merged.unwrap_or(Value::Null);
        if hpa.is_null() {
            return Err(fail(
                locate(&places, "$patch"),
                "$patch: delete removes the HPA itself".into(),
            ));
        }
        touched.extend(places);
    }
    if touched.is_empty() {
        return Err(fail(
            None,
            format!(
                "no document in it patches HorizontalPodAutoscaler {name:?} (it patches: {})",
                targets.join(", ")
            ),
        ));
    }
    Ok(Applied { path, touched })
}

/// Whether a file reads as a patch of an HPA rather than a whole one (`hpasim validate`):
/// one list of operations (RFC 6902: each entry has `op` or `path`), or documents that are
/// all `kind: HorizontalPodAutoscaler`, one of them without `spec.scaleTargetRef` or
/// `spec.maxReplicas` (what a kustomize overlay's patch leaves to its base).
pub(crate) fn is_patch_file(text: &str, path: &Path) -> bool {
    split_documents(text, path).is_ok_and(|docs| is_patch(&docs))
}

/// [`is_patch_file`] of its documents already parsed.
pub(super) fn is_patch(docs: &[Doc]) -> bool {
    if let [doc] = docs
        && let Value::Array(ops) = &doc.value
    {
        return !ops.is_empty()
            && ops
                .iter()
                .all(|op| op.get("op").is_some() || op.get("path").is_some());
    }
    let is_hpa =
        |v: &Value| v.get("kind").and_then(Value::as_str) == Some("HorizontalPodAutoscaler");
    !docs.is_empty()
        && docs.iter().all(|d| is_hpa(&d.value))
        && docs.iter().any(|d| {
            d.value.pointer("/spec/scaleTargetRef").is_none()
                || d.value.pointer("/spec/maxReplicas").is_none()
        })
}

/// Checks a patch file on its own, as `hpasim validate` does for an overlay's patch: its
/// operations well formed, and every field it writes one the HPA has, holding a value of
/// the HPA's type for it (the HPA's required fields aside: a patch writes only what it
/// changes; `null` deletes; `$patch` directives pass). The first field that is not is
/// named with the file's line. Returns what the file patches, in a line.
pub(crate) fn check_patch_file(path: &Path) -> Result<String, Error> {
    let text = super::read_manifest(path)?;
    let docs = split_documents(&text, path)?;
    let fail = |places: &[(String, Location)], field: &str, message: String| Error::Input {
        path: path.to_path_buf(),
        location: locate(places, field),
        message: if field.is_empty() {
            message
        } else {
            format!("{field}: {message}")
        },
    };
    let schema =
        schemars::SchemaGenerator::default().into_root_schema_for::<HorizontalPodAutoscaler>();
    let root = schema.as_value();
    if let [doc] = docs.as_slice()
        && let Value::Array(ops) = &doc.value
    {
        let places = places(doc);
        for (i, op) in ops.iter().enumerate() {
            check_op(root, op).map_err(|(f, m)| fail(&places, &format!("[{i}]{f}"), m))?;
        }
        return Ok(format!(
            "JSON patch (RFC 6902) of a HorizontalPodAutoscaler, {} operation(s)",
            ops.len()
        ));
    }
    let mut names = vec![];
    for doc in &docs {
        let places = places(doc);
        let Value::Object(map) = &doc.value else {
            return Err(fail(
                &places,
                "",
                "a strategic merge patch is a mapping".into(),
            ));
        };
        let name = doc.value.pointer("/metadata/name").and_then(Value::as_str);
        names.push(name.unwrap_or("(unnamed)").to_string());
        // Identification, not content (as `apply_one` reads it).
        let mut body = map.clone();
        for key in ["apiVersion", "kind", "metadata"] {
            body.remove(key);
        }
        check_value(root, root, &Value::Object(body), "").map_err(|(f, m)| fail(&places, &f, m))?;
    }
    Ok(format!(
        "HorizontalPodAutoscaler patch (strategic merge) for {}",
        names.join(", ")
    ))
}

/// One RFC 6902 operation: a known `op`, a `path` (and `from`) the HPA has, a `value`
/// where one is needed, of the type the HPA has there. The field is relative to the op.
fn check_op(root: &Value, op: &Value) -> Result<(), PatchError> {
    let field = |k: &str| op.get(k).and_then(Value::as_str);
    let name = field("op").ok_or((
        String::new(),
        "each operation needs `op` (add, remove, replace, move, copy, test)".to_string(),
    ))?;
    let needs_value = match name {
        "add" | "replace" | "test" => true,
        "remove" | "move" | "copy" => false,
        other => {
            return Err((
                ".op".into(),
                format!("{other:?} is not an operation (add, remove, replace, move, copy, test)"),
            ));
        }
    };
    let target = field("path").ok_or((
        String::new(),
        format!("{name}: needs `path`, a JSON pointer such as /spec/maxReplicas"),
    ))?;
    let schema =
        schema_at(root, target).map_err(|m| (".path".into(), format!("{name} {target}: {m}")))?;
    if needs_value {
        let value = op.get("value").ok_or((
            ".value".to_string(),
            format!("{name} {target}: needs `value`"),
        ))?;
        check_value(root, schema, value, &dotted(target))
            .map_err(|(f, m)| (".value".into(), format!("{name} {target}: {f}: {m}")))?;
    }
    if matches!(name, "move" | "copy") {
        let from =
            field("from").ok_or((String::new(), format!("{name} {target}: needs `from`")))?;
        schema_at(root, from).map_err(|m| (".from".into(), format!("{name} from {from}: {m}")))?;
    }
    Ok(())
}

/// The schemas a value may meet at `schema`: `$ref`s followed into the root's `$defs`,
/// `anyOf`/`oneOf`/`allOf` opened, the `null` of an optional field left out.
fn branches<'a>(root: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or("");
        return (root.get("$defs").and_then(|d| d.get(name))).map_or(vec![], |d| branches(root, d));
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            return list.iter().flat_map(|b| branches(root, b)).collect();
        }
    }
    if schema.get("type").and_then(Value::as_str) == Some("null") {
        return vec![];
    }
    vec![schema]
}

/// The HPA's schema at a JSON pointer (`/spec/metrics/0/resource`), or why it has none.
fn schema_at<'a>(root: &'a Value, pointer: &str) -> Result<&'a Value, String> {
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err("not a JSON pointer (one starts with /, as /spec/maxReplicas)".into());
    };
    let mut schema = root;
    for token in rest.split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        let index = token == "-" || token.parse::<usize>().is_ok();
        let next = branches(root, schema).into_iter().find_map(|s| {
            // A field the HPA carries without a schema (metadata) holds anything.
            if s.get("type").is_none() && s.get("properties").is_none() {
                return Some(s);
            }
            if let Some(p) = s.get("properties").and_then(|p| p.get(&token)) {
                return Some(p);
            }
            match (s.get("items"), s.get("additionalProperties")) {
                (Some(items), _) if index => Some(items),
                (_, Some(more @ Value::Object(_))) => Some(more),
                _ => None,
            }
        });
        schema = next.ok_or_else(|| format!("the HPA has no field {}", dotted(pointer)))?;
    }
    Ok(schema)
}

/// Whether `value` is of JSON schema type `t`.
fn is_type(value: &Value, t: &str) -> bool {
    match t {
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => true,
    }
}

/// `value` (a patch's, at `field`) against the HPA's `schema`: known field names, JSON
/// types, enumerated values, quantities that parse; `required` is not asked of a patch.
fn check_value(root: &Value, schema: &Value, value: &Value, field: &str) -> Result<(), PatchError> {
    // A patch deletes a field with null, whatever its type.
    if value.is_null() {
        return Ok(());
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or("");
        if name == "Quantity"
            && let Some(text) = value.as_str()
        {
            crate::core::Quantity::parse(text).map_err(|e| (field.to_string(), e.to_string()))?;
        }
        return match root.get("$defs").and_then(|d| d.get(name)) {
            Some(def) => check_value(root, def, value, field),
            None => Ok(()),
        };
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            let mut first = None;
            for b in list {
                match check_value(root, b, value, field) {
                    Ok(()) => return Ok(()),
                    Err(e) => {
                        if first.is_none() {
                            first = Some(e);
                        }
                    }
                }
            }
            // An enumeration written as one `const` a branch: name them all.
            let consts: Vec<String> = (list.iter().filter_map(|b| b.get("const")))
                .map(Value::to_string)
                .collect();
            if consts.len() == list.len() {
                return Err((
                    field.to_string(),
                    format!("{value} is not one of {}", consts.join(", ")),
                ));
            }
            return first.map_or(Ok(()), Err);
        }
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        return Err((field.to_string(), format!("{value} is not {c}")));
    }
    if let Some(list) = schema.get("allOf").and_then(Value::as_array) {
        for b in list {
            check_value(root, b, value, field)?;
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        let names: Vec<String> = (options.iter().filter(|o| !o.is_null()))
            .map(Value::to_string)
            .collect();
        return Err((
            field.to_string(),
            format!("{value} is not one of {}", names.join(", ")),
        ));
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !types.is_empty() && !types.iter().any(|t| is_type(value, t)) {
        let wanted: Vec<&str> = types.into_iter().filter(|t| *t != "null").collect();
        return Err((
            field.to_string(),
            format!(
                "{value} is not of the HPA's type here ({})",
                wanted.join(" or ")
            ),
        ));
    }
    match value {
        Value::Object(map) => {
            let known = schema.get("properties").and_then(Value::as_object);
            for (key, v) in map {
                // Strategic merge directives: `$patch`, `$setElementOrder/...`, `$retainKeys`.
                if key.starts_with('$') {
                    continue;
                }
                let here = join(field, key);
                match (
                    known.and_then(|p| p.get(key)),
                    schema.get("additionalProperties"),
                ) {
                    (Some(s), _) => check_value(root, s, v, &here)?,
                    (None, Some(Value::Bool(false))) => {
                        let names: Vec<&str> =
                            known.map_or(vec![], |p| p.keys().map(String::as_str).collect());
                        return Err((
                            here,
                            format!("the HPA has no such field (here: {})", names.join(", ")),
                        ));
                    }
                    (None, Some(more @ Value::Object(_))) => check_value(root, more, v, &here)?,
                    _ => {}
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    check_value(root, s, v, &format!("{field}[{i}]"))?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// RFC 7386 `MergePatch(Target, Patch)`.
pub fn merge_patch(target: Value, patch: &Value) -> Value {
    let Value::Object(p) = patch else {
        return patch.clone();
    };
    let mut t = match target {
        Value::Object(t) => t,
        _ => Map::new(),
    };
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            let old = t.remove(k).unwrap_or(Value::Null);
            t.insert(k.clone(), merge_patch(old, v));
        }
    }
    Value::Object(t)
}

/// How a list at a path merges under a strategic merge patch (the HPA's API tags).
enum ListMerge {
    /// `listType=atomic` or no tag: the patch's list replaces the old one.
    Replace,
    /// `patchStrategy=merge` with `patchMergeKey`: items merged by the key.
    ByKey(&'static str),
    /// `patchStrategy=merge` on scalars: the union, old items first.
    Union,
}

fn list_merge(path: &str) -> ListMerge {
    match path {
        "status.conditions" => ListMerge::ByKey("type"),
        "metadata.ownerReferences" => ListMerge::ByKey("uid"),
        "metadata.finalizers" => ListMerge::Union,
        _ => ListMerge::Replace,
    }
}

type PatchError = (String, String);

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A strategic merge of `patch` into `target` at `path` (`None`: absent, or deleted).
pub fn strategic(
    target: Option<Value>,
    patch: &Value,
    path: &str,
) -> Result<Option<Value>, PatchError> {
    let Value::Object(p) = patch else {
        return Ok(Some(patch.clone()));
    };
    let mut p = p.clone();
    let directive = p.remove("$patch");
    let mut t = match (directive.as_ref().and_then(Value::as_str), target) {
        (Some("delete"), _) => return Ok(None),
        (Some("replace"), _) => Map::new(),
        (None | Some("merge"), Some(Value::Object(t))) => t,
        (None | Some("merge"), _) => Map::new(),
        (Some(other), _) => {
            return Err((
                join(path, "$patch"),
                format!("$patch: {other:?} is not a directive (replace, delete or merge)"),
            ));
        }
    };
    for (k, v) in &p {
        let here = join(path, k);
        if k.starts_with('$') {
            return Err((
                here,
                format!(
                    "the directive {k} is not supported in an HPA patch ($patch: replace, delete or merge are)"
                ),
            ));
        }
        if v.is_null() {
            t.remove(k);
            continue;
        }
        let old = t.remove(k);
        let new = match (v, old) {
            (Value::Array(items), Some(Value::Array(old))) => {
                Some(Value::Array(merge_list(old, items, &here)?))
            }
            (Value::Array(items), _) => Some(Value::Array(merge_list(vec![], items, &here)?)),
            (v, old) => strategic(old, v, &here)?,
        };
        if let Some(new) = new {
            t.insert(k.clone(), new);
        }
    }
    Ok(Some(Value::Object(t)))
}

fn merge_list(old: Vec<Value>, items: &[Value], path: &str) -> Result<Vec<Value>, PatchError> {
    let directive = |v: &Value| v.get("$patch").and_then(Value::as_str).map(str::to_string);
    match list_merge(path) {
        ListMerge::Replace => {
            let mut out = vec![];
            for (i, item) in items.iter().enumerate() {
                if item.get("$patch").is_some() {
                    if directive(item).as_deref() == Some("replace")
                        && item.as_object().is_some_and(|m| m.len() == 1)
                    {
                        continue;
                    }
                    return Err((
                        format!("{path}[{i}].$patch"),
                        format!(
                            "{path} has no merge key (listType=atomic): the patch's list replaces it whole, so its items take no $patch"
                        ),
                    ));
                }
                out.push(item.clone());
            }
            Ok(out)
        }
        ListMerge::Union => {
            let mut out = old;
            for item in items {
                if !out.contains(item) {
                    out.push(item.clone());
                }
            }
            Ok(out)
        }
        ListMerge::ByKey(key) => {
            if items
                .iter()
                .any(|i| directive(i).as_deref() == Some("replace"))
            {
                return Ok(items
                    .iter()
                    .filter(|i| directive(i).is_none())
                    .cloned()
                    .collect());
            }
            let mut out = old;
            for (i, item) in items.iter().enumerate() {
                let Some(k) = item.get(key) else {
                    return Err((
                        format!("{path}[{i}]"),
                        format!("an item of {path} needs its merge key `{key}`"),
                    ));
                };
                let at = out.iter().position(|o| o.get(key) == Some(k));
                let old_item = at.map(|j| out.remove(j));
                let merged = strategic(old_item, item, &format!("{path}[{i}]"))?;
                match (merged, at) {
                    (Some(m), Some(j)) => out.insert(j, m),
                    (Some(m), None) => out.push(m),
                    (None, _) => {}
                }
            }
            Ok(out)
        }
    }
}

/// RFC 6902 on `hpa`; each operation's field is returned with its place for later errors.
fn json_patch(
    hpa: &mut Value,
    ops: &Value,
    places: &[(String, Location)],
) -> Result<Vec<(String, Location)>, PatchError> {
    let Value::Array(ops) = ops else {
        return Err((String::new(), "a JSON patch is a list of operations".into()));
    };
    let mut touched = vec![];
    for (i, op) in ops.iter().enumerate() {
        let here = format!("[{i}]");
        let field = |k: &str| op.get(k).and_then(Value::as_str);
        let Some(name) = field("op") else {
            return Err((
                here,
                "each operation needs `op` (add, remove, replace, move, copy, test)".into(),
            ));
        };
        let Some(target) = field("path") else {
            return Err((
                here,
                format!("{name}: needs `path`, a JSON pointer such as /spec/maxReplicas"),
            ));
        };
        let value = || {
            op.get("value").cloned().ok_or((
                format!("{here}.value"),
                format!("{name} {target}: needs `value`"),
            ))
        };
        let from = || field("from").ok_or((here.clone(), format!("{name} {target}: needs `from`")));
        let err = |m: String| (format!("{here}.path"), format!("{name} {target}: {m}"));
        match name {
            "add" => add(hpa, target, value()?).map_err(err)?,
            "remove" => {
                remove(hpa, target).map_err(err)?;
            }
            "replace" => {
                let v = value()?;
                let slot = hpa
                    .pointer_mut(target)
                    .ok_or_else(|| err("the HPA has no such field".into()))?;
                *slot = v;
            }
            "move" => {
                let from = from()?;
                let v = remove(hpa, from).map_err(err)?;
                add(hpa, target, v).map_err(err)?;
            }
            "copy" => {
                let from = from()?;
                let v = hpa
                    .pointer(from)
                    .cloned()
                    .ok_or_else(|| err(format!("the HPA has no {from}")))?;
                add(hpa, target, v).map_err(err)?;
            }
            "test" => {
                let want = value()?;
                if hpa.pointer(target) != Some(&want) {
                    return Err(err(format!(
                        "test failed: the HPA holds {}, the patch expects {want}",
                        hpa.pointer(target)
                            .map(Value::to_string)
                            .unwrap_or_else(|| "nothing".into())
                    )));
                }
            }
            other => {
                return Err((
                    format!("{here}.op"),
                    format!(
                        "{other:?} is not an operation (add, remove, replace, move, copy, test)"
                    ),
                ));
            }
        }
        if name != "test" {
            let at = locate(places, &here).unwrap_or(Location { line: 1, column: 1 });
            touched.push((dotted(target), at));
        }
    }
    Ok(touched)
}

/// `/spec/metrics/0/resource` as `spec.metrics[0].resource`.
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if token.parse::<usize>().is_ok() || token == "-" {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    out
}

fn split_pointer(pointer: &str) -> Result<(&str, String), String> {
    if !pointer.starts_with('/') {
        return Err("a JSON pointer starts with /".into());
    }
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    Ok((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn add(doc: &mut Value, pointer: &str, value: Value) -> Result<(), String> {
    if pointer.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, last) = split_pointer(pointer)?;
    match doc.pointer_mut(parent) {
        Some(Value::Object(m)) => {
            m.insert(last, value);
            Ok(())
        }
        Some(Value::Array(a)) => {
            let at = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|&i| i <= a.len())
                    .ok_or(format!("{last} is not an index of a list of {}", a.len()))?
            };
            a.insert(at, value);
            Ok(())
        }
        _ => Err(format!(
            "the HPA has no {}",
            if parent.is_empty() { "/" } else { parent }
        )),
    }
}

fn remove(doc: &mut Value, pointer: &str) -> Result<Value, String> {
    let (parent, last) = split_pointer(pointer)?;
    let gone = || "the HPA has no such field".to_string();
    match doc.pointer_mut(parent) {
        Some(Value::Object(m)) => m.remove(&last).ok_or_else(gone),
        Some(Value::Array(a)) => match last.parse::<usize>() {
            Ok(i) if i < a.len() => Ok(a.remove(i)),
            _ => Err(gone()),
        },
        _ => Err(gone()),
    }
}
