//! The products service: a fixed catalogue, listed by category and looked
//! up by id or by name.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::service::{self, Shared};

/// One catalogue entry.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Product {
    pub(crate) id: u64,
    pub(crate) name: &'static str,
    pub(crate) category: &'static str,
    pub(crate) price: f64,
}

const fn product(id: u64, name: &'static str, category: &'static str, price: f64) -> Product {
    Product {
        id,
        name,
        category,
        price,
    }
}

/// The catalogue. "widget" is what the article's Locust journey orders.
pub(crate) const CATALOGUE: [Product; 10] = [
    product(1, "widget", "gadgets", 10.0),
    product(2, "gizmo", "gadgets", 15.5),
    product(3, "laptop", "electronics", 999.0),
    product(4, "phone", "electronics", 599.0),
    product(5, "headphones", "electronics", 79.9),
    product(6, "monitor", "electronics", 249.0),
    product(7, "kettle", "home", 29.0),
    product(8, "lamp", "home", 19.5),
    product(9, "novel", "books", 12.0),
    product(10, "cookbook", "books", 24.0),
];

/// A product by numeric id or by exact name.
pub(crate) fn find(key: &str) -> Option<&'static Product> {
    match key.parse::<u64>() {
        Ok(id) => CATALOGUE.iter().find(|p| p.id == id),
        Err(_) => CATALOGUE.iter().find(|p| p.name == key),
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let routes = Router::new()
        .route("/products", get(list))
        .route("/products/{id}", get(show));
    service::finish(routes, shared)
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    category: Option<String>,
}

/// `GET /products?category=...`: the matching products (all without a
/// category; an empty list for an unknown one).
async fn list(
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Vec<Product>>, ApiError> {
    let Query(query) = query.map_err(|err| ApiError::bad_request(err.body_text()))?;
    let category = query.category;
    let products = CATALOGUE
        .iter()
        .filter(|p| category.as_deref().is_none_or(|c| p.category == c))
        .copied()
        .collect();
    Ok(Json(products))
}

/// `GET /products/{id}`: one product by id or name.
async fn show(Path(key): Path<String>) -> Result<Json<Product>, ApiError> {
    find(&key)
        .copied()
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no product {key:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_id_and_name() {
        assert_eq!(find("widget").map(|p| p.id), Some(1));
        assert_eq!(find("3").map(|p| p.name), Some("laptop"));
        assert!(find("unicorn").is_none());
        assert!(find("999").is_none());
    }

    #[test]
    fn catalogue_ids_are_unique_and_electronics_exist() {
        let mut ids: Vec<u64> = CATALOGUE.iter().map(|p| p.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), CATALOGUE.len());
        assert!(CATALOGUE.iter().any(|p| p.category == "electronics"));
    }
}
