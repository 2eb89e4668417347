//! Located errors and warnings: every message names the file, line and
//! column and carries the source so it can be shown with a snippet, either
//! plainly (`path:line:col: error: message` and the line, for logs and
//! non-terminals) or through `miette` (for the CLI on a terminal).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{LabeledSpan, NamedSource, SourceCode};

use crate::raw::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The scenario's text and name, shared by all its diagnostics.
#[derive(Debug)]
struct Source {
    path: PathBuf,
    named: NamedSource<String>,
}

/// One located problem in a scenario file.
#[derive(Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// 1-based line and column (column in characters); 0 when the problem
    /// has no place in the file (e.g. an unreadable file).
    pub line: usize,
    pub column: usize,
    /// Byte range in the source that the problem is about.
    pub offset: usize,
    pub len: usize,
    source: Arc<Source>,
}

impl fmt::Debug for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diagnostic")
            .field("severity", &self.severity)
            .field("message", &self.message)
            .field("path", &self.source.path)
            .field("line", &self.line)
            .field("column", &self.column)
            .finish()
    }
}

impl Diagnostic {
    /// The scenario file the problem is in.
    pub fn path(&self) -> &Path {
        &self.source.path
    }

    fn text(&self) -> &str {
        self.source.named.inner()
    }

    /// This diagnostic for miette's handlers.
    pub fn fancy(&self) -> Fancy<'_> {
        Fancy(self)
    }

    /// The source line the problem is on, without its line break.
    pub fn source_line(&self) -> Option<&str> {
        if self.line == 0 {
            return None;
        }
        self.text().lines().nth(self.line - 1)
    }
}

/// Characters of a source line shown on each side of the column: a 50 MB
/// line must not become a 50 MB message.
const SNIPPET_SIDE: usize = 60;
/// Longest message shown, in characters (a message may quote the file).
const MESSAGE_MAX: usize = 2000;

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.source.path.display();
        let message = shown(&self.message, MESSAGE_MAX);
        if self.line == 0 {
            return write!(f, "{path}: {}: {message}", self.severity.as_str());
        }
        write!(
            f,
            "{path}:{}:{}: {}: {message}",
            self.line,
            self.column,
            self.severity.as_str(),
        )?;
        if let Some(line) = self.source_line() {
            let gutter = " ".repeat(self.line.to_string().len());
            let column = self.column.saturating_sub(1);
            // Underline the span on this line only, at least one caret.
            let width = self
                .text()
                .get(self.offset..self.offset + self.len)
                .map_or(1, |s| {
                    s.lines().next().map_or(1, |first| first.chars().count())
                });
            let (snippet, start, width) = window(line, column, width);
            write!(
                f,
                "\n{gutter} |\n{} | {snippet}\n{gutter} | {}{}",
                self.line,
                " ".repeat(start),
                "^".repeat(width)
            )?;
        }
        Ok(())
    }
}

/// At most `max` characters of `text`, control characters (which could
/// drive the terminal) shown as `\u{..}`.
fn shown(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() && c != '\n' {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// The part of `line` around character `column`, cut with `…` on a side
/// that goes on; returns it, the caret's column in it, and the caret
/// width (at least 1, within the part shown). Control characters become
/// `�`, one character each, so the caret stays in place (a tab is kept).
fn window(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let first = column.saturating_sub(SNIPPET_SIDE);
    let last = column.saturating_add(SNIPPET_SIDE);
    let mut out = String::new();
    if first > 0 {
        out.push('…');
    }
    let mut count: usize = 0;
    let mut more = false;
    for (i, c) in line.chars().enumerate().skip(first) {
        if i >= last {
            more = true;
            break;
        }
        out.push(if c.is_control() && c != '\t' {
            '\u{fffd}'
        } else {
            c
        });
        count += 1;
    }
    if more {
        out.push('…');
    }
    let start = column - first + usize::from(first > 0);
    let rest = count.saturating_sub(column - first);
    (out, start, width.clamp(1, rest.max(1)))
}

impl std::error::Error for Diagnostic {}

/// Every error found in a scenario (and the warnings found with them).
#[derive(Debug, Clone)]
pub struct Diagnostics {
    /// In the order found, which follows the file top to bottom for most.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Through `miette::Report::new(diagnostics)` the plain text is shown as
/// is; for snippets drawn by miette, render [`Diagnostics::render_fancy`]
/// or each item's [`Diagnostic::fancy`].
impl miette::Diagnostic for Diagnostics {}

impl Diagnostics {
    /// Every item drawn by miette's graphical handler (source frame,
    /// underline), errors and warnings alike; `color` for terminals.
    pub fn render_fancy(&self, color: bool) -> String {
        let theme = if color {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        };
        let handler = miette::GraphicalReportHandler::new_themed(theme);
        let mut out = String::new();
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            // miette draws whole lines as they are: a very long one (or
            // message), or one holding a control character, is shown in
            // the plain form, which cuts and escapes.
            let unsafe_text = |text: &str| text.chars().any(|c| c.is_control() && c != '\t');
            let plain = item.message.len() > MESSAGE_MAX
                || unsafe_text(&item.message)
                || item
                    .source_line()
                    .is_some_and(|line| line.len() > 2 * SNIPPET_SIDE + 40 || unsafe_text(line));
            if plain {
                out.push_str(&item.to_string());
                out.push('\n');
                continue;
            }
            // Writing to a String cannot fail; a handler error would only
            // lose the drawing, so fall back to the plain form.
            if handler.render_report(&mut out, &item.fancy()).is_err() {
                out.push_str(&item.to_string());
                out.push('\n');
            }
        }
        out
    }
}

/// A [`Diagnostic`] as a `miette::Diagnostic`: the message alone as its
/// text, the location and snippet drawn by miette from the source.
#[derive(Debug)]
pub struct Fancy<'a>(&'a Diagnostic);

impl fmt::Display for Fancy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Fancy<'_> {}

impl miette::Diagnostic for Fancy<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.0.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.0.source.named)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.0.line == 0 {
            return None;
        }
        let span = LabeledSpan::new_with_span(None, (self.0.offset, self.0.len));
        Some(Box::new(std::iter::once(span)))
    }
}

/// Collects diagnostics for one source file.
#[derive(Debug)]
pub(crate) struct Sink {
    source: Arc<Source>,
    pub(crate) items: Vec<Diagnostic>,
}

impl Sink {
    pub(crate) fn new(path: &Path, text: &str) -> Self {
        Sink {
            source: Arc::new(Source {
                path: path.to_owned(),
                named: NamedSource::new(path.display().to_string(), text.to_owned()),
            }),
            items: Vec::new(),
        }
    }

    pub(crate) fn text(&self) -> &str {
        self.source.named.inner()
    }

    pub(crate) fn push(&mut self, severity: Severity, span: Span, message: String) {
        self.items.push(Diagnostic {
            severity,
            message,
            line: span.line,
            column: span.column,
            offset: span.offset,
            len: span.len,
            source: Arc::clone(&self.source),
        });
    }

    pub(crate) fn error(&mut self, span: Span, message: impl Into<String>) {
        self.push(Severity::Error, span, message.into());
    }

    pub(crate) fn warning(&mut self, span: Span, message: impl Into<String>) {
        self.push(Severity::Warning, span, message.into());
    }

    /// A span for a byte offset in the source (line and column computed).
    pub(crate) fn span_at(&self, offset: usize, len: usize) -> Span {
        let text = self.text();
        let offset = offset.min(text.len());
        let offset = (0..=offset)
            .rev()
            .find(|&o| text.is_char_boundary(o))
            .unwrap_or(0);
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Span {
            offset,
            len,
            line,
            column,
        }
    }

    /// A one-character span at a 1-based line and column (in characters),
    /// clamped to the text.
    pub(crate) fn span_at_line(&self, line: usize, column: usize) -> Span {
        let text = self.text();
        let mut offset = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                let within: usize = l
                    .chars()
                    .take(column.saturating_sub(1))
                    .map(char::len_utf8)
                    .sum();
                return self.span_at(offset + within, 1);
            }
            offset += l.len();
        }
        self.span_at(text.len(), 1)
    }
}
