#!/usr/bin/env bash
# The Node package's tests, against the packed tarball: npm ci (the pinned
# @napi-rs/cli), build the addon (release), check that the generated
# index.js / index.d.ts are the committed ones, `npm pack`, install the
# tarball into an empty project together with the servers and peers the
# tests use (express 5 and 4, fastify, cors, @fastify/cors, at the versions
# pinned in devDependencies), check `require` and `import` from there, and
# run test/*.test.mjs there with node --test (test/support/ holds their
# helpers). Run from anywhere:
#
#   bindings/node/run-tests.sh
#
# Ends with `node tests: all passed` (exit 1 on a failure).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$HERE"

echo "== npm ci"
npm ci --no-audit --no-fund --loglevel=error
echo "== napi build --platform --release"
npx napi build --platform --release >"$ROOT/target/node-build.log" 2>&1 || { tail -n 40 "$ROOT/target/node-build.log"; exit 1; }
git -C "$ROOT" diff --exit-code -- bindings/node/index.js bindings/node/index.d.ts \
  || { echo "generated index.js / index.d.ts differ from the committed ones: commit them"; exit 1; }

echo "== npm pack, install into an empty project"
PROJECT=$(mktemp -d "${TMPDIR:-/tmp}/unicors-node.XXXXXX")
trap 'rm -rf "$PROJECT"' EXIT
tarball=$(npm pack --silent --pack-destination "$PROJECT")
echo "$tarball: $(tar tzf "$PROJECT/$tarball" | tr '\n' ' ')"
cd "$PROJECT"
npm init -y >/dev/null
# The test dependencies, exactly as pinned in package.json's devDependencies.
test_deps=$(node -e '
  const dev = require(process.argv[1]).devDependencies
  const names = ["express", "express4", "fastify", "cors", "@fastify/cors"]
  for (const name of names) if (!dev[name]) throw new Error(`devDependencies lacks ${name}`)
  console.log(names.map((name) => `${name}@${dev[name]}`).join(" "))' "$HERE/package.json")
echo "test dependencies: $test_deps"
# shellcheck disable=SC2086 # one word per package
npm install --no-audit --no-fund --loglevel=error "./$tarball" $test_deps
node -e "const { Policy } = require('unicors'); new Policy({ allowOrigins: ['https://a.example'] })"
node --input-type=module -e "import { Policy } from 'unicors'; new Policy({ allowOrigins: ['https://a.example'] })"
echo "require('unicors') and import { Policy } from 'unicors' work"

echo "== node --test (from the installed package)"
cp -r "$HERE/test" "$PROJECT/test"
status=0
UNICORS_CASES="$ROOT/tests/cases" node --test --test-reporter=tap test/*.test.mjs >"$ROOT/target/node-test.log" 2>&1 || status=$?
grep -E '^not ok' -A 30 "$ROOT/target/node-test.log" | head -n 120 || true
# The summaries the tests print: corpus counts (in-process and per adapter
# over HTTP), differential counts with their deliberate differences, the
# leak figures, then the runner's totals.
grep -E '^# (node corpus|.+ corpus: |.+ differential: | +[0-9]+ x |leak: |tests|pass|fail|skipped)' "$ROOT/target/node-test.log"
[ "$status" -eq 0 ] || { echo "node tests: FAILED (log: target/node-test.log)"; exit 1; }
echo "node tests: all passed"
