"""The shared corpus over loopback HTTP through every adapter in a real
server (uvicorn: Starlette, FastAPI, Django ASGI; gunicorn: WSGI, Flask,
Django WSGI): each wire case's exact header bytes on a raw socket, the
response's status, whether the app ran, its Access-Control-* lines and its
Vary names compared with `expect`. Verdict cases go through the adapter's
origin_allowed= callback (sync and async for ASGI); tallies are printed at
the end of the run."""

import corpus_http


def test_corpus_over_http(adapter, server):
    failures = corpus_http.run(adapter, server)
    assert not failures, f"{len(failures)} corpus cases failed through {adapter.name}:\n" + "\n".join(failures)
