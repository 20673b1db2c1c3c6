"""http -> server -> location inheritance of the unicors directives."""

from harness import (Nginx, Problems, acao, free_port, get, nginx_conf,
                     preflight, upstream_server)

A_ORIGIN = "https://a.example"
B_ORIGIN = "https://b.example"


def inherit_setup(base, module):
    server = Nginx(base / "inherit")
    up, p1, p2 = free_port(), free_port(), free_port()
    server.ports = [up, p1, p2]
    server.upstream, server.p1, server.p2 = up, p1, p2
    proxy = f"proxy_pass http://127.0.0.1:{up};"
    server.write("conf/nginx.conf", nginx_conf(module, f"""\
    unicors on;
    unicors_allow_origins {A_ORIGIN};

{upstream_server(up)}
    server {{
        listen 127.0.0.1:{p1};
        location / {{ {proxy} }}
        location /max-age {{ unicors_max_age 600; {proxy} }}
        location /off {{ unicors off; {proxy} }}
        location /b {{ unicors_allow_origins {B_ORIGIN}; {proxy} }}
    }}

    server {{
        listen 127.0.0.1:{p2};
        unicors_allow_credentials on;
        location / {{ {proxy} }}
        location /inner {{ unicors_max_age 5; {proxy} }}
    }}
"""))
    return server


def run_inherit(server, results):
    p1, p2, up = server.p1, server.p2, server.upstream
    a, b = A_ORIGIN.encode(), B_ORIGIN.encode()

    p = Problems()
    r = preflight(p1, "/max-age", A_ORIGIN, method="GET")
    p.expect(r.status == 204 and not r.has(b"x-upstream"),
             f"preflight status {r.status}, X-Upstream {r.values(b'x-upstream')}; expected 204 from nginx")
    p.expect(acao(r) == [a], f"ACAO {acao(r)}, expected [{a!r}] (inherited from http)")
    p.expect(r.values(b"access-control-max-age") == [b"600"],
             f"Access-Control-Max-Age {r.values(b'access-control-max-age')}, expected [b'600']")
    r = get(p1, "/", A_ORIGIN)
    p.expect(acao(r) == [a], f"GET / in a plain location: ACAO {acao(r)}, expected [{a!r}]")
    results.record("inheritance: location sets only max_age, http origins still apply", p)

    p = Problems()
    r = get(p1, "/off", A_ORIGIN)
    p.expect(r.cors_headers() == [] and r.has(b"x-upstream"),
             f"GET: CORS headers {r.cors_headers()}, X-Upstream {r.has(b'x-upstream')}")
    r = preflight(p1, "/off", A_ORIGIN, method="GET")
    p.expect(r.cors_headers() == [] and r.has(b"x-upstream") and r.status == 200,
             f"preflight: status {r.status}, CORS headers {r.cors_headers()}, "
             f"X-Upstream {r.has(b'x-upstream')}; expected the upstream's plain 200")
    r = get(up, "/", A_ORIGIN)
    p.expect(r.cors_headers() == [],
             f"server with `unicors off` under http `unicors on`: CORS headers {r.cors_headers()}")
    results.record("inheritance: `unicors off` adds nothing", p)

    p = Problems()
    r = get(p1, "/b", B_ORIGIN)
    p.expect(acao(r) == [b], f"origin b: ACAO {acao(r)}, expected [{b!r}]")
    r = get(p1, "/b", A_ORIGIN)
    p.expect(acao(r) == [], f"origin a: ACAO {acao(r)}, expected none (location replaced the list)")
    results.record("inheritance: a location's own allow_origins replaces http's", p)

    p = Problems()
    for path in ("/", "/inner"):
        r = get(p2, path, A_ORIGIN)
        p.expect(acao(r) == [a], f"{path}: ACAO {acao(r)}, expected [{a!r}]")
        p.expect(r.values(b"access-control-allow-credentials") == [b"true"],
                 f"{path}: ACAC {r.values(b'access-control-allow-credentials')}, expected [b'true']")
    results.record("inheritance: server-level allow_credentials applies to its locations", p)
