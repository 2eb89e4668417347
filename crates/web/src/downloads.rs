//! The current or last run's files, made from its `Summary` when asked,
//! by the report crate's own writers: the results JSON (`starling report`
//! and `merge` read it), each CSV file, and the HTML report.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use starling_metrics::Summary;
use starling_report::{CSV_FILES, CsvFile, HtmlHeader, render_html, write_json};

use crate::app::App;
use crate::error::ApiError;

/// One file that can be downloaded.
#[derive(Debug, Clone, Copy)]
enum File {
    Results,
    Report,
    Csv(&'static CsvFile),
}

/// A download as the page lists it.
#[derive(Debug, Serialize)]
pub(crate) struct Listed {
    /// The last part of its URL, `/api/download/{name}`.
    name: String,
    label: String,
}

impl File {
    fn all() -> impl Iterator<Item = File> {
        [File::Results, File::Report]
            .into_iter()
            .chain(CSV_FILES.iter().map(File::Csv))
    }

    /// `results.json`, `report.html`, `stats.csv`, ...
    fn name(self) -> String {
        match self {
            File::Results => "results.json".into(),
            File::Report => "report.html".into(),
            File::Csv(csv) => csv.suffix().trim_start_matches('_').into(),
        }
    }

    fn label(self) -> String {
        match self {
            File::Results => "results (JSON)".into(),
            File::Report => "HTML report".into(),
            File::Csv(_) => self.name(),
        }
    }

    /// What the browser saves it as: Locust's CSV names under the prefix
    /// `starling`.
    fn file_name(self) -> String {
        match self {
            File::Results => "starling-results.json".into(),
            File::Report => "starling-report.html".into(),
            File::Csv(csv) => format!("starling{}", csv.suffix()),
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            File::Results => "application/json",
            File::Report => "text/html; charset=utf-8",
            File::Csv(_) => "text/csv; charset=utf-8",
        }
    }

    fn parse(name: &str) -> Option<File> {
        File::all().find(|file| file.name() == name)
    }

    fn render(self, summary: &Summary) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        match self {
            File::Results => write_json(summary, &mut out)?,
            File::Report => {
                out = render_html(&[summary], &HtmlHeader::of(summary)).into_bytes();
            }
            File::Csv(csv) => csv.write(summary, &mut out)?,
        }
        Ok(out)
    }
}

/// The downloads there are: every file once a run has results, else none.
pub(crate) fn list(have_results: bool) -> Vec<Listed> {
    if !have_results {
        return Vec::new();
    }
    File::all()
        .map(|file| Listed {
            name: file.name(),
            label: file.label(),
        })
        .collect()
}

/// `GET /api/download/{name}`.
pub(crate) async fn download(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let file = File::parse(&name).ok_or_else(|| {
        let names: Vec<String> = File::all().map(File::name).collect();
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no download `{name}`; there are {}", names.join(", ")),
        )
    })?;
    let summary = app.board.latest().live.results.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no results yet: start a run, and its results can be downloaded from its first second on",
        )
    })?;
    let rendered = tokio::task::spawn_blocking(move || file.render(&summary)).await;
    let body = match rendered {
        Ok(Ok(body)) => body,
        Ok(Err(e)) => {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("could not write {}: {e}", file.name()),
            ));
        }
        Err(_) => {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("writing {} failed inside starling", file.name()),
            ));
        }
    };
    let disposition = format!("attachment; filename=\"{}\"", file.file_name());
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_has_a_name_that_finds_it_again() {
        let names: Vec<String> = File::all().map(File::name).collect();
        assert_eq!(names.len(), 2 + CSV_FILES.len());
        assert!(names.contains(&"stats.csv".to_owned()), "{names:?}");
        assert!(names.contains(&"stats_history.csv".to_owned()), "{names:?}");
        for name in &names {
            assert_eq!(&File::parse(name).unwrap().name(), name);
        }
        assert!(File::parse("../etc/passwd").is_none());
        assert_eq!(
            File::parse("stats.csv").unwrap().file_name(),
            "starling_stats.csv"
        );
        assert!(list(false).is_empty());
        assert_eq!(list(true).len(), names.len());
    }
}
