#!/usr/bin/env python3
"""End-to-end tests of the unicors nginx module (ngx_http_unicors_module.so).

What runs, each nginx in its own directory under one fresh temporary prefix:

  conftest/   `nginx -t` on broken and valid configurations: an invalid
              policy file, an invalid inline directive, a valid config.
  corpus/     the shared corpus (tests/cases/*.json) replayed over raw
              sockets: one name-based virtual host per distinct policy,
              all proxying to an upstream server block in the same nginx.
  inherit/    http -> server -> location inheritance of the directives.
  scenarios/  error statuses, error_page, upstream CORS headers (replace /
              keep), preflights before access checks, preflight_continue,
              $unicors_decision / $unicors_reason, merging with the
              upstream's Vary, SSI subrequests.
  reload/     a policy change and a reload (SIGHUP) under a steady stream of
              requests: no request may fail.

Each nginx is started with `nginx -p PREFIX -c conf/nginx.conf` (daemon off,
so this script is its parent), on 127.0.0.1 ports checked free first, and
stopped by the pid in its pid file with SIGQUIT, always (finally + atexit).

Run it through the wrapper, which builds the module first:

    tests/nginx/run.sh

or directly against a built module:

    python3 tests/nginx/run.py --module /abs/path/ngx_http_unicors_module.so
    python3 tests/nginx/run.py --dry-run   # only write the configs, print the dir

--dry-run needs no module: it writes every configuration and policy, checks
the nginx syntax of each with the unicors directives stripped, and prints the
directory. Every corpus case that fails is printed with the bytes sent and the
headers received, then `nginx corpus: N passed, M failed, K skipped (wire:
false)`. Each other check prints `ok` or `FAIL` and its name; the corpus counts
as one check in the closing `nginx tests: N passed, M failed`. The exit status
is 1 on any failure, and the prefix (configs, policies, logs) is then kept and
its path printed (--keep keeps it always). Needs only the Python standard
library (3.9+) and the nginx binary (env NGINX overrides `nginx`).
"""

import argparse
import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = ROOT / "tests" / "cases"
DEFAULT_MODULE = ROOT / "target" / "nginx" / "ngx_http_unicors_module.so"
NGINX = os.environ.get("NGINX", "nginx")

VERDICT_HEADER = b"X-Unicors-Test-Verdict"
FORGED_ORIGIN = b"https://forged.example"
IO_TIMEOUT = 10.0


# --------------------------------------------------------------------------
# Results


class Results:
    """Named checks, printed as they complete."""

    def __init__(self):
        self.passed = []
        self.failed = []

    def record(self, name, problems):
        if problems:
            self.failed.append(name)
            print(f"FAIL {name}")
            for problem in problems:
                for line in str(problem).splitlines():
                    print(f"       {line}")
        else:
            self.passed.append(name)
            print(f"ok   {name}")
        sys.stdout.flush()

    def skip(self, name, why):
        print(f"skip {name}: {why}")

    def summary(self):
        return f"nginx tests: {len(self.passed)} passed, {len(self.failed)} failed"


class Problems(list):
    """A list of failure messages with a small assertion helper."""

    def expect(self, condition, message):
        if not condition:
            self.append(message)
        return condition


# --------------------------------------------------------------------------
# Raw HTTP over a socket


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # [(name bytes, value bytes)] in order
        self.body = body

    def values(self, name):
        name = name.lower()
        return [v for n, v in self.headers if n.lower() == name]

    def has(self, name):
        return bool(self.values(name))

    def cors_headers(self):
        """Sorted (lowercased name, value) of every Access-Control-* header."""
        return sorted((n.lower(), v) for n, v in self.headers
                      if n.lower().startswith(b"access-control-"))

    def vary_names(self):
        """Every name listed in the Vary header lines, lowercased, in order."""
        names = []
        for line in self.values(b"vary"):
            names += [p.strip().lower() for p in line.split(b",") if p.strip()]
        return names

    def describe(self):
        lines = [f"status {self.status}"]
        lines += [f"  {n!r}: {v!r}" for n, v in self.headers]
        return lines


class HttpError(Exception):
    pass


def build_request(method, path, headers, host):
    """The request's bytes: request line, Host, headers, Connection: close."""
    out = [method + b" " + path + b" HTTP/1.1", b"Host: " + host]
    out += [name + b": " + value for name, value in headers]
    out += [b"Connection: close", b"", b""]
    return b"\r\n".join(out)


def send_raw(port, data):
    """Sends bytes on a new connection to 127.0.0.1:port, reads to close."""
    with socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return parse_response(b"".join(chunks))


def parse_response(raw):
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise HttpError(f"incomplete response ({len(raw)} bytes): {raw[:200]!r}")
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})(?: |$)", lines[0])
    if not m:
        raise HttpError(f"bad status line {lines[0]!r}")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon:
            raise HttpError(f"bad header line {line!r}")
        headers.append((name, value.strip(b" \t")))
    return Response(int(m.group(1)), headers, body)


def request(port, method="GET", path="/", headers=(), host="localhost"):
    """Convenience wrapper taking str or bytes everywhere."""
    def b(x):
        return x if isinstance(x, bytes) else x.encode("utf-8")
    data = build_request(b(method), b(path),
                         [(b(n), b(v)) for n, v in headers], b(host))
    return send_raw(port, data)


def preflight(port, path, origin, method="PUT", host="localhost", extra=()):
    headers = [("Origin", origin), ("Access-Control-Request-Method", method)]
    return request(port, "OPTIONS", path, headers + list(extra), host)


def get(port, path, origin=None, host="localhost"):
    headers = [("Origin", origin)] if origin is not None else []
    return request(port, "GET", path, headers, host)


# --------------------------------------------------------------------------
# Ports and nginx processes

_taken_ports = set()


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port():
    """A port the kernel hands out for port 0, not yet used by this run."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _taken_ports and port_is_free(port):
            _taken_ports.add(port)
            return port
    raise RuntimeError("no free port found")


def wait_for_port(port, deadline):
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


_running = []


def _stop_all():
    for server in list(_running):
        server.stop()


atexit.register(_stop_all)


class Nginx:
    """One nginx in its own prefix: conf/, logs/, html/, temp/."""

    def __init__(self, prefix):
        self.prefix = Path(prefix)
        for sub in ("conf", "logs", "html", "temp", "policies"):
            (self.prefix / sub).mkdir(parents=True, exist_ok=True)
        self.pid_file = self.prefix / "logs" / "nginx.pid"
        self.ports = []
        self.proc = None

    def write(self, relpath, text):
        path = self.prefix / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def command(self, *extra, conf="conf/nginx.conf"):
        return [NGINX, "-p", f"{self.prefix}/", "-c", conf,
                "-e", "logs/error.log", *extra]

    def test(self, conf="conf/nginx.conf"):
        """`nginx -t`: (exit code, stderr text)."""
        p = subprocess.run(self.command("-t", conf=conf), capture_output=True,
                           text=True, errors="replace", timeout=60)
        return p.returncode, p.stderr

    def pid(self):
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def start(self):
        busy = [p for p in self.ports if not port_is_free(p)]
        if busy:
            raise RuntimeError(f"ports already in use: {busy}")
        out = open(self.prefix / "logs" / "stderr.log", "wb")
        self.proc = subprocess.Popen(self.command(), stdout=out,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        out.close()
        _running.append(self)
        deadline = time.monotonic() + 15
        while self.pid() != self.proc.pid:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"nginx did not start in {self.prefix}:\n"
                    + self.tail("logs/stderr.log") + self.tail("logs/error.log"))
            time.sleep(0.05)
        for port in self.ports:
            if not wait_for_port(port, deadline):
                self.stop()
                raise RuntimeError(f"nginx is not listening on {port}")

    def reload(self):
        os.kill(self.pid(), signal.SIGHUP)

    def stop(self):
        """SIGQUIT to the pid in the pid file; waits until the master is gone
        (a graceful exit takes up to ~1.5 s)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            pid = self.pid() or self.proc.pid
            try:
                os.kill(pid, signal.SIGQUIT)
                self.proc.wait(timeout=20)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                print(f"nginx {pid} ignored SIGQUIT for 20 s: killing it")
                self.proc.kill()
        self.proc.wait()
        self.proc = None
        if self in _running:
            _running.remove(self)

    def tail(self, relpath, lines=30):
        try:
            text = (self.prefix / relpath).read_text(errors="replace")
        except OSError:
            return ""
        return "".join(text.splitlines(True)[-lines:])

    def log_lines(self, relpath="logs/error.log"):
        try:
            return (self.prefix / relpath).read_text(errors="replace").splitlines()
        except OSError:
            return []


# --------------------------------------------------------------------------
# Configuration text


def nginx_conf(module, http_body):
    """A whole nginx.conf: the fixed main/events part around `http_body`."""
    return f"""\
load_module "{module}";
daemon off;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log info;

events {{
    worker_connections 1024;
}}

http {{
    client_body_temp_path temp/client_body;
    proxy_temp_path temp/proxy;
    fastcgi_temp_path temp/fastcgi;
    uwsgi_temp_path temp/uwsgi;
    scgi_temp_path temp/scgi;

    client_header_buffer_size 64k;
    large_client_header_buffers 8 128k;
    underscores_in_headers on;
    ignore_invalid_headers off;
    server_names_hash_bucket_size 128;
    server_names_hash_max_size 4096;
    access_log logs/access.log;

{http_body}
}}
"""


def upstream_server(port):
    """The app: 200 `upstream` + X-Upstream: 1 for every method; /forged also
    sets a forged ACAO, /vary sets `Vary: Accept-Encoding, Origin`;
    /status/500 and /status/404 answer those statuses."""
    return f"""\
    server {{
        listen 127.0.0.1:{port};
        server_name upstream;
        unicors off;
        add_header X-Upstream 1 always;

        location / {{
            return 200 "upstream";
        }}
        location /forged {{
            add_header X-Upstream 1 always;
            add_header Access-Control-Allow-Origin {FORGED_ORIGIN.decode()} always;
            return 200 "upstream";
        }}
        location /vary {{
            add_header X-Upstream 1 always;
            add_header Vary "Accept-Encoding, Origin" always;
            return 200 "upstream";
        }}
        location = /status/500 {{
            return 500;
        }}
        location = /status/404 {{
            return 404;
        }}
    }}
"""


def line_of(text, needle):
    """1-based number of the first line of `text` containing `needle`."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise ValueError(f"{needle!r} not in the text")


# --------------------------------------------------------------------------
# Corpus


def to_bytes(value):
    """A corpus string (its UTF-8 bytes) or {"hex": "..."} (those bytes)."""
    if isinstance(value, dict):
        return bytes.fromhex(value["hex"])
    return value.encode("utf-8")


def load_corpus(cases_dir):
    """(wire cases, number skipped with wire: false). A case is a dict with
    the keys file, name, policy, request, expect."""
    cases, skipped = [], 0
    for path in sorted(Path(cases_dir).glob("*.json")):
        doc = json.loads(path.read_text())
        for case in doc.get("cases", []):
            if case.get("wire", True) is False:
                skipped += 1
                continue
            cases.append({
                "file": path.name,
                "name": case["name"],
                "policy": case.get("policy", doc.get("policy")),
                "request": case["request"],
                "expect": case["expect"],
            })
    return cases, skipped


def group_by_policy(cases):
    """Assigns case["group"] = index of its distinct policy; returns the
    list of distinct policies."""
    index, policies = {}, []
    for case in cases:
        key = json.dumps(case["policy"], sort_keys=True)
        if key not in index:
            index[key] = len(policies)
            policies.append(case["policy"])
        case["group"] = index[key]
    return policies


def corpus_setup(base, module, cases_dir):
    cases, skipped = load_corpus(cases_dir)
    policies = group_by_policy(cases)
    server = Nginx(base / "corpus")
    up, port = free_port(), free_port()
    server.ports = [up, port]
    blocks = [upstream_server(up)]
    for n, policy in enumerate(policies):
        path = server.write(f"policies/p{n}.json", json.dumps(policy, indent=2) + "\n")
        blocks.append(f"""\
    server {{
        listen 127.0.0.1:{port};
        server_name p{n}.test;
        unicors on;
        unicors_policy "{path}";
        unicors_origin_verdict $http_x_unicors_test_verdict;
        location / {{
            proxy_pass http://127.0.0.1:{up};
        }}
    }}
""")
    server.write("conf/nginx.conf", nginx_conf(module, "\n".join(blocks)))
    server.corpus = (cases, skipped, policies, port)
    return server


def case_bytes(case):
    """The exact bytes sent for a corpus case."""
    req = case["request"]
    headers = [(to_bytes(n), to_bytes(v)) for n, v in req.get("headers", [])]
    verdict = req.get("origin_verdict")
    if verdict is not None:
        headers.append((VERDICT_HEADER, b"allow" if verdict else b"deny"))
    host = f"p{case['group']}.test".encode()
    return build_request(to_bytes(req["method"]), to_bytes(req.get("path", "/")),
                         headers, host)


def check_case(case, resp):
    """Problems with a corpus case's response (empty when it passes)."""
    p = Problems()
    expect = case["expect"]
    status = expect.get("status")
    if isinstance(status, int):
        p.expect(resp.status == status,
                 f"status {resp.status}, expected {status} answered by nginx")
        p.expect(not resp.has(b"x-upstream"),
                 "X-Upstream present: the upstream was hit, expected nginx to answer")
    else:
        p.expect(resp.status == 200,
                 f"status {resp.status}, expected the upstream's 200")
        p.expect(resp.has(b"x-upstream"),
                 "X-Upstream absent: expected the request to reach the upstream")
    want = sorted((to_bytes(n).lower(), to_bytes(v))
                  for n, v in expect.get("headers", []))
    got = resp.cors_headers()
    if got != want:
        p.append(f"CORS headers {got}, expected {want}")
    want_vary = {v.lower().encode() for v in expect.get("vary", [])}
    names = resp.vary_names()
    if set(names) != want_vary:
        p.append(f"Vary names {sorted(set(names))}, expected {sorted(want_vary)}")
    p.expect(len(names) == len(set(names)), f"a name repeated in Vary: {names}")
    p.expect(len(resp.values(b"vary")) <= 1,
             f"{len(resp.values(b'vary'))} Vary lines, expected at most one (the upstream sends none)")
    return p


def show_bytes(data, limit=300):
    """Request bytes, one line per header line, long lines shortened."""
    out = []
    for line in data.split(b"\r\n"):
        text = repr(line)
        if len(text) > limit:
            text = text[:limit] + f"... ({len(line)} bytes)"
        out.append("  > " + text)
    return out


def run_corpus(server, results):
    cases, skipped, policies, port = server.corpus
    passed = failed = 0
    print(f"corpus: {len(cases)} wire cases, {len(policies)} distinct policies; "
          f"skipped {skipped} (wire: false)")
    for case in cases:
        data = case_bytes(case)
        try:
            resp = send_raw(port, data)
            problems = check_case(case, resp)
            received = resp.describe()
        except (OSError, HttpError) as e:
            problems, received = [f"no valid response: {e}"], []
        if problems:
            failed += 1
            print(f"FAIL corpus {case['file']} :: {case['name']} "
                  f"(policy p{case['group']}.json)")
            for line in problems:
                print(f"       {line}")
            print("     sent:")
            print("\n".join(show_bytes(data)))
            print("     received:")
            print("\n".join("       " + line for line in received))
        else:
            passed += 1
    print(f"nginx corpus: {passed} passed, {failed} failed, "
          f"{skipped} skipped (wire: false)")
    results.record(f"corpus replay ({passed}/{len(cases)} cases)",
                   [f"{failed} corpus cases failed (listed above)"] if failed else [])


# --------------------------------------------------------------------------
# nginx -t


def emerg_lines(stderr):
    return [line for line in stderr.splitlines() if "[emerg]" in line]


def conftest_setup(base, module):
    """Three configurations in one prefix: conf/bad-policy.conf,
    conf/bad-inline.conf, conf/valid.conf."""
    server = Nginx(base / "conftest")
    up, port = free_port(), free_port()
    bad_policy = server.write(
        "policies/bad-policy.toml",
        'allow_origins = ["https://App.example.com"]\nmax_age = -1\n')
    good_policy = server.write(
        "policies/good-policy.toml",
        'allow_origins = ["https://app.example.com"]\n'
        'allow_methods = ["PUT"]\nmax_age = 600\n')

    def conf(directives):
        return nginx_conf(module, upstream_server(up) + f"""
    server {{
        listen 127.0.0.1:{port};
        unicors on;
{directives}
        location / {{
            proxy_pass http://127.0.0.1:{up};
        }}
    }}
""")

    server.confs = {
        "bad-policy": (server.write("conf/bad-policy.conf",
                                    conf(f'        unicors_policy "{bad_policy}";')),
                       "unicors_policy"),
        "bad-inline": (server.write("conf/bad-inline.conf",
                                    conf("        unicors_allow_origins https://*.com;")),
                       "unicors_allow_origins"),
        "valid": (server.write("conf/valid.conf", conf(
            f'        unicors_policy "{good_policy}";\n'
            "        unicors_allow_credentials on;\n"
            "        unicors_expose_headers X-Total;\n")), None),
    }
    # The README's example, with this run's module, policy and log paths.
    example = (ROOT / "examples" / "nginx" / "nginx.conf").read_text()
    example = (example
               .replace("/usr/lib/nginx/modules/ngx_http_unicors_module.so", str(module))
               .replace("/etc/nginx/cors/policy.toml", str(ROOT / "examples" / "policy.toml"))
               .replace("/var/log/nginx/", str(server.prefix / "logs") + "/"))
    example = example.replace("events {}", "pid logs/example.pid;\nerror_log logs/example.log;\nevents {}")
    server.confs["example"] = (server.write("conf/example.conf", example), None)
    server.bad_policy_name = bad_policy.name
    return server


def check_emerg(stderr, where, needles):
    """An [emerg] line containing every needle and the `file:LINE`."""
    for line in emerg_lines(stderr):
        if where in line and all(n in line for n in needles):
            return True
    return False


def run_conftest(server, results):
    conf, directive = server.confs["bad-policy"]
    rc, stderr = server.test(f"conf/{conf.name}")
    where = f"{conf}:{line_of(conf.read_text(), directive)}"
    p = Problems()
    p.expect(rc != 0, "nginx -t exited 0")
    for field, code in (("allow_origins[0]", "origin_not_canonical"),
                        ("max_age", "max_age_out_of_range")):
        p.expect(check_emerg(stderr, where, ["unicors", field, code, server.bad_policy_name]),
                 f"no [emerg] line with {field}, {code}, {server.bad_policy_name} and {where}")
    if p:
        p.append("stderr was:\n" + stderr.strip())
    results.record("nginx -t: invalid policy file reports both problems", p)

    conf, directive = server.confs["bad-inline"]
    rc, stderr = server.test(f"conf/{conf.name}")
    where = f"{conf}:{line_of(conf.read_text(), directive)}"
    p = Problems()
    p.expect(rc != 0, "nginx -t exited 0")
    p.expect(check_emerg(stderr, where, ["unicors", "origin_public_suffix_wildcard"]),
             f"no [emerg] line with origin_public_suffix_wildcard and {where}")
    if p:
        p.append("stderr was:\n" + stderr.strip())
    results.record("nginx -t: invalid inline unicors_allow_origins", p)

    conf, _ = server.confs["valid"]
    rc, stderr = server.test(f"conf/{conf.name}")
    p = Problems()
    p.expect(rc == 0, f"nginx -t exited {rc}:\n{stderr.strip()}")
    results.record("nginx -t: valid configuration (TOML policy + inline keys)", p)

    conf, _ = server.confs["example"]
    rc, stderr = server.test(f"conf/{conf.name}")
    p = Problems()
    p.expect(rc == 0, f"nginx -t exited {rc}:\n{stderr.strip()}")
    results.record("nginx -t: examples/nginx/nginx.conf (the README's example)", p)


# --------------------------------------------------------------------------
# Inheritance http -> server -> location

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


def acao(resp):
    return resp.values(b"access-control-allow-origin")


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


# --------------------------------------------------------------------------
# Scenarios: error statuses, upstream headers, access checks, continue,
# variables, subrequests

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


def run_scenarios(server, results):
    port = server.port
    run_error_statuses(port, results)
    run_upstream_headers(port, results)
    run_access_checks(port, results)
    run_preflight_continue(port, results)
    run_variables(server, results)
    run_vary_merge(port, results)
    run_subrequests(port, results)


# --------------------------------------------------------------------------
# Reload under load

OLD = "https://old.example"
NEW = "https://new.example"


def reload_policy(origins):
    return json.dumps({"allow_origins": origins, "allow_methods": ["PUT"]}) + "\n"


def reload_setup(base, module):
    server = Nginx(base / "reload")
    up, port = free_port(), free_port()
    server.ports = [up, port]
    server.port = port
    server.policy = server.write("policies/reload.json", reload_policy([OLD]))
    server.write("conf/nginx.conf", nginx_conf(module, f"""\
{upstream_server(up)}
    server {{
        listen 127.0.0.1:{port};
        unicors on;
        unicors_policy "{server.policy}";
        location / {{ proxy_pass http://127.0.0.1:{up}; }}
    }}
"""))
    return server


def check_reload_response(kind, r):
    """None if `r` is a right answer under the old or the new policy, else
    why not. NEW is allowed only by the new policy."""
    old, new = OLD.encode(), NEW.encode()
    if kind == "preflight-old":
        ok = r.status == 204 and acao(r) == [old] and not r.has(b"x-upstream")
    elif kind == "get-old":
        ok = r.status == 200 and acao(r) == [old] and r.has(b"x-upstream")
    elif kind == "preflight-new":
        ok = ((r.status == 403 and r.cors_headers() == [])
              or (r.status == 204 and acao(r) == [new])) and not r.has(b"x-upstream")
    else:  # get-new
        ok = r.status == 200 and r.has(b"x-upstream") and acao(r) in ([], [new])
    return None if ok else f"{kind}: " + " | ".join(r.describe())


def send_reload_request(port, kind):
    if kind.startswith("preflight"):
        return preflight(port, "/", OLD if kind.endswith("old") else NEW)
    return get(port, "/", OLD if kind.endswith("old") else NEW)


class LoadThread(threading.Thread):
    KINDS = ("preflight-old", "get-old", "preflight-new", "get-new")

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.stop_event = threading.Event()
        self.sent = 0
        self.failures = []
        self.new_denied = 0   # answers under the old policy
        self.new_allowed = 0  # answers under the new policy

    def run(self):
        i = 0
        while not self.stop_event.is_set():
            kind = self.KINDS[i % len(self.KINDS)]
            i += 1
            try:
                resp = send_reload_request(self.port, kind)
                why = check_reload_response(kind, resp)
                if kind.endswith("new") and not why:
                    if acao(resp):
                        self.new_allowed += 1
                    else:
                        self.new_denied += 1
            except (OSError, HttpError) as e:
                why = f"{kind}: {e!r}"
            self.sent += 1
            if why:
                self.failures.append(why)


def run_reload(server, results):
    port = server.port
    p = Problems()
    load = LoadThread(port)
    started = time.monotonic()
    load.start()
    try:
        time.sleep(1.0)
        server.policy.write_text(reload_policy([OLD, NEW]))
        server.reload()
        deadline = time.monotonic() + 10
        reloaded = False
        while time.monotonic() < deadline and not reloaded:
            reloaded = acao(get(port, "/", NEW)) == [NEW.encode()]
            time.sleep(0.05)
        p.expect(reloaded, "the new origin was still not allowed 10 s after the reload")
        time.sleep(max(0.5, 3.0 - (time.monotonic() - started)))
    finally:
        load.stop_event.set()
        load.join(timeout=IO_TIMEOUT + 5)
    p.expect(load.sent > 50, f"only {load.sent} requests were sent during the reload")
    p.expect(load.new_denied and load.new_allowed,
             f"the load did not span the reload: new origin denied {load.new_denied} "
             f"times, allowed {load.new_allowed} times")
    p.expect(not load.failures,
             f"{len(load.failures)} of {load.sent} requests failed; first: {load.failures[:3]}")
    r = preflight(port, "/", NEW)
    p.expect(r.status == 204 and acao(r) == [NEW.encode()],
             f"after the reload, preflight from the new origin: {r.describe()}")
    emerg = [l for l in server.log_lines() if "[emerg]" in l]
    p.expect(not emerg, f"[emerg] in error.log: {emerg[:3]}")
    print(f"     reload: {load.sent} requests, {len(load.failures)} failed; new origin "
          f"denied {load.new_denied} times before, allowed {load.new_allowed} times after")
    results.record("reload under load: no failed request, then the new origin is allowed", p)


# --------------------------------------------------------------------------
# Driver


def worker_crashes(servers):
    """error.log lines telling of crashed workers or alerts."""
    bad = []
    for server in servers:
        for line in server.log_lines():
            if "exited on signal" in line or "[alert]" in line or "[crit]" in line:
                bad.append(f"{server.prefix.name}: {line}")
    return bad


def run_guarded(name, results, runner, *args):
    """Runs one group of checks; an unexpected exception is a FAIL, not a
    crash of the whole run."""
    try:
        runner(*args)
    except Exception as e:  # noqa: BLE001 - reported, the run goes on
        detail = traceback.format_exc().rstrip().splitlines()
        results.record(f"{name}: unexpected {type(e).__name__}", detail[-8:])


def run_instance(server, results, runner):
    """nginx -t, start, run `runner`, stop; a failure to start is a FAIL."""
    name = server.prefix.name
    rc, stderr = server.test()
    if rc != 0:
        results.record(f"{name}: nginx -t", [stderr.strip()])
        return
    try:
        server.start()
    except RuntimeError as e:
        results.record(f"{name}: start nginx", [str(e)])
        return
    try:
        run_guarded(name, results, runner, server, results)
    finally:
        server.stop()


def strip_unicors(text):
    """The configuration without load_module and unicors directives, so
    that nginx -t can check the rest of it without the module."""
    text = re.sub(r'(?m)^load_module .*$', "", text)
    text = re.sub(r'(?<![\w"$])unicors\w*\s[^;{}]*;', "", text)
    return text.replace("$unicors_decision", "$status").replace("$unicors_reason", "$status")


def dry_run(base, plan, corpus):
    """Writes every configuration, checks the nginx syntax of each with the
    unicors directives stripped (the module may not exist yet), prints the
    directory."""
    cases, skipped, policies, _ = corpus.corpus
    print(f"corpus: {len(cases)} wire cases, {len(policies)} distinct policies, "
          f"skipped {skipped} (wire: false)")
    status = 0
    for server, _, _ in plan:
        for conf in sorted((server.prefix / "conf").glob("*.conf")):
            stripped = conf.with_name(conf.stem + ".no-unicors")
            stripped.write_text(strip_unicors(conf.read_text()))
            rc, stderr = server.test(f"conf/{stripped.name}")
            print(f"{'ok  ' if rc == 0 else 'FAIL'} nginx -t without unicors: {conf}")
            if rc != 0:
                print(stderr)
                status = 1
    print(base)
    return status


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--module", default=str(DEFAULT_MODULE),
                    help="absolute path of ngx_http_unicors_module.so")
    ap.add_argument("--cases", default=str(CASES_DIR), help="the corpus directory")
    ap.add_argument("--dry-run", action="store_true",
                    help="only write the configurations and print the directory")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary prefix even when everything passes")
    return ap.parse_args(argv)


def _terminate(signum, frame):
    raise SystemExit(f"nginx tests: killed by signal {signum}")


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    module = Path(args.module).resolve()
    if not args.dry_run and not module.is_file():
        print(f"nginx tests: module not found: {module}")
        return 1
    base = Path(tempfile.mkdtemp(prefix="unicors-nginx-"))
    os.chmod(base, 0o755)  # workers run as nobody when started as root

    # (nginx, what to run, whether it runs against a started nginx)
    conftest = conftest_setup(base, module)
    corpus = corpus_setup(base, module, args.cases)
    plan = [
        (conftest, run_conftest, False),
        (corpus, run_corpus, True),
        (inherit_setup(base, module), run_inherit, True),
        (scenarios_setup(base, module), run_scenarios, True),
        (reload_setup(base, module), run_reload, True),
    ]
    if args.dry_run:
        return dry_run(base, plan, corpus)

    results = Results()
    try:
        for server, runner, started in plan:
            if started:
                run_instance(server, results, runner)
            else:
                run_guarded(server.prefix.name, results, runner, server, results)
    except BaseException:
        print(f"interrupted; configs and logs kept in {base}")
        raise
    finally:
        _stop_all()
    crashes = worker_crashes([server for server, _, _ in plan])
    results.record("no worker crash, [alert] or [crit] in the error logs", crashes[:20])

    print(results.summary())
    if results.failed or args.keep:
        print(f"configs and logs kept in {base}")
    else:
        shutil.rmtree(base, ignore_errors=True)
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
