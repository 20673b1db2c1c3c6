//! unicors next to tower-http and actix-cors on the workload of
//! peer-bench.md, in one process (docs/benchmarks.md, `benches/all.sh`).
//! Per kind `<letter>`: `unicors_core` (`Policy::evaluate` from the request's
//! `HeaderMap`), `unicors_tower` and `tower_http` (each layer around the
//! same trivial service, `HeaderMap` in, response out), `tower_bare` (the
//! service alone); `actix_cors` and `actix_bare` (an actix-web app with and
//! without the middleware, `call_service`). A layer's cost is its time
//! minus its bare row.

use std::hint::black_box;
use std::time::Duration;

use actix_web::{App, HttpResponse, test, web};
use criterion::Criterion;
use http::{Request, Response};
use tower::{Layer, Service, service_fn};
use unicors_peer_benches::{actix_cors, kinds, ready, request, tower_http_layer, unicors_policy};

type Body = ();

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .without_plots()
        .configure_from_args();
    let policy = unicors_policy();
    let inner = || {
        service_fn(|_req: Request<Body>| async {
            Ok::<_, std::convert::Infallible>(Response::new(Body::default()))
        })
    };
    let runtime = actix_rt::Runtime::new().expect("a runtime");
    let actix_bare = runtime.block_on(test::init_service(
        App::new().default_service(web::to(HttpResponse::Ok)),
    ));
    let actix_with = runtime.block_on(test::init_service(
        App::new()
            .wrap(actix_cors())
            .default_service(web::to(HttpResponse::Ok)),
    ));

    for (letter, method, cors) in kinds() {
        let mut group = criterion.benchmark_group(letter);
        let template = request(method, &cors);
        let fresh = || {
            let mut r = Request::new(());
            *r.method_mut() = template.method().clone();
            *r.uri_mut() = template.uri().clone();
            *r.headers_mut() = template.headers().clone();
            r
        };
        group.bench_function("unicors_core", |b| {
            let lines: Vec<(&[u8], &[u8])> = template
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str().as_bytes(), v.as_bytes()))
                .collect();
            b.iter(|| {
                black_box(&policy).evaluate(unicors::Request::new(
                    black_box(method.as_bytes()),
                    black_box(&lines),
                ))
            })
        });
        let mut bare = inner();
        group.bench_function("tower_bare", |b| {
            b.iter(|| ready(bare.call(black_box(fresh()))))
        });
        let mut ours = unicors::tower::CorsLayer::new(unicors_policy()).layer(inner());
        group.bench_function("unicors_tower", |b| {
            b.iter(|| ready(ours.call(black_box(fresh()))))
        });
        let mut theirs = tower_http_layer().layer(inner());
        group.bench_function("tower_http", |b| {
            b.iter(|| ready(theirs.call(black_box(fresh()))))
        });
        let actix_request = || {
            let mut r = test::TestRequest::default()
                .method(actix_web::http::Method::from_bytes(method.as_bytes()).expect("a method"))
                .uri("/api/items");
            for (name, value) in template.headers() {
                r = r.insert_header((name.as_str(), value.to_str().expect("ascii")));
            }
            r.to_request()
        };
        group.bench_function("actix_bare", |b| {
            b.iter(|| {
                runtime.block_on(test::try_call_service(
                    &actix_bare,
                    black_box(actix_request()),
                ))
            })
        });
        // A refused origin is an error from actix-cors: try_call_service keeps it.
        group.bench_function("actix_cors", |b| {
            b.iter(|| {
                runtime.block_on(test::try_call_service(
                    &actix_with,
                    black_box(actix_request()),
                ))
            })
        });
        group.finish();
    }
    criterion.final_summary();
}
