"""The shared corpus over HTTP: which test host serves which corpus policy
(and origin verdict), what goes on the wire, how a response is compared with
`expect`, the cases a given server cannot carry (each with its reason), and
the per-adapter tally printed at the end of the run (tests/conftest.py).

Hosts: `p<N>.test` serves the N-th distinct policy of the wire cases;
`p<N>-yes.test` / `p<N>-no.test` the same policy with an `origin_allowed=`
callback returning True / False, and `...-async.test` with an async one."""

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from corpus import expected_headers, request_cases, wire_bytes
from servers import Response, Server

CASES = list(request_cases())
WIRE = [(case_id, policy, case) for case_id, policy, case in CASES if case.get("wire", True)]
NOT_WIRE = len(CASES) - len(WIRE)

_POLICY_INDEX: Dict[str, int] = {}
for _, _policy, _ in WIRE:
    _POLICY_INDEX.setdefault(json.dumps(_policy, sort_keys=True), len(_POLICY_INDEX))


def host(policy: Dict[str, Any], verdict: Optional[bool] = None, is_async: bool = False) -> str:
    name = f"p{_POLICY_INDEX[json.dumps(policy, sort_keys=True)]}"
    if verdict is not None:
        name += "-yes" if verdict else "-no"
        name += "-async" if is_async else ""
    return name + ".test"


def hosts() -> Dict[str, Dict[str, Any]]:
    """Every host a server builds an adapter instance for (apps.common.hosts)."""
    specs = {}
    for _, policy, case in WIRE:
        verdict = case["request"].get("origin_verdict")
        specs[host(policy)] = {"policy": policy, "verdict": None, "async": False}
        if verdict is not None:
            for is_async in (False, True):
                specs[host(policy, verdict, is_async)] = {"policy": policy, "verdict": verdict, "async": is_async}
    return specs


# Cases a server cannot carry unchanged, per adapter: {case id: reason},
# each one investigated (the server, not unicors, changes the request) and
# printed in the tally. None with the pinned servers (h11 under uvicorn,
# gunicorn): every wire case crosses them.
SERVER_SKIPS: Dict[str, Dict[str, str]] = {}

NO_CALLBACK = "origin_verdict case: the adapter has no origin callback"


def replay(server: Server, policy: Dict[str, Any], case: Dict[str, Any], verdict_async: bool = False) -> Response:
    request = case["request"]
    verdict = request.get("origin_verdict")
    return server.request(
        wire_bytes(request["method"]), request.get("path", "/").encode(),
        host(policy, verdict, verdict_async).encode(),
        [(wire_bytes(name), wire_bytes(value)) for name, value in request["headers"]])


def mismatches(response: Response, expect: Dict[str, Any]) -> List[str]:
    """What differs from `expect` (empty: the case passes)."""
    problems = []
    app_ran = response.values(b"x-app") == [b"1"]
    if expect.get("status") is not None:
        if response.status != expect["status"] or app_ran:
            problems.append(f"status {response.status} (app ran: {app_ran}), "
                            f"expected {expect['status']} answered by the adapter")
    elif response.status != 200 or not app_ran:
        problems.append(f"status {response.status} (app ran: {app_ran}), expected the app's 200")
    got = Counter((name.decode("latin-1"), value) for name, value in response.cors())
    want = expected_headers(expect)
    if got != want:
        problems.append(f"CORS headers {sorted(got.elements())}, expected {sorted(want.elements())}")
    if set(response.vary()) != set(expect.get("vary", [])):
        problems.append(f"Vary lines {response.values(b'vary')}, expected names {expect.get('vary', [])}")
    return problems


@dataclass
class Tally:
    passed: int = 0
    failed: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> count

    def line(self, adapter: str) -> str:
        reasons = "; ".join(f"{count}: {reason}" for reason, count in self.skipped.most_common())
        return (f"{adapter} corpus: {self.passed} passed, {self.failed} failed, "
                f"{sum(self.skipped.values())} skipped" + (f" ({reasons})" if reasons else ""))


TALLIES: Dict[str, Tally] = {}


def run(adapter: Any, server: Server) -> List[str]:
    """Every corpus case through one adapter's server; returns the failures
    (and records the tally)."""
    tally = TALLIES[adapter.name] = Tally()
    tally.skipped["wire: false in the corpus"] = NOT_WIRE
    skips = SERVER_SKIPS.get(adapter.name, {})
    failures = []
    for case_id, policy, case in WIRE:
        verdict = case["request"].get("origin_verdict")
        if case_id in skips:
            tally.skipped[skips[case_id]] += 1
            continue
        if verdict is not None and not adapter.verdicts:
            tally.skipped[NO_CALLBACK] += 1
            continue
        variants = [False, True] if verdict is not None and adapter.async_verdicts else [False]
        for verdict_async in variants:
            label = case_id + (" [async origin_allowed]" if verdict_async else "")
            try:
                problems = mismatches(replay(server, policy, case, verdict_async), case["expect"])
            except (OSError, ValueError) as error:
                problems = [f"no response: {error!r}"]
            if problems:
                tally.failed += 1
                failures.append(f"{label}: " + "; ".join(problems))
            else:
                tally.passed += 1
    return failures
