//! `data:`: feeders whose rows are read from CSV files at compile time.
//! Paths are relative to the scenario file's folder.

use std::sync::Arc;

use super::Ctx;
use crate::input_file::{self, MAX_DATA_BYTES};
use crate::plan::{DataOrder, DataSource, Exhausted};
use crate::raw::Node;
use crate::value::Value;

pub(crate) const KEYS: &[&str] = &["csv", "order", "on_exhausted"];

pub(crate) fn compile(ctx: &mut Ctx, node: &Node) -> Vec<DataSource> {
    let Some(entries) = ctx.entries(node, "`data`") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, key, value) in entries {
        if crate::scope::BUILTIN_NAMES.contains(&name) {
            ctx.sink.error(
                key.span,
                format!("`{name}` is a built-in name; call the data source something else"),
            );
            continue;
        }
        if let Some(source) = one(ctx, name, value) {
            ctx.data_names.insert(name.to_owned(), out.len());
            out.push(source);
        } else {
            ctx.failed_data.insert(name.to_owned());
        }
    }
    out
}

fn one(ctx: &mut Ctx, name: &str, node: &Node) -> Option<DataSource> {
    let f = ctx.map(node, &format!("data source `{name}`"), KEYS)?;
    let order = match f.get("order") {
        Some(n) => match ctx.word(n, "`order`", &["sequential", "random", "unique"])? {
            "random" => DataOrder::Random,
            "unique" => DataOrder::Unique,
            _ => DataOrder::Sequential,
        },
        None => DataOrder::Sequential,
    };
    let on_exhausted = match f.get("on_exhausted") {
        Some(n) => match ctx.word(n, "`on_exhausted`", &["stop", "error"])? {
            "error" => Exhausted::Error,
            _ => Exhausted::Stop,
        },
        None => Exhausted::Stop,
    };
    let Some(file_node) = f.get("csv") else {
        ctx.sink
            .error(f.span, format!("data source `{name}` needs a `csv` file"));
        return None;
    };
    let file = ctx.string(file_node, "`csv`")?;
    let path = ctx.dir.join(file);
    let (columns, rows) = match read_csv(&path) {
        Ok(read) => read,
        Err(message) => {
            ctx.sink.error(
                file_node.span,
                format!("data file `{}`: {message}", path.display()),
            );
            return None;
        }
    };
    if rows.is_empty() {
        ctx.sink.error(
            file_node.span,
            format!("data file `{}` has no rows", path.display()),
        );
        return None;
    }
    ctx.data_columns.insert(name.to_owned(), columns);
    Some(DataSource {
        name: name.to_owned(),
        rows: rows.into(),
        order,
        on_exhausted,
    })
}

/// The columns (header line) and rows of a CSV file; each row a map
/// column → text. Only a regular file of at most [`MAX_DATA_BYTES`] is read.
fn read_csv(path: &std::path::Path) -> Result<(Vec<String>, Vec<Value>), String> {
    let file = input_file::open(path, MAX_DATA_BYTES).map_err(|e| e.to_string())?;
    let mut reader = csv::Reader::from_reader(file);
    let headers: Vec<Arc<str>> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(Arc::from)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let row: serde_json::Map<String, serde_json::Value> = headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_string(), serde_json::Value::String(v.to_owned())))
            .collect();
        rows.push(crate::value::from_json(&serde_json::Value::Object(row)));
    }
    Ok((headers.iter().map(|h| h.to_string()).collect(), rows))
}
