//! Compiled templates: strings and JSON values with `{{ expr }}` parts.
//!
//! A template is compiled once into literal text and expressions (see
//! `runtime::lex` for the syntax supported). Rendering costs, measured on
//! this 2-core machine in release: a template without `{{ }}` is a copy of
//! its text (~10 ns); `{{ name }}` or `{{ a.b }}` is a direct lookup
//! (~40 ns); any other expression one minijinja evaluation against a small
//! context of the variables it reads (~250-500 ns, see `runtime::context`).

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use crate::runtime::{Code, EvalError, Part, SyntaxError, split_template};
use crate::scope::Scope;
use crate::value::Value;
use minijinja::value::ValueKind;

/// A compiled string template, e.g. `/orders/{{ order_id }}`. Cheap to
/// clone and shareable between threads.
#[derive(Clone)]
pub struct Template(Arc<TemplateInner>);

struct TemplateInner {
    source: Box<str>,
    body: Body,
}

enum Body {
    /// No expressions: always renders to this text.
    Static(Box<str>),
    Pieces(Box<[Piece]>),
}

enum Piece {
    Text(Box<str>),
    Code(Code),
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Template").field(&self.0.source).finish()
    }
}

impl Template {
    /// Compiles `source`; an error's offset is inside `source`.
    pub fn compile(source: &str) -> Result<Template, SyntaxError> {
        let mut pieces = Vec::new();
        for part in split_template(source)? {
            pieces.push(match part {
                Part::Text(text) => Piece::Text(text.into_boxed_str()),
                Part::Code { code, offset } => {
                    Piece::Code(Code::compile(code).map_err(|e| e.shifted(offset))?)
                }
            });
        }
        let body = match pieces.as_slice() {
            [] => Body::Static("".into()),
            [Piece::Text(text)] => Body::Static(text.clone()),
            _ => Body::Pieces(pieces.into_boxed_slice()),
        };
        Ok(Template(Arc::new(TemplateInner {
            source: source.into(),
            body,
        })))
    }

    /// The text the template was compiled from.
    pub fn source(&self) -> &str {
        &self.0.source
    }

    /// The text it always renders to when it has no `{{ }}`: rendering it
    /// is free. (Equal to `source()` unless it has comments.)
    pub fn as_static(&self) -> Option<&str> {
        match &self.0.body {
            Body::Static(text) => Some(text),
            Body::Pieces(_) => None,
        }
    }

    /// Root names of the user variables it reads (not `vu`, `journey`,
    /// `response` or functions), e.g. `customers` for `{{ customers.email }}`.
    pub fn variables(&self) -> BTreeSet<String> {
        self.codes()
            .flat_map(Code::variables)
            .map(str::to_owned)
            .collect()
    }

    /// Appends the rendered text to `out`.
    pub fn render_into(&self, scope: &Scope<'_>, out: &mut String) -> Result<(), EvalError> {
        let pieces = match &self.0.body {
            Body::Static(text) => {
                out.push_str(text);
                return Ok(());
            }
            Body::Pieces(pieces) => pieces,
        };
        for piece in pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Code(code) => write_value(out, &code.eval(scope, None)?),
            }
        }
        Ok(())
    }

    pub fn render(&self, scope: &Scope<'_>) -> Result<String, EvalError> {
        let mut out = String::new();
        self.render_into(scope, &mut out)?;
        Ok(out)
    }

    /// The expression, when the whole template is exactly one `{{ expr }}`.
    fn single_code(&self) -> Option<&Code> {
        match &self.0.body {
            Body::Pieces(pieces) => match &**pieces {
                [Piece::Code(code)] => Some(code),
                _ => None,
            },
            Body::Static(_) => None,
        }
    }

    /// Each `{{ }}` with its code's offset and length in `source()`, for
    /// the compile-time checks that report at the code's place.
    pub(crate) fn located_codes(&self) -> Vec<(usize, usize, &Code)> {
        // The source split again gives the offsets, in the same order as
        // the pieces (it compiled, so it splits).
        let parts = split_template(&self.0.source).unwrap_or_default();
        let offsets = parts.iter().filter_map(|part| match part {
            Part::Code { code, offset } => Some((*offset, code.len())),
            Part::Text(_) => None,
        });
        offsets
            .zip(self.codes())
            .map(|((offset, len), code)| (offset, len, code))
            .collect()
    }

    /// The literal text it sends around its `{{ }}`.
    pub(crate) fn literal_parts(&self) -> Vec<&str> {
        match &self.0.body {
            Body::Static(text) => vec![text],
            Body::Pieces(pieces) => pieces
                .iter()
                .filter_map(|piece| match piece {
                    Piece::Text(text) => Some(&**text),
                    Piece::Code(_) => None,
                })
                .collect(),
        }
    }

    /// The values its `env()` calls read from the environment: secrets
    /// the engine keeps out of what it reports.
    pub fn env_values(&self) -> impl Iterator<Item = &str> {
        self.codes().flat_map(Code::env_values)
    }

    fn codes(&self) -> impl Iterator<Item = &Code> {
        let pieces: &[Piece] = match &self.0.body {
            Body::Pieces(pieces) => pieces,
            Body::Static(_) => &[],
        };
        pieces.iter().filter_map(|piece| match piece {
            Piece::Code(code) => Some(code),
            Piece::Text(_) => None,
        })
    }
}

/// Appends a value as template output: strings as they are, booleans as
/// `true`/`false` (what a query string or header expects, where Jinja
/// would print Python's `True`), other values in their template form
/// (`42`, `1.5`, `none`, `[1, 2]`).
fn write_value(out: &mut String, value: &Value) {
    use std::fmt::Write as _;
    if let Some(text) = value.as_str() {
        out.push_str(text);
    } else if value.kind() == ValueKind::Bool {
        out.push_str(if value.is_true() { "true" } else { "false" });
    } else {
        // Writing to a String cannot fail.
        let _ = write!(out, "{value}");
    }
}

/// A JSON body template: any JSON value whose strings (keys included) are
/// templates. A string that is exactly one `{{ expr }}` keeps the value's
/// JSON type, so a captured number stays a number and a map an object.
#[derive(Clone)]
pub struct JsonTemplate(Arc<JsonNode>);

impl fmt::Debug for JsonTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JsonTemplate").field(&self.0).finish()
    }
}

#[derive(Debug)]
enum JsonNode {
    /// A subtree without templates, serialised once at compile time.
    Static(Box<str>),
    /// A string with text around its expressions: renders to a JSON string.
    Text(Template),
    /// A string that is exactly one `{{ expr }}`: renders to the value's JSON.
    Typed(Template),
    Array(Box<[JsonNode]>),
    Object(Box<[(JsonNode, JsonNode)]>),
}

/// A string inside a JSON template that does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error} (at JSON pointer `{pointer}`)")]
pub struct JsonSyntaxError {
    /// JSON pointer (RFC 6901) of the bad string; for a bad key, of the
    /// member it names.
    pub pointer: String,
    /// Offset and length inside that string.
    pub error: SyntaxError,
}

impl JsonTemplate {
    pub fn compile(value: &serde_json::Value) -> Result<JsonTemplate, JsonSyntaxError> {
        let mut pointer = String::new();
        compile_node(value, &mut pointer).map(|node| JsonTemplate(Arc::new(node)))
    }

    /// True when it has no `{{ }}` anywhere: it always renders the same.
    pub fn is_static(&self) -> bool {
        is_static(&self.0)
    }

    /// Root names of the user variables its strings read.
    pub fn variables(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        collect_variables(&self.0, &mut out);
        out
    }

    /// The values its strings' `env()` calls read from the environment.
    pub fn env_values(&self) -> Vec<&str> {
        let mut out = Vec::new();
        collect_env_values(&self.0, &mut out);
        out
    }

    /// Appends the rendered JSON to `out`.
    pub fn render_into(&self, scope: &Scope<'_>, out: &mut Vec<u8>) -> Result<(), EvalError> {
        render_node(&self.0, scope, out)
    }

    /// The rendered JSON as a value (for tests and tools; the engine
    /// writes bytes with `render_into`).
    pub fn render_value(&self, scope: &Scope<'_>) -> Result<serde_json::Value, EvalError> {
        let mut out = Vec::new();
        self.render_into(scope, &mut out)?;
        serde_json::from_slice(&out).map_err(|e| EvalError(e.to_string()))
    }
}

fn collect_env_values<'t>(node: &'t JsonNode, out: &mut Vec<&'t str>) {
    match node {
        JsonNode::Static(_) => {}
        JsonNode::Text(template) | JsonNode::Typed(template) => out.extend(template.env_values()),
        JsonNode::Array(nodes) => nodes.iter().for_each(|n| collect_env_values(n, out)),
        JsonNode::Object(members) => {
            for (key, value) in members {
                collect_env_values(key, out);
                collect_env_values(value, out);
            }
        }
    }
}

fn compile_node(
    value: &serde_json::Value,
    pointer: &mut String,
) -> Result<JsonNode, JsonSyntaxError> {
    let node = match value {
        serde_json::Value::String(text) => compile_string(text, pointer)?,
        serde_json::Value::Array(items) => {
            let mut nodes = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                nodes.push(compile_node(item, pointer)?);
                pointer.truncate(len);
            }
            JsonNode::Array(nodes.into_boxed_slice())
        }
        serde_json::Value::Object(members) => {
            let mut nodes = Vec::with_capacity(members.len());
            for (key, item) in members {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                let key = match compile_string(key, pointer)? {
                    // A key is a string whatever its expression gives.
                    JsonNode::Typed(template) => JsonNode::Text(template),
                    other => other,
                };
                nodes.push((key, compile_node(item, pointer)?));
                pointer.truncate(len);
            }
            JsonNode::Object(nodes.into_boxed_slice())
        }
        _ => return Ok(JsonNode::Static(json_text(value))),
    };
    // A container whose members are all static is serialised once.
    let all_static = match &node {
        JsonNode::Array(nodes) => nodes.iter().all(is_static),
        JsonNode::Object(nodes) => nodes.iter().all(|(k, v)| is_static(k) && is_static(v)),
        _ => false,
    };
    Ok(if all_static {
        JsonNode::Static(json_text(value))
    } else {
        node
    })
}

fn compile_string(text: &str, pointer: &str) -> Result<JsonNode, JsonSyntaxError> {
    let template = Template::compile(text).map_err(|error| JsonSyntaxError {
        pointer: pointer.to_owned(),
        error,
    })?;
    Ok(if let Some(text) = template.as_static() {
        JsonNode::Static(json_text(&serde_json::Value::from(text)))
    } else if template.single_code().is_some() {
        JsonNode::Typed(template)
    } else {
        JsonNode::Text(template)
    })
}

fn is_static(node: &JsonNode) -> bool {
    matches!(node, JsonNode::Static(_))
}

fn json_text(value: &serde_json::Value) -> Box<str> {
    // Serialising a serde_json::Value cannot fail (its keys are strings).
    serde_json::to_string(value)
        .unwrap_or_default()
        .into_boxed_str()
}

fn collect_variables(node: &JsonNode, out: &mut BTreeSet<String>) {
    match node {
        JsonNode::Static(_) => {}
        JsonNode::Text(template) | JsonNode::Typed(template) => out.extend(template.variables()),
        JsonNode::Array(nodes) => nodes.iter().for_each(|n| collect_variables(n, out)),
        JsonNode::Object(nodes) => nodes.iter().for_each(|(k, v)| {
            collect_variables(k, out);
            collect_variables(v, out);
        }),
    }
}

fn render_node(node: &JsonNode, scope: &Scope<'_>, out: &mut Vec<u8>) -> Result<(), EvalError> {
    match node {
        JsonNode::Static(json) => out.extend_from_slice(json.as_bytes()),
        JsonNode::Text(template) => {
            let text = template.render(scope)?;
            write_json(out, &text)?;
        }
        JsonNode::Typed(template) => {
            let code = template
                .single_code()
                .ok_or_else(|| EvalError("internal: not one expression".into()))?;
            let value = code.eval(scope, None)?;
            write_json(out, &value).map_err(|e| {
                EvalError(format!("`{}` has no JSON form: {}", template.source(), e.0))
            })?;
        }
        JsonNode::Array(nodes) => {
            out.push(b'[');
            for (i, item) in nodes.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                render_node(item, scope, out)?;
            }
            out.push(b']');
        }
        JsonNode::Object(nodes) => {
            out.push(b'{');
            for (i, (key, item)) in nodes.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                render_node(key, scope, out)?;
                out.push(b':');
                render_node(item, scope, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), EvalError> {
    serde_json::to_writer(out, value).map_err(|e| EvalError(e.to_string()))
}
