"""Shared machinery of the nginx end-to-end tests: check results, a raw-socket
HTTP client, free ports, nginx processes and the configuration text common to
every instance.

Each nginx is started with `nginx -p PREFIX -c conf/nginx.conf` (daemon off,
so the test run is its parent), on 127.0.0.1 ports checked free first, and
stopped by the pid in its pid file with SIGQUIT, always: by its caller's
`finally`, by atexit, and on SIGTERM once exit_on_sigterm() is installed.
"""

import atexit
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NGINX = os.environ.get("NGINX", "nginx")

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


def acao(resp):
    """Every Access-Control-Allow-Origin value of a response, in order."""
    return resp.values(b"access-control-allow-origin")


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


def stop_all():
    """Stops every nginx this run started and has not stopped yet."""
    for server in list(_running):
        server.stop()


atexit.register(stop_all)


def _terminate(signum, frame):
    raise SystemExit(f"nginx tests: killed by signal {signum}")


def exit_on_sigterm():
    """SIGTERM exits through SystemExit, so `finally` blocks and atexit stop
    the nginx processes instead of leaving them running."""
    signal.signal(signal.SIGTERM, _terminate)


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
