// The whole shared corpus (tests/cases, format in its README) through
// Policy.evaluate, from the installed package: every request case, with
// header bytes handed over as Node does (latin-1 strings) — as rawHeaders
// (the general crossing) and, where no CORS header repeats, as a
// req.headers object (the fast crossing, twice: the second answer comes
// from the caches) — and every validation case through Policy.fromJson.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Policy, ConfigError } from 'unicors'

const CASES = process.env.UNICORS_CASES
if (!CASES) throw new Error('set UNICORS_CASES to the tests/cases directory')

// A corpus value is a string (its UTF-8 bytes) or {hex}: as Node would
// hand those bytes over, a latin-1 string of them.
const wire = (value) => (typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.hex, 'hex')).toString('latin1')

const files = readdirSync(CASES).filter((f) => f.endsWith('.json')).sort()
const documents = files.map((f) => [f, JSON.parse(readFileSync(join(CASES, f), 'utf8'))])
const policies = new Map()
const policyFor = (document) => {
  const key = JSON.stringify(document)
  if (!policies.has(key)) policies.set(key, Policy.fromJson(key))
  return policies.get(key)
}

let requests = 0
let validations = 0
let fastCases = 0

const CORS_REQUEST_HEADERS = new Set(['origin', 'access-control-request-method', 'access-control-request-headers',
  'access-control-request-private-network'])

/** Flat rawHeaders as Node's req.headers object; null if a CORS header repeats (Node would join it). */
function headersObject (rawHeaders) {
  const object = {}
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase()
    if (name in object) {
      if (CORS_REQUEST_HEADERS.has(name)) return null
      object[name] += ', ' + rawHeaders[i + 1]
    } else {
      object[name] = rawHeaders[i + 1]
    }
  }
  return object
}

function expectDecision (d, e) {
  assert.equal(d.kind, e.kind)
  assert.equal(d.reason ?? null, e.reason ?? null)
  assert.equal(d.status ?? null, e.status ?? null)
  const got = d.headers.map(([n, v]) => `${n.toLowerCase()}: ${Buffer.from(v, 'latin1').toString('hex')}`).sort()
  const want = (e.headers ?? []).map(([n, v]) => `${n.toLowerCase()}: ${Buffer.from(wire(v), 'latin1').toString('hex')}`).sort()
  assert.deepEqual(got, want)
  assert.deepEqual(new Set(d.vary ? d.vary.split(', ') : []), new Set(e.vary ?? []))
  assert.equal(Boolean(d.reasonMessage), d.kind === 'rejected')
}

for (const [file, document] of documents) {
  for (const c of document.cases ?? []) {
    requests++
    test(`${file} :: ${c.name}`, () => {
      const policy = policyFor(c.policy ?? document.policy)
      const r = c.request
      const rawHeaders = r.headers.flatMap(([n, v]) => [wire(n), wire(v)])
      const args = [wire(r.method), r.path ?? null, r.origin_verdict ?? null]
      expectDecision(policy.evaluate(args[0], rawHeaders, args[1], args[2]), c.expect)
      const object = headersObject(rawHeaders)
      if (object !== null) {
        fastCases++
        const first = policy.evaluate(args[0], object, args[1], args[2])
        expectDecision(first, c.expect)
        assert.deepEqual(policy.evaluate(args[0], { ...object }, args[1], args[2]), first)
      }
    })
  }
  for (const v of document.validation ?? []) {
    validations++
    test(`${file} :: validation :: ${v.name}`, () => {
      const pairs = (problems) => problems.map((p) => `${p.code} ${p.field}`).sort()
      let errors = []
      let warnings = []
      try {
        warnings = Policy.fromJson(JSON.stringify(v.policy)).warnings
      } catch (error) {
        assert.ok(error instanceof ConfigError)
        assert.equal(error.code, 'ERR_UNICORS_CONFIG')
        errors = error.errors
        warnings = error.warnings
      }
      assert.deepEqual(pairs(errors), pairs(v.errors))
      if (v.warnings) assert.deepEqual(pairs(warnings), pairs(v.warnings))
    })
  }
}

test('the corpus is complete', () => {
  assert.ok(requests >= 200, `${requests} request cases`)
  assert.ok(validations >= 100, `${validations} validation cases`)
  assert.ok(fastCases >= 300, `${fastCases} cases through the fast crossing`)
  console.log(`node corpus: ${requests} request cases (${fastCases} also as req.headers), ${validations} validation cases`)
})
