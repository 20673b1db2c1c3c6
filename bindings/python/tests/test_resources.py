"""Resource behaviour of the native module: no memory growth over a million
decisions (every kind, ConfigError included), and one Policy shared by eight
threads giving identical answers."""

import gc
import sys
import threading

import pytest

from unicors import ConfigError, Policy

ORIGIN = b"https://app.example.com"
REQUESTS = [
    (b"OPTIONS", [(b"origin", ORIGIN), (b"access-control-request-method", b"PUT"),
                  (b"access-control-request-headers", b"X-Token, content-type")]),  # echo is normalised
    (b"GET", [(b"origin", ORIGIN), (b"accept", b"*/*"), (b"user-agent", b"test")]),
    ("GET", [("Origin", "https://evil.example"), ("Cookie", "a=b")]),
    ("POST", {"Origin": "https://caf\u00e9.example"}),
    (b"GET", []),
]


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    import resource

    return pages * resource.getpagesize()


@pytest.fixture(scope="module")
def policy():
    return Policy(allow_origins=[ORIGIN.decode()], allow_methods=["PUT"],
                  allow_headers=["x-token", "content-type"], expose_headers=["x-total"],
                  allow_credentials=True, max_age=600)


def run(policy, rounds):
    for _ in range(rounds):
        for method, headers in REQUESTS:
            decision = policy.evaluate(method, headers, path="/api")
            decision.headers
            decision.raw_headers
            decision.vary_to_append("Accept-Encoding")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_a_million_decisions_do_not_grow_memory(policy):
    run(policy, 20_000)  # warm-up: allocator pools, interned strings
    gc.collect()
    before = rss_bytes()
    run(policy, 200_000)  # 5 requests each: 1,000,000 decisions
    for _ in range(2_000):
        with pytest.raises(ConfigError):
            Policy(allow_origins=["*"], allow_credentials=True, max_age=-1)
    gc.collect()
    grown = rss_bytes() - before
    print(f"python leak check: 1,000,000 decisions + 2,000 ConfigErrors, RSS grew {grown} bytes")
    assert grown < 1024 * 1024, f"RSS grew by {grown} bytes"


def test_eight_threads_share_one_policy(policy):
    expected = [(d.kind, d.status, d.headers, d.vary) for d in
                (policy.evaluate(m, h, path="/api") for m, h in REQUESTS)]
    mismatches = []
    start = threading.Barrier(8)

    def work():
        start.wait()
        for _ in range(3_000):
            got = [(d.kind, d.status, d.headers, d.vary) for d in
                   (policy.evaluate(m, h, path="/api") for m, h in REQUESTS)]
            if got != expected:
                mismatches.append(got)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not mismatches
