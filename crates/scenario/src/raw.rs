//! The raw form of a scenario: a YAML tree in which every node keeps its
//! source location. It is checked for shape only by `compile`, which walks it
//! by hand so that every error (not just the first) is reported with its
//! line, column and a did-you-mean suggestion for unknown keys.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// Where a node stands in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    /// Byte offset of the node's first character in the source.
    pub(crate) offset: usize,
    /// Byte length of the node's text (0 when unknown).
    pub(crate) len: usize,
    /// 1-based line.
    pub(crate) line: usize,
    /// 1-based column, in characters.
    pub(crate) column: usize,
}

/// A YAML node with its span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in file order; keys are nodes so a non-string key can be
    /// reported where it stands.
    Map(Vec<(Node, Node)>),
}

impl Kind {
    /// How the node reads in an error message ("found a list").
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Kind::Null => "nothing",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) => "a number",
            Kind::Float(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a map",
        }
    }
}

impl Node {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text, as a user would read it: strings as they are,
    /// numbers and booleans in their YAML spelling.
    pub(crate) fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Int(i) => Some(i.to_string()),
            Kind::Float(f) => Some(f.to_string()),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub(crate) fn describe(&self) -> &'static str {
        self.kind.describe()
    }
}

fn span_of(loc: &serde_saphyr::Location) -> Span {
    let s = loc.span();
    Span {
        offset: s
            .byte_offset()
            .map_or(0, |o| usize::try_from(o).unwrap_or(0)),
        len: s.byte_len().map_or(0, |l| usize::try_from(l).unwrap_or(0)),
        line: usize::try_from(loc.line()).unwrap_or(0),
        column: usize::try_from(loc.column()).unwrap_or(0),
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Kind>::deserialize(deserializer)?;
        Ok(Node {
            span: span_of(&spanned.referenced),
            kind: spanned.value,
        })
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor)
    }
}

struct KindVisitor;

impl<'de> Visitor<'de> for KindVisitor {
    type Value = Kind;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Kind, E> {
        Ok(Kind::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Kind, E> {
        Ok(Kind::Int(v))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Kind, E> {
        Ok(i64::try_from(v).map_or(Kind::Float(v as f64), Kind::Int))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Kind, E> {
        Ok(i64::try_from(v).map_or(Kind::Float(v as f64), Kind::Int))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Kind, E> {
        Ok(i64::try_from(v).map_or(Kind::Float(v as f64), Kind::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Kind, E> {
        Ok(Kind::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Kind, E> {
        Ok(Kind::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Kind, E> {
        Ok(Kind::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Kind, E> {
        Ok(Kind::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Kind, E> {
        Ok(Kind::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Kind, E> {
        Ok(Kind::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Kind, D::Error> {
        Kind::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Kind, D::Error> {
        Kind::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Kind::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            entries.push((k, v));
        }
        Ok(Kind::Map(entries))
    }
}

/// Reads the source into a tree, with input limits so that a huge or
/// deeply nested file fails with an error instead of exhausting memory.
pub(crate) fn parse(source: &str) -> Result<Node, serde_saphyr::Error> {
    let mut options = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 48;
    budget.max_nodes = 200_000;
    budget.max_total_scalar_bytes = 16 << 20;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_documents = 1;
    options.budget = Some(budget);
    options.strict_booleans = true;
    // A tag like `!foo` means nothing in a scenario; ignored, it would hide
    // a value that is not what the author meant.
    options.reject_unsupported_tags = true;
    serde_saphyr::from_str_with_options(source, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_values_and_keys() {
        let src = "a: 1\nb:\n  - x: \"q\"\n    y: [1, 2]\n";
        let node = parse(src).unwrap();
        let Kind::Map(entries) = &node.kind else {
            panic!("{node:?}")
        };
        assert_eq!(entries[0].0.span.line, 1);
        assert_eq!(entries[1].0.span.line, 2);
        let Kind::Seq(items) = &entries[1].1.kind else {
            panic!()
        };
        let Kind::Map(inner) = &items[0].kind else {
            panic!()
        };
        // A quoted scalar's span covers its quotes.
        let q = &inner[0].1;
        assert_eq!(
            (q.span.line, q.span.column, q.span.offset, q.span.len),
            (3, 8, 15, 3)
        );
        assert_eq!(&src[q.span.offset..q.span.offset + q.span.len], "\"q\"");
        assert_eq!(q.as_str(), Some("q"));
        let Kind::Seq(nums) = &inner[1].1.kind else {
            panic!()
        };
        assert_eq!(nums[1].kind, Kind::Int(2));
        assert_eq!(nums[1].span.column, 12);
    }

    #[test]
    fn yes_and_on_stay_strings() {
        let node = parse("a: yes\nb: on\nc: true\n").unwrap();
        let Kind::Map(entries) = &node.kind else {
            panic!()
        };
        assert_eq!(entries[0].1.kind, Kind::Str("yes".into()));
        assert_eq!(entries[1].1.kind, Kind::Str("on".into()));
        assert_eq!(entries[2].1.kind, Kind::Bool(true));
    }
}
