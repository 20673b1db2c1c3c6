#!/usr/bin/env python3
"""End-to-end tests of the unicors nginx module (ngx_http_unicors_module.so).

What runs, each nginx in its own directory under one fresh temporary prefix:

  conftest/   `nginx -t` on broken and valid configurations: an invalid
              policy file, an invalid inline directive, a valid config,
              the README's example.
  corpus/     the shared corpus (tests/cases/*.json) replayed over raw
              sockets, one virtual host per distinct policy.
  inherit/    http -> server -> location inheritance of the directives.
  scenarios/  error statuses, error_page, upstream CORS headers, access
              checks, preflight_continue, variables, Vary merge, subrequests.
  reload/     a policy change and a reload (SIGHUP) under a steady stream of
              requests: no request may fail.
  operations/ a report-only policy (log line, variables), counters in shared
              memory over two workers, kept across a reload.

This file parses the arguments, writes every configuration, runs the groups in
that order (each nginx checked with `nginx -t`, started, tested and stopped)
and prints the summary. The checks live beside it:

  harness.py      check results, the raw-socket HTTP client, free ports,
                  nginx processes, the configuration text they all share
  config_test.py  conftest/
  corpus.py       corpus/
  inheritance.py  inherit/
  scenarios.py    scenarios/
  reload.py       reload/
  operations.py   operations/

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
import os
import re
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

from config_test import conftest_setup, run_conftest
from corpus import corpus_setup, run_corpus
from harness import ROOT, Results, exit_on_sigterm, stop_all
from inheritance import inherit_setup, run_inherit
from operations import operations_setup, run_operations
from reload import reload_setup, run_reload
from scenarios import run_scenarios, scenarios_setup

CASES_DIR = ROOT / "tests" / "cases"
DEFAULT_MODULE = ROOT / "target" / "nginx" / "ngx_http_unicors_module.so"


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
    text = re.sub(r'(?<![\w"$])unicors\w*(\s[^;{}]*)?;', "", text)
    return re.sub(r"\$unicors_\w+", "$status", text)


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


def main(argv=None):
    args = parse_args(argv)
    exit_on_sigterm()
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
        (operations_setup(base, module), run_operations, True),
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
        stop_all()
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
