"""Real servers over loopback HTTP: a server process on a free 127.0.0.1
port, ready once it answers an HTTP request, stopped by its pid (terminate,
wait, kill), its output in a log file that failing tests show; and a raw
HTTP/1.1 client that sends header bytes exactly as given."""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

TESTS = Path(__file__).resolve().parent
READY_TIMEOUT = 30.0
REQUEST_TIMEOUT = 10.0

Headers = List[Tuple[bytes, bytes]]


def free_port() -> int:
    """A port the kernel picks (bind to 0), checked free: nothing listens."""
    for _ in range(20):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with socket.socket() as check:
            if check.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port on 127.0.0.1")


@dataclass
class Response:
    status: int
    headers: Headers  # names as sent, values without surrounding spaces

    def values(self, name: bytes) -> List[bytes]:
        return [v for n, v in self.headers if n.lower() == name.lower()]

    def cors(self) -> Headers:
        """The `access-control-*` lines, names lowercased."""
        return [(n.lower(), v) for n, v in self.headers if n.lower().startswith(b"access-control-")]

    def vary(self) -> List[str]:
        """Every name of every Vary line, in order."""
        return [item.strip().decode("latin-1") for line in self.values(b"vary")
                for item in line.split(b",") if item.strip()]


def http_request(port: int, method: bytes, path: bytes, host: bytes, headers: Sequence[Tuple[bytes, bytes]],
                 timeout: float = REQUEST_TIMEOUT) -> Response:
    """One request on its own connection: `METHOD PATH HTTP/1.1`, Host, the
    given lines in order, `Connection: close`; reads until the server closes."""
    lines = [method + b" " + path + b" HTTP/1.1", b"Host: " + host]
    lines += [name + b": " + value for name, value in headers]
    lines += [b"Connection: close", b"", b""]
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(b"\r\n".join(lines))
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return parse_response(b"".join(chunks))


def parse_response(data: bytes) -> Response:
    head, separator, _ = data.partition(b"\r\n\r\n")
    if not separator:
        raise ValueError(f"incomplete response: {data[:300]!r}")
    status_line, *lines = head.split(b"\r\n")
    headers = []
    for line in lines:
        name, colon, value = line.partition(b":")
        if not colon:
            raise ValueError(f"bad response header line: {line!r}")
        headers.append((name, value.strip(b" \t")))
    return Response(int(status_line.split(b" ")[1]), headers)


@dataclass
class Server:
    """A server process: `command` (with {port}) run with `env` added, from
    `workdir`, its output in `<workdir>/<name>.log`."""

    name: str
    command: List[str]
    env: Dict[str, str] = field(default_factory=dict)
    workdir: Path = Path(".")
    port: int = 0
    process: Optional[subprocess.Popen] = None
    log_path: Optional[Path] = None
    ready: bool = False

    def start(self) -> "Server":
        """Launch without waiting (several servers can boot at once)."""
        self.port = free_port()
        self.log_path = self.workdir / f"{self.name}.log"
        log = open(self.log_path, "wb")
        environment = {**os.environ, **self.env}
        self.process = subprocess.Popen(
            [part.format(port=self.port) for part in self.command], cwd=self.workdir,
            env=environment, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()  # the child holds its own descriptor
        return self

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> "Server":
        """Poll until the server answers an HTTP request (any status)."""
        assert self.process is not None, "start() first"
        if self.ready:
            return self
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log()}")
            try:
                http_request(self.port, b"GET", b"/", b"ready.test", [], timeout=1.0)
                self.ready = True
                return self
            except (OSError, ValueError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{self.name} not ready after {timeout} s:\n{self.log()}")
                time.sleep(0.05)

    def request(self, method: bytes, path: bytes, host: bytes, headers: Sequence[Tuple[bytes, bytes]] = ()) -> Response:
        return http_request(self.port, method, path, host, headers)

    def get(self, path: str = "/", host: str = "behaviour.test", headers: Sequence[Tuple[str, str]] = (),
            method: str = "GET") -> Response:
        """A text convenience for the behaviour tests."""
        return self.request(method.encode(), path.encode(), host.encode(),
                            [(n.encode("latin-1"), v.encode("latin-1")) for n, v in headers])

    def stop(self) -> None:
        """By pid: SIGTERM, wait, SIGKILL if it lingers."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def log(self, lines: int = 200) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:]) or "(empty log)"


def uvicorn(name: str, app: str, **kwargs) -> Server:
    return Server(name, [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", "{port}",
                         "--http", "h11", "--lifespan", "off", "--no-access-log", "--log-level", "warning"],
                  **kwargs)


def gunicorn(name: str, app: str, **kwargs) -> Server:
    return Server(name, [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:{port}", "--workers", "1",
                         "--log-level", "warning", "--error-logfile", "-", app], **kwargs)
