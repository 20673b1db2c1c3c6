//! An axum server with unicors in front, where tower-http's `CorsLayer`
//! would go:
//!
//! ```text
//! cargo run -p unicors --features tower --example axum            # 127.0.0.1:3000
//! cargo run -p unicors --features tower --example axum -- 8080    # another port
//! curl -si -X OPTIONS localhost:3000/api/items -H 'Origin: https://app.example.com' \
//!      -H 'Access-Control-Request-Method: PUT'
//! ```

#![allow(clippy::print_stdout)]

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::get;
use unicors::Policy;
use unicors::tower::CorsLayer;

/// The example policy every surface ships.
pub const POLICY: &str = include_str!("policy.toml");

/// The app: a small API with the CORS layer in front of everything (it
/// must run before authentication and routing, so it goes outermost).
pub fn app(policy: Policy) -> Router {
    Router::new()
        .route(
            "/api/items",
            get(list_items).put(replace_items).options(describe_items),
        )
        .route("/public/status", get(|| async { "ok" }))
        .layer(CorsLayer::new(policy))
}

async fn list_items() -> (HeaderMap, &'static str) {
    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", "req-1".parse().expect("static value"));
    headers.insert(
        header::VARY,
        "Accept-Encoding".parse().expect("static value"),
    );
    (headers, "[\"apple\", \"pear\"]")
}

async fn replace_items() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// An OPTIONS route of the app: still reachable by requests that are not
/// preflights.
async fn describe_items() -> (HeaderMap, &'static str) {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::ALLOW,
        "GET, PUT, OPTIONS".parse().expect("static value"),
    );
    (headers, "items: GET lists, PUT replaces")
}

#[allow(dead_code)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or_else(|| "3000".to_owned());
    let policy = Policy::from_toml(POLICY).map_err(std::io::Error::other)?;
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(policy)).await
}
