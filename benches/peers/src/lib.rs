//! The workload of peer-bench.md as `http` requests, and each CORS layer
//! under test configured for its policy: three origins, GET/POST/PUT/
//! DELETE/PATCH, `content-type, authorization, x-request-id`, expose
//! `x-request-id`, credentials, max-age 600.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use http::{HeaderName, HeaderValue, Method, Request};

/// The origins, methods and request headers the policy allows.
pub const ORIGINS: [&str; 3] = [
    "https://app.example.com",
    "https://admin.example.com",
    "http://localhost:3000",
];
/// The allowed methods.
pub const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];
/// The allowed request headers.
pub const HEADERS: [&str; 3] = ["content-type", "authorization", "x-request-id"];

/// The ten ordinary headers a browser sends.
pub const BROWSER: [(&str, &str); 10] = [
    ("host", "api.example.com"),
    ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"),
    ("accept", "*/*"),
    ("accept-language", "en-US,en;q=0.9"),
    ("accept-encoding", "gzip, deflate, br"),
    ("referer", "https://app.example.com/page"),
    ("sec-fetch-mode", "cors"),
    ("sec-fetch-site", "cross-site"),
    ("sec-fetch-dest", "empty"),
    ("connection", "keep-alive"),
];

/// The five kinds of peer-bench.md: (letter, method, CORS header lines).
pub fn kinds() -> Vec<(&'static str, &'static str, Vec<(&'static str, String)>)> {
    let hostile: String = "a,,,b,,,c,,,d,".repeat(293)[..4093].to_owned();
    let preflight = |acrh: String| {
        vec![
            ("origin", "https://admin.example.com".to_owned()),
            ("access-control-request-method", "PUT".to_owned()),
            ("access-control-request-headers", acrh),
        ]
    };
    vec![
        (
            "a",
            "OPTIONS",
            preflight("content-type,x-request-id".to_owned()),
        ),
        (
            "b",
            "GET",
            vec![("origin", "https://app.example.com".to_owned())],
        ),
        (
            "c",
            "GET",
            vec![("origin", "https://evil.example.net".to_owned())],
        ),
        ("d", "GET", vec![]),
        ("e", "OPTIONS", preflight(hostile)),
    ]
}

/// An `http` request of one kind (browser headers, then the CORS ones).
pub fn request(method: &str, cors: &[(&'static str, String)]) -> Request<()> {
    let mut request = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).expect("a method"))
        .uri("/api/items")
        .body(())
        .expect("a request");
    let headers = request.headers_mut();
    for (name, value) in BROWSER
        .iter()
        .map(|(n, v)| (*n, (*v).to_owned()))
        .chain(cors.iter().cloned())
    {
        headers.append(
            HeaderName::from_static(name),
            HeaderValue::from_str(&value).expect("a value"),
        );
    }
    request
}

/// tower-http's `CorsLayer` for the policy.
pub fn tower_http_layer() -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer, ExposeHeaders};
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(
            ORIGINS.map(|o| HeaderValue::from_static(o)),
        ))
        .allow_methods(AllowMethods::list(
            METHODS.map(|m| Method::from_bytes(m.as_bytes()).expect("a method")),
        ))
        .allow_headers(AllowHeaders::list(HEADERS.map(HeaderName::from_static)))
        .expose_headers(ExposeHeaders::list([HeaderName::from_static(
            "x-request-id",
        )]))
        .allow_credentials(true)
        .max_age(std::time::Duration::from_secs(600))
}

/// unicors's policy for the same workload.
pub fn unicors_policy() -> unicors::Policy {
    unicors::Policy::from_toml(
        r#"allow_origins = ["https://app.example.com", "https://admin.example.com", "http://localhost:3000"]
           allow_methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
           allow_headers = ["content-type", "authorization", "x-request-id"]
           expose_headers = ["x-request-id"]
           allow_credentials = true
           max_age = 600"#,
    )
    .expect("a valid policy")
}

/// actix-cors for the policy.
pub fn actix_cors() -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(METHODS)
        .allowed_headers(HEADERS)
        .expose_headers(["x-request-id"])
        .supports_credentials()
        .max_age(600);
    for origin in ORIGINS {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Polls a future that completes without waiting (the services here never
/// wait), so the measurement holds no executor.
pub fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the service waited"),
    }
}
