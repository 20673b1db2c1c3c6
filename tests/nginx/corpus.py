"""The shared corpus (tests/cases/*.json) replayed over raw sockets: one
name-based virtual host per distinct policy, all proxying to an upstream
server block in the same nginx."""

import json
from pathlib import Path

from harness import (HttpError, Nginx, Problems, build_request, free_port,
                     nginx_conf, send_raw, upstream_server)

# Carries a case's origin_verdict to `unicors_origin_verdict`.
VERDICT_HEADER = b"X-Unicors-Test-Verdict"


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
