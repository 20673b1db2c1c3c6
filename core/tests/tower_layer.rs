//! The tower layer and the axum example, over real loopback HTTP.

#[path = "../../examples/axum.rs"]
#[allow(dead_code, unreachable_pub)]
mod example;

use std::net::SocketAddr;

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use unicors::Policy;
use unicors::tower::CorsLayer;

/// A response as read off the socket: status and header lines in order.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn one(&self, name: &str) -> Option<&str> {
        let all = self.all(name);
        assert!(all.len() <= 1, "{name} sent {} times: {all:?}", all.len());
        all.first().copied()
    }
}

async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("server runs") });
    addr
}

/// Sends raw header lines (so tests control case, repetition and bytes).
async fn send(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .await
        .expect("write request");
    let mut raw = String::new();
    stream
        .read_to_string(&mut raw)
        .await
        .expect("read response");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete response");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

fn example_policy() -> Policy {
    Policy::from_toml(example::POLICY).expect("the example policy builds")
}

const VARY_PREFLIGHT: &str =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

#[tokio::test]
async fn example_app_answers_preflights_and_decorates_responses() {
    let addr = serve(example::app(example_policy())).await;

    let preflight = send(
        addr,
        "OPTIONS",
        "/api/items",
        &[
            ("Origin", "https://app.example.com"),
            ("Access-Control-Request-Method", "PUT"),
            (
                "Access-Control-Request-Headers",
                "content-type,x-request-id",
            ),
        ],
    )
    .await;
    assert_eq!(preflight.status, 204);
    assert_eq!(
        preflight.one("access-control-allow-origin"),
        Some("https://app.example.com")
    );
    assert_eq!(
        preflight.one("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(preflight.one("access-control-allow-methods"), Some("PUT"));
    assert_eq!(
        preflight.one("access-control-allow-headers"),
        Some("content-type,x-request-id")
    );
    assert_eq!(preflight.one("access-control-max-age"), Some("600"));
    assert_eq!(preflight.all("vary"), vec![VARY_PREFLIGHT]);
    assert!(preflight.body.is_empty());

    let rejected = send(
        addr,
        "OPTIONS",
        "/api/items",
        &[
            ("Origin", "https://app.example.com"),
            ("Access-Control-Request-Method", "patch"),
        ],
    )
    .await;
    assert_eq!(rejected.status, 403);
    assert_eq!(rejected.one("access-control-allow-origin"), None);
    assert_eq!(rejected.all("vary"), vec![VARY_PREFLIGHT]);

    let actual = send(
        addr,
        "GET",
        "/api/items",
        &[("Origin", "https://pr-9.preview.example.com")],
    )
    .await;
    assert_eq!(actual.status, 200);
    assert_eq!(actual.body, "[\"apple\", \"pear\"]");
    assert_eq!(
        actual.one("access-control-allow-origin"),
        Some("https://pr-9.preview.example.com")
    );
    assert_eq!(
        actual.one("access-control-expose-headers"),
        Some("x-request-id")
    );
    assert_eq!(
        actual.all("vary"),
        vec!["Accept-Encoding", "Origin"],
        "the app's Vary is kept, ours appended"
    );

    let foreign = send(
        addr,
        "GET",
        "/api/items",
        &[("Origin", "https://evil.example")],
    )
    .await;
    assert_eq!(
        foreign.status, 200,
        "a rejected actual request still reaches the app"
    );
    assert_eq!(foreign.one("access-control-allow-origin"), None);
    assert_eq!(foreign.all("vary"), vec!["Accept-Encoding", "Origin"]);

    let options_route = send(
        addr,
        "OPTIONS",
        "/api/items",
        &[("Origin", "https://app.example.com")],
    )
    .await;
    assert_eq!(
        options_route.status, 200,
        "OPTIONS without ACRM is not a preflight"
    );
    assert_eq!(options_route.one("allow"), Some("GET, PUT, OPTIONS"));
    assert_eq!(
        options_route.one("access-control-allow-origin"),
        Some("https://app.example.com")
    );

    let public = send(addr, "GET", "/public/status", &[]).await;
    assert_eq!(public.one("access-control-allow-origin"), Some("*"));
    assert!(public.all("vary").is_empty());

    let twice = send(
        addr,
        "GET",
        "/api/items",
        &[
            ("Origin", "https://app.example.com"),
            ("origin", "https://app.example.com"),
        ],
    )
    .await;
    assert_eq!(
        twice.one("access-control-allow-origin"),
        None,
        "two Origin lines are malformed"
    );
}

#[tokio::test]
async fn layer_replaces_cors_headers_the_app_set() {
    let policy =
        Policy::from_toml("allow_origins = [\"https://a.example\"]\nallow_credentials = true")
            .expect("valid policy");
    let app = Router::new()
        .route(
            "/",
            get(|| async {
                let mut headers = HeaderMap::new();
                headers.append("access-control-allow-origin", "*".parse().expect("static"));
                headers.append(
                    "access-control-allow-origin",
                    "https://other.example".parse().expect("static"),
                );
                headers.append(
                    "access-control-allow-credentials",
                    "false".parse().expect("static"),
                );
                headers.append("vary", "origin".parse().expect("static"));
                (headers, "body")
            }),
        )
        .layer(CorsLayer::new(policy));
    let addr = serve(app).await;
    let reply = send(addr, "GET", "/", &[("Origin", "https://a.example")]).await;
    assert_eq!(
        reply.one("access-control-allow-origin"),
        Some("https://a.example")
    );
    assert_eq!(reply.one("access-control-allow-credentials"), Some("true"));
    assert_eq!(
        reply.all("vary"),
        vec!["origin"],
        "Origin is already listed, so it is not added twice"
    );
}
