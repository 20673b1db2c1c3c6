"""A policy change and a reload (SIGHUP) under a steady stream of requests:
no request may fail."""

import json
import threading
import time

from harness import (IO_TIMEOUT, HttpError, Nginx, Problems, acao, free_port,
                     get, nginx_conf, preflight, upstream_server)

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
