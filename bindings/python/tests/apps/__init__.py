"""The apps the test servers run (one module per server: uvicorn or gunicorn
imports `apps.<module>:app` with the tests directory on PYTHONPATH). Each
serves many hosts: one unicors adapter instance per corpus policy (the hosts
file the tests write, see apps.common) plus a few fixed behaviour hosts."""
