// The JS API around the addon: options in camelCase, ConfigError with
// every problem, the header shapes Node hands over, odd input, CommonJS and
// ESM entries, immutability, worker_threads sharing nothing but answers.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import unicorsDefault, { Policy, ConfigError, REQUEST_HEADER_NAMES } from 'unicors'

const require = createRequire(import.meta.url)
const ORIGIN = 'https://app.example.com'
const policy = new Policy({
  allowOrigins: [ORIGIN], allowMethods: ['PUT'], allowHeaders: ['x-token'],
  exposeHeaders: ['x-total'], allowCredentials: true, maxAge: 600
})

test('CommonJS and ESM give the same objects', () => {
  const cjs = require('unicors')
  assert.equal(cjs.Policy, Policy)
  assert.equal(unicorsDefault.Policy, Policy)
  assert.deepEqual([...REQUEST_HEADER_NAMES], ['origin', 'access-control-request-method',
    'access-control-request-headers', 'access-control-request-private-network'])
})

test('a preflight from req.headers', () => {
  const d = policy.evaluate('OPTIONS', {
    host: 'api.example.com', origin: ORIGIN, 'access-control-request-method': 'PUT',
    'access-control-request-headers': 'X-Token'
  }, '/api')
  assert.equal(d.kind, 'preflight')
  assert.equal(d.status, 204)
  assert.deepEqual(d.headers, [
    ['Access-Control-Allow-Origin', ORIGIN], ['Access-Control-Allow-Credentials', 'true'],
    ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'x-token'],
    ['Access-Control-Max-Age', '600']])
  assert.equal(d.vary, 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers')
})

test('rawHeaders, pairs, Headers and Map give the same answer', () => {
  const answers = [
    policy.evaluate('GET', ['Host', 'x', 'Origin', ORIGIN]),
    policy.evaluate('GET', [['Origin', ORIGIN]]),
    policy.evaluate('GET', new Headers({ Origin: ORIGIN })),
    policy.evaluate('GET', new Map([['origin', ORIGIN]])),
    policy.evaluate('GET', { origin: [ORIGIN] })
  ]
  for (const a of answers) assert.deepEqual(a, answers[0])
  assert.equal(answers[0].kind, 'actual')
})

test('rejections carry a reason and no CORS headers', () => {
  const d = policy.evaluate('GET', { origin: 'https://evil.example' })
  assert.equal(d.kind, 'rejected')
  assert.equal(d.reason, 'origin_not_allowed')
  assert.deepEqual(d.headers, [])
  assert.ok(!d.reasonMessage.includes('evil'))
})

test('Node joins repeated Origin lines with a comma: refused, never echoed', () => {
  const d = policy.evaluate('GET', { origin: `${ORIGIN}, https://evil.example` })
  assert.equal(d.kind, 'rejected')
})

test('odd input is classified, never thrown on', () => {
  for (const origin of ['https://caf\u00e9.example', 'https://\u2603.example', 'https://a\ud800.example',
    'https://a\u0000.example', 'x'.repeat(70000)]) {
    assert.equal(policy.evaluate('GET', { origin }).kind, 'rejected')
  }
  for (const method of ['', 'get', 'G\u00e9T', 'OPTIONS\r\n']) policy.evaluate(method, { origin: ORIGIN })
  for (const path of ['', '/a?b', '/\u2603', null, undefined]) policy.evaluate('GET', { origin: ORIGIN }, path)
  assert.equal(policy.evaluate('GET', null).kind, 'not_cors')
})

test('text beyond latin-1 is read as UTF-8, never truncated to a byte that would match', () => {
  // U+012E truncated to a byte would be '.', making this https://app.example.com.
  const lookalike = 'https://app\u012Eexample.com'
  for (const headers of [{ origin: lookalike }, ['Origin', lookalike]]) {
    const d = policy.evaluate('GET', headers)
    assert.equal(d.kind, 'rejected')
    assert.deepEqual(d.headers, [])
  }
  // latin-1 text (what Node hands over for bytes 0x80-0xFF) stays those bytes.
  assert.equal(policy.evaluate('GET', { origin: 'https://app.example.com\u00e9' }).kind, 'rejected')
})

test('the fast crossing refuses what is not its own policy', () => {
  const native = require(require.resolve('unicors').replace(/lib[\\/]index\.js$/, 'index.js'))
  const own = native.buildFromOptions({ allowOrigins: [ORIGIN] })
  assert.match(native.decideFast(own.id(), 'GET', ORIGIN), /^actual\n/)
  assert.throws(() => native.decideFast(987654, 'GET'), /no such policy/)
  assert.throws(() => native.decideFast('x', 'GET'), /policy id/)
  assert.throws(() => native.decideFast(), /bad arguments/)
  assert.throws(() => native.decideFast(own.id(), 42), /method/)
})

test('the host verdict', () => {
  assert.equal(policy.evaluate('GET', { origin: 'https://other.example' }, '/', true).kind, 'actual')
  assert.equal(policy.evaluate('GET', { origin: ORIGIN }, '/', false).kind, 'rejected')
})

test('ConfigError lists every problem, fields in camelCase', () => {
  assert.throws(() => new Policy({
    allowOrigins: ['https://App.example', '*'], allowCredentials: true, maxAge: -1,
    allowMethods: ['TRACE'], allowCredential: true
  }), (error) => {
    assert.ok(error instanceof ConfigError && error instanceof Error)
    assert.equal(error.code, 'ERR_UNICORS_CONFIG')
    const found = error.errors.map((p) => `${p.code} ${p.field}`)
    for (const want of ['origin_not_canonical allowOrigins[0]', 'origin_wildcard_with_credentials allowOrigins[1]',
      'max_age_out_of_range maxAge', 'method_forbidden allowMethods[0]', 'unknown_key allowCredential']) {
      assert.ok(found.includes(want), `${want} in ${found}`)
    }
    const unknown = error.errors.find((p) => p.code === 'unknown_key')
    assert.match(unknown.message, /allowCredentials/)
    assert.match(error.message, /origin_not_canonical/)
    return true
  })
  assert.throws(() => new Policy('nope'), TypeError)
  assert.throws(() => new Policy({ routes: [{ path: '/x', maxAge: 'ten' }] }),
    (e) => e.errors.some((p) => p.field === 'routes[0].maxAge' && p.code === 'wrong_type'))
})

test('documents and files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unicors-'))
  writeFileSync(join(dir, 'p.toml'), `allow_origins = ["${ORIGIN}"]\n`)
  writeFileSync(join(dir, 'p.json'), JSON.stringify({ allow_origins: [ORIGIN] }))
  for (const p of [Policy.fromFile(join(dir, 'p.toml')), Policy.fromFile(join(dir, 'p.json')),
    Policy.fromToml(`allow_origins = ["${ORIGIN}"]`), Policy.fromJson(JSON.stringify({ allow_origins: [ORIGIN] }))]) {
    assert.equal(p.evaluate('GET', { origin: ORIGIN }).kind, 'actual')
  }
  assert.throws(() => Policy.fromFile(join(dir, 'missing.toml')), (e) => e.errors[0].code === 'io')
  assert.throws(() => Policy.fromToml('allow_origins = ['), (e) => e.errors[0].code === 'syntax')
  // Documents keep their own (snake_case) field names.
  assert.throws(() => Policy.fromJson('{"max_age": -1}'), (e) => e.errors[0].field === 'max_age')
})

test('warnings', () => {
  const p = new Policy({ allowOrigins: [ORIGIN], allowHeaders: ['cookie'] })
  assert.deepEqual(p.warnings.map((w) => `${w.code} ${w.field}`), ['header_forbidden allowHeaders[0]'])
})

test('a policy is frozen', () => {
  assert.ok(Object.isFrozen(policy))
  assert.throws(() => { 'use strict'; policy.x = 1 }, TypeError)
})

test('worker_threads build and use their own policies with identical answers', async () => {
  const source = `
    const { parentPort } = require('node:worker_threads')
    const { Policy } = require(${JSON.stringify(require.resolve('unicors'))})
    const p = new Policy({ allowOrigins: ['${ORIGIN}'], allowMethods: ['PUT'] })
    let last
    for (let i = 0; i < 20000; i++) last = p.evaluate('OPTIONS', { origin: '${ORIGIN}', 'access-control-request-method': 'PUT' })
    parentPort.postMessage(last)`
  const runs = await Promise.all(Array.from({ length: 8 }, () => new Promise((resolve, reject) => {
    const w = new Worker(source, { eval: true })
    w.once('message', resolve)
    w.once('error', reject)
  })))
  for (const r of runs) assert.deepEqual(r, runs[0])
  assert.equal(runs[0].kind, 'preflight')
})

test('decisions are frozen and cached answers equal fresh ones', () => {
  const p = new Policy({ allowOrigins: [ORIGIN], routes: [{ path: '/public', allowOrigins: ['*'] }] })
  const first = p.evaluate('GET', { origin: ORIGIN }, '/api')
  const again = p.evaluate('GET', { origin: ORIGIN }, '/api/other')   // same route: the cached answer
  assert.equal(again, first)
  assert.ok(Object.isFrozen(first) && Object.isFrozen(first.headers) && Object.isFrozen(first.headers[0]))
  // The general path (raw header lines) gives the same answer, and the
  // route still counts: /public is another part of the policy.
  assert.deepEqual(p.evaluate('GET', ['Origin', ORIGIN], '/api'), first)
  assert.notDeepEqual(p.evaluate('GET', { origin: 'https://x.example' }, '/public/a'),
    p.evaluate('GET', { origin: 'https://x.example' }, '/api'))
  // A hostile header list is answered, not cached.
  const hostile = 'a,'.repeat(2048)
  assert.equal(p.evaluate('OPTIONS', { origin: ORIGIN, 'access-control-request-method': 'PUT',
    'access-control-request-headers': hostile }).kind, 'rejected')
})

test('adapter options: a typo or an unsupported option throws instead of meaning "any origin"', async () => {
  const { cors } = await import('unicors')
  assert.throws(() => cors({ origins: [ORIGIN] }), /unknown CORS option "origins" \(did you mean "origin"\?\)/)
  assert.throws(() => cors({ origin: [ORIGIN], strictPreflight: true }), /not supported/)
  assert.equal(typeof cors({ origin: [ORIGIN], credentials: true, maxAge: 600 }), 'function')
})
