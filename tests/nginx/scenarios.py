"""One nginx for the module's interplay with the rest of nginx: error
statuses, error_page, upstream CORS headers (replace / keep), preflights
before access checks, preflight_continue, $unicors_decision /
$unicors_reason, merging with the upstream's Vary, SSI subrequests."""

import time

from harness import (FORGED_ORIGIN, HttpError, Nginx, Problems, acao, build_request, free_port,
                     get, nginx_conf, preflight, send_raw, upstream_server)

APP = "https://app.example"
EVIL = "https://evil.example"


def scenarios_setup(base, module):
    server = Nginx(base / "scenarios")
    up, port = free_port(), free_port()
    server.ports = [up, port]
    server.port = port
    html = server.prefix / "html"
    server.write("html/err.html", "custom error page\n")
    server.write("html/ssi/page.html",
                 'before <!--#include virtual="/ssi-target" --> after\n')
    server.write("conf/htpasswd", "user:{PLAIN}secret\n")
    proxy = f"proxy_pass http://127.0.0.1:{up};"
    server.write("conf/nginx.conf", nginx_conf(module, f"""\
    log_format cors '$unicors_decision $unicors_reason "$request"';

{upstream_server(up)}
    server {{
        listen 127.0.0.1:{port};
        root "{html}";
        access_log logs/cors.log cors;
        unicors on;
        unicors_allow_origins {APP};
        unicors_allow_methods PUT;

        location / {{ {proxy} }}
        location = /e500 {{ proxy_pass http://127.0.0.1:{up}/status/500; }}
        location = /e404 {{ proxy_pass http://127.0.0.1:{up}/status/404; }}
        location /static/ {{ }}
        location /ep/ {{ error_page 404 /err.html; }}
        location = /err.html {{ }}
        location = /forged {{ {proxy} }}
        location = /forged-keep {{
            unicors_upstream_headers keep;
            unicors_expose_headers x-total;
            proxy_pass http://127.0.0.1:{up}/forged;
        }}
        location /denied {{ deny all; {proxy} }}
        location /auth {{
            auth_basic "unicors test";
            auth_basic_user_file "{server.prefix}/conf/htpasswd";
            {proxy}
        }}
        location /continue {{ unicors_preflight_continue on; {proxy} }}
        location = /vary {{ {proxy} }}
        location = /vary-continue {{
            unicors_preflight_continue on;
            proxy_pass http://127.0.0.1:{up}/vary;
        }}
        location /ssi/ {{ ssi on; }}
        location = /ssi-target {{ {proxy} }}
    }}
"""))
    return server


def expect_allowed(p, r, label, count_vary=False):
    """Exactly one ACAO equal to APP and Origin in Vary (exactly once if
    count_vary)."""
    app = APP.encode()
    p.expect(acao(r) == [app], f"{label}: ACAO {acao(r)}, expected exactly [{app!r}]")
    vary = r.vary_names()
    if count_vary:
        p.expect(vary.count(b"origin") == 1,
                 f"{label}: Vary lines {r.values(b'vary')}, expected Origin exactly once")
    else:
        p.expect(b"origin" in vary, f"{label}: Vary lines {r.values(b'vary')}, expected Origin")


def run_error_statuses(port, results):
    p = Problems()
    for path, status in (("/e500", 500), ("/e404", 404), ("/static/missing.js", 404)):
        r = get(port, path, APP)
        p.expect(r.status == status, f"{path}: status {r.status}, expected {status}")
        expect_allowed(p, r, path)
    results.record("error statuses (500/404 from upstream, missing static file) carry ACAO + Vary", p)

    p = Problems()
    r = get(port, "/ep/missing.html", APP)
    p.expect(r.status == 404 and b"custom error page" in r.body,
             f"status {r.status}, body {r.body[:80]!r}; expected 404 with err.html")
    expect_allowed(p, r, "error_page", count_vary=True)
    results.record("error_page 404 redirect: exactly one ACAO, Vary once", p)


def run_upstream_headers(port, results):
    forged = FORGED_ORIGIN
    p = Problems()
    r = get(port, "/forged", APP)
    p.expect(r.has(b"x-upstream"), "the upstream was not reached")
    p.expect(acao(r) == [APP.encode()],
             f"allowed origin: ACAO {acao(r)}, expected only ours")
    r = get(port, "/forged", EVIL)
    p.expect(acao(r) == [], f"disallowed origin: ACAO {acao(r)}, expected none")
    results.record("upstream_headers replace: the upstream's forged ACAO is dropped", p)

    p = Problems()
    r = get(port, "/forged-keep", APP)
    p.expect(acao(r) == [forged], f"ACAO {acao(r)}, expected only the upstream's [{forged!r}]")
    expose = [v.lower() for v in r.values(b"access-control-expose-headers")]
    p.expect(expose == [b"x-total"],
             f"Access-Control-Expose-Headers {expose}, expected ours (the app did not set it)")
    p.expect(b"origin" in r.vary_names(), f"Vary lines {r.values(b'vary')}, expected Origin")
    results.record("upstream_headers keep: the upstream's ACAO stays, ours is skipped", p)


def run_access_checks(port, results):
    for path, denied_status, label in (("/denied", 403, "deny all"),
                                       ("/auth", 401, "auth_basic")):
        p = Problems()
        r = preflight(port, path, APP)
        p.expect(r.status == 204 and not r.has(b"x-upstream"),
                 f"preflight status {r.status}, expected 204 from nginx")
        p.expect(acao(r) == [APP.encode()], f"preflight ACAO {acao(r)}")
        p.expect(r.values(b"access-control-allow-methods") == [b"PUT"],
                 f"preflight ACAM {r.values(b'access-control-allow-methods')}, expected [b'PUT']")
        r = get(port, path, APP)
        p.expect(r.status == denied_status,
                 f"GET status {r.status}, expected {denied_status}")
        expect_allowed(p, r, f"GET ({denied_status})")
        results.record(f"preflight answered before access checks ({label})", p)


def run_preflight_continue(port, results):
    p = Problems()
    r = preflight(port, "/continue", APP)
    p.expect(r.status == 200 and r.has(b"x-upstream"),
             f"status {r.status}, X-Upstream {r.has(b'x-upstream')}; expected the upstream's 200")
    p.expect(acao(r) == [APP.encode()], f"ACAO {acao(r)}")
    p.expect(r.values(b"access-control-allow-methods") == [b"PUT"],
             f"ACAM {r.values(b'access-control-allow-methods')}, expected [b'PUT']")
    results.record("preflight_continue: the preflight reaches the upstream with CORS headers", p)


def wait_for_log(server, relpath, predicate, timeout=3.0):
    """The first line of a log satisfying predicate (logs are written at the
    end of a request, so poll briefly)."""
    deadline = time.monotonic() + timeout
    while True:
        for line in server.log_lines(relpath):
            if predicate(line):
                return line
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)


def run_variables(server, results):
    port = server.port
    p = Problems()
    get(port, "/log/rejected", EVIL)
    get(port, "/log/plain")
    preflight(port, "/log/preflight", APP)
    get(port, "/log/actual", APP)
    for path, words in (("/log/rejected", "rejected origin_not_allowed"),
                        ("/log/plain", "not_cors -"),
                        ("/log/preflight", "preflight -"),
                        ("/log/actual", "actual -")):
        line = wait_for_log(server, "logs/cors.log", lambda l, path=path: f" {path} " in l)
        p.expect(line is not None and line.startswith(words),
                 f"cors.log line for {path}: {line!r}, expected it to start with {words!r}")
    line = wait_for_log(server, "logs/error.log",
                        lambda l: "unicors" in l and "origin_not_allowed" in l)
    p.expect(line is not None and "[info]" in line,
             f"error.log: no [info] line with unicors and origin_not_allowed (got {line!r})")
    results.record("$unicors_decision / $unicors_reason in the access log; rejection at info", p)


def run_vary_merge(port, results):
    p = Problems()
    r = get(port, "/vary", APP)
    p.expect(acao(r) == [APP.encode()], f"GET: ACAO {acao(r)}")
    names = r.vary_names()
    p.expect(sorted(names) == [b"accept-encoding", b"origin"],
             f"GET: Vary lines {r.values(b'vary')}, expected Accept-Encoding and Origin once each")
    r = preflight(port, "/vary-continue", APP)
    p.expect(r.has(b"x-upstream") and acao(r) == [APP.encode()],
             f"preflight: X-Upstream {r.has(b'x-upstream')}, ACAO {acao(r)}")
    names = r.vary_names()
    want = [b"accept-encoding", b"access-control-request-headers",
            b"access-control-request-method", b"origin"]
    p.expect(sorted(names) == want,
             f"preflight: Vary lines {r.values(b'vary')}, expected each of {want} once")
    results.record("Vary: only names missing from the upstream's Vary are appended", p)


def run_subrequests(port, results):
    p = Problems()
    r = get(port, "/ssi/page.html", APP)
    p.expect(r.status == 200 and b"upstream" in r.body,
             f"status {r.status}, body {r.body[:80]!r}; expected the included upstream body")
    expect_allowed(p, r, "SSI page", count_vary=True)
    results.record("subrequests (SSI include): one ACAO, Vary once", p)


def run_hostile(port, results):
    """Hostile requests (decisions.md caps, peers.md §2 DoS families): each
    gets an HTTP answer (nginx's own 4xx when its buffers refuse the
    request, else the module's classification), and the worker still serves
    an ordinary request afterwards. The closing crash scan of the error logs
    covers what a dead worker would leave there."""
    p = Problems()
    preflight_head = [(b"Origin", APP.encode()), (b"Access-Control-Request-Method", b"PUT")]
    cases = {
        "64 KiB Origin": [(b"Origin", b"https://" + b"a" * 65536 + b".example")],
        "4,096 ACRH lines": preflight_head + [(b"Access-Control-Request-Headers", b"x-a")] * 4096,
        "ACRH of 60 KiB commas": preflight_head + [(b"Access-Control-Request-Headers", b"," * 61440)],
        "10,000 header lines": [(b"X-Junk", b"1")] * 10000 + [(b"Origin", APP.encode())],
        "non-UTF-8 and NUL in the Origin": [(b"Origin", b"https://\xff\xfe\x00.example")],
        "CR inside a header value": [(b"Origin", APP.encode() + b"\rX-Injected: 1")],
    }
    for label, headers in cases.items():
        method = b"OPTIONS" if headers[:2] == preflight_head else b"GET"
        try:
            r = send_raw(port, build_request(method, b"/api/x", headers, b"localhost"))
        except (OSError, HttpError) as error:
            p.append(f"{label}: no HTTP response ({error!r})")
            continue
        acao = r.values(b"access-control-allow-origin")
        p.expect(r.status < 500, f"{label}: status {r.status}")
        p.expect(acao in ([], [APP.encode()]), f"{label}: ACAO {acao!r}")
        p.expect(not r.values(b"x-injected"), f"{label}: a smuggled header came back")
    r = get(port, "/api/x", APP)
    expect_allowed(p, r, "an ordinary request after the hostile ones")
    results.record("hostile requests: answered without a 5xx, nothing echoed, the worker still serves", p)


def run_scenarios(server, results):
    port = server.port
    run_error_statuses(port, results)
    run_upstream_headers(port, results)
    run_access_checks(port, results)
    run_preflight_continue(port, results)
    run_variables(server, results)
    run_vary_merge(port, results)
    run_subrequests(port, results)
    run_hostile(port, results)
