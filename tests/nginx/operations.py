"""Operating the module: a report-only policy (unicors_shadow_policy) beside
the enforced one — differences logged at info with both reasons and exposed
as $unicors_shadow, $unicors_shadow_decision, $unicors_shadow_reason — and
the counters, kept in shared memory by two workers, answered by a
`unicors_counters` location and kept across a reload (SIGHUP); a broken
report-only policy file fails `nginx -t` with every problem."""

import json
import time

from harness import Problems, acao, free_port, get, nginx_conf, preflight, request, upstream_server, Nginx

OLD = "https://old.example"
NEW = "https://new.example"


def policy(origins):
    return json.dumps({"allow_origins": origins, "allow_methods": ["PUT"]}) + "\n"


def operations_conf(module, server, up, port, status_port, shadow):
    body = f"""\
    log_format shadow '$request_uri|$http_origin|$unicors_decision|$unicors_shadow|'
                      '$unicors_shadow_decision|$unicors_shadow_reason|$pid';
{upstream_server(up)}
    server {{
        # reuseport: the kernel spreads connections over both workers.
        listen 127.0.0.1:{port} reuseport;
        access_log logs/shadow.log shadow;
        unicors on;
        unicors_policy "{server.enforced}";
        unicors_shadow_policy "{shadow}";
        location / {{ proxy_pass http://127.0.0.1:{up}; }}
        location /plain {{
            unicors_shadow_policy off;
            proxy_pass http://127.0.0.1:{up};
        }}
    }}
    server {{
        listen 127.0.0.1:{status_port};
        location = /counters {{ unicors_counters; }}
    }}
"""
    # Two workers: the counters must add up across processes.
    return nginx_conf(module, body).replace("worker_processes 1;", "worker_processes 2;")


def operations_setup(base, module):
    server = Nginx(base / "operations")
    up, port, status_port = free_port(), free_port(), free_port()
    server.ports = [up, port, status_port]
    server.port, server.status_port, server.module, server.up = port, status_port, module, up
    server.enforced = server.write("policies/enforced.json", policy([OLD, NEW]))
    server.candidate = server.write("policies/candidate.json", policy([NEW]))
    server.write("conf/nginx.conf", operations_conf(module, server, up, port, status_port, server.candidate))
    # nginx -t of a configuration whose report-only policy file is broken.
    broken = server.write("policies/broken.json", json.dumps(
        {"allow_origins": ["*"], "allow_credentials": True, "max_age": -1}) + "\n")
    server.write("conf/broken.conf", operations_conf(module, server, up, port, status_port, broken))
    return server


def counters(server):
    r = request(server.status_port, "GET", "/counters")
    if r.status != 200:
        raise AssertionError(f"/counters answered {r.status}")
    values = {}
    for line in r.body.decode().splitlines():
        name, value = line.split(" ")
        values[name] = int(value)
    return values


def shadow_log(server):
    return [line.split("|") for line in server.log_lines("logs/shadow.log")]


def run_operations(server, results):
    port = server.port
    p = Problems()

    # 1. A difference: applied as enforced, logged, exposed.
    r = get(port, "/a", OLD)
    p.expect(r.status == 200 and acao(r) == [OLD.encode()], f"OLD still allowed: {r.describe()}")
    r = get(port, "/b", NEW)
    p.expect(acao(r) == [NEW.encode()], f"NEW allowed: {r.describe()}")
    r = get(port, "/plain", OLD)
    p.expect(acao(r) == [OLD.encode()], f"/plain: {r.describe()}")
    time.sleep(0.3)
    lines = [l for l in server.log_lines() if "report-only policy differs" in l]
    p.expect(len(lines) == 1 and "[info]" in lines[0]
             and "differs (kind, reason, headers): enforced actual, report-only rejected (origin_not_allowed)"
             in lines[0], f"one info line for the difference: {lines}")
    log = {row[0]: row for row in shadow_log(server)}
    p.expect(log.get("/a", [])[2:6] == ["actual", "kind, reason, headers", "rejected", "origin_not_allowed"],
             f"$unicors_shadow* for /a: {log.get('/a')}")
    p.expect(log.get("/b", [])[2:6] == ["actual", "", "actual", "-"], f"for /b (no difference): {log.get('/b')}")
    p.expect(log.get("/plain", [])[2:6] == ["actual", "-", "-", "-"], f"for /plain (shadow off): {log.get('/plain')}")

    # 2. Counters across two workers, exact.
    before = counters(server)
    n = 120
    for i in range(n):
        preflight(port, f"/p{i}", OLD)    # allowed; the candidate refuses it
        get(port, f"/g{i}", NEW)           # allowed by both
    after = counters(server)
    delta = {k: after[k] - before.get(k, 0) for k in after}
    p.expect(delta["preflight"] == n and delta["actual"] == n,
             f"preflight +{delta['preflight']}, actual +{delta['actual']} (want +{n} each)")
    p.expect(delta["shadow.rejected.origin_not_allowed"] == n and delta["shadow.differences"] == n,
             f"shadow.rejected.origin_not_allowed +{delta['shadow.rejected.origin_not_allowed']}, "
             f"shadow.differences +{delta['shadow.differences']} (want +{n})")
    p.expect(delta["shadow.actual"] == n and delta["rejected"] == 0, f"delta: {delta}")
    pids = {row[6] for row in shadow_log(server) if len(row) > 6}
    p.expect(len(pids) == 2, f"the requests were served by {len(pids)} worker(s), not 2")

    # 3. Reload with a candidate that now allows OLD: counts go on, the
    # difference stops.
    server.candidate.write_text(policy([OLD, NEW]))
    server.reload()
    deadline = time.monotonic() + 10
    settled = False
    while time.monotonic() < deadline and not settled:
        get(port, "/probe", OLD)
        time.sleep(0.1)
        rows = [row for row in shadow_log(server) if row[0] == "/probe"]
        settled = bool(rows) and rows[-1][3] == ""
    p.expect(settled, "after the reload, OLD still differs")
    kept = counters(server)
    p.expect(kept["preflight"] >= after["preflight"] and kept["shadow.differences"] >= after["shadow.differences"],
             f"counters after the reload went back: {after['preflight']} -> {kept['preflight']}")
    emerg = [l for l in server.log_lines() if "[emerg]" in l]
    p.expect(not emerg, f"[emerg] in error.log: {emerg[:3]}")
    results.record("report-only policy: info line, $unicors_shadow*, shared counters over 2 workers, reload", p)

    # 4. A broken report-only policy file: nginx -t lists every problem.
    rc, stderr = server.test(conf="conf/broken.conf")
    q = Problems()
    q.expect(rc != 0, "nginx -t accepted a broken report-only policy file")
    for code in ("origin_wildcard_with_credentials", "max_age_out_of_range"):
        q.expect(code in stderr and "broken.json" in stderr, f"{code} missing: {stderr[-600:]}")
    results.record("nginx -t: a broken unicors_shadow_policy file, every problem listed", q)
    print(f"     counters: +{n} preflights and +{n} actual requests over {len(pids)} workers, "
          f"shadow.differences +{delta['shadow.differences']}; kept across the reload")
