//! The users service: creates and shows users, logs them in with a
//! session cookie, and tells who the cookie belongs to.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use serde_json::json;

use super::lock;
use crate::error::ApiError;
use crate::input;
use crate::service::{self, Shared};

/// The cookie that carries a session token.
const SESSION_COOKIE: &str = "session";

#[derive(Debug, Default)]
struct Store {
    next_id: AtomicU64,
    /// id → username. Usernames need not be unique: the article's journey
    /// creates "testuser" over and over.
    users: Mutex<HashMap<u64, String>>,
    /// session token → username.
    sessions: Mutex<HashMap<String, String>>,
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let routes = Router::new()
        .route("/users", post(create))
        .route("/users/{id}", get(show))
        .route("/login", post(login))
        .route("/me", get(me))
        .with_state(Arc::new(Store::default()));
    service::finish(routes, shared)
}

/// `POST /users {"username"}` → `201 {"id", "username"}`.
async fn create(State(store): State<Arc<Store>>, body: Bytes) -> Result<Response, ApiError> {
    let body = input::json_object(&body)?;
    let username = input::text_field(&body, "username")?.to_owned();
    let id = store.next_id.fetch_add(1, Ordering::Relaxed) + 1;
    lock(&store.users).insert(id, username.clone());
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "username": username })),
    )
        .into_response())
}

/// `GET /users/{id}` → `{"id", "username"}`, or 404.
async fn show(
    State(store): State<Arc<Store>>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = input::path_id(&id, "user")?;
    let username = lock(&store.users).get(&id).cloned();
    match username {
        Some(username) => Ok(Json(json!({ "id": id, "username": username }))),
        None => Err(ApiError::not_found(format!("no user {id}"))),
    }
}

/// `POST /login {"username"}` (JSON, or a form as a browser sends it) →
/// 200 and a `session` cookie.
async fn login(
    State(store): State<Arc<Store>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let username = if is_form {
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
            .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "malformed form"))?;
        fields
            .into_iter()
            .find(|(name, _)| name == "username")
            .map(|(_, value)| value)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "`username` is required"))?
    } else {
        let body = input::json_object(&body)?;
        input::text_field(&body, "username")?.to_owned()
    };
    let token = format!("{:032x}", fastrand::u128(..));
    lock(&store.sessions).insert(token.clone(), username.clone());
    let cookie = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly");
    let cookie = HeaderValue::from_str(&cookie)
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "bad cookie"))?;
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(json!({ "username": username })),
    )
        .into_response())
}

/// `GET /me` → `{"username"}` with a valid session cookie, else 401.
async fn me(
    State(store): State<Arc<Store>>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let unauthorized = || ApiError::new(StatusCode::UNAUTHORIZED, "no valid session cookie");
    let token = session_token(&headers).ok_or_else(unauthorized)?;
    let username = lock(&store.sessions).get(token).cloned();
    let username = username.ok_or_else(unauthorized)?;
    Ok(Json(json!({ "username": username })))
}

/// The `session` value from the Cookie header(s), if any.
fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; session=abc; x=1"),
        );
        assert_eq!(session_token(&headers), Some("abc"));
        headers.insert(header::COOKIE, HeaderValue::from_static("sessionx=1"));
        assert_eq!(session_token(&headers), None);
    }
}
