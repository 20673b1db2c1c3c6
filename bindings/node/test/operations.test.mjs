// Operating unicors in production from Node: a report-only (shadow) policy
// beside the enforced one (differences handed to a callback, or one
// console.info line), per-kind and per-reason counters, swapping policies
// while serving, reloading policy files (a bad file changes nothing), and
// each adapter (express, fastify, node:http) over real HTTP with
// shadowPolicy; worker threads swapping under load never mix two policies.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Worker } from 'node:worker_threads'
import { createRequire } from 'node:module'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Policy, LivePolicy, COUNTER_NAMES, ConfigError, cors, handle, fastifyCors } from 'unicors'
import { listen, app, appReply, Fastify, express5 } from './support/servers.mjs'

const require = createRequire(import.meta.url)
const ORIGIN = 'https://app.example'
const OLD = 'https://old.example'
// A allows both origins; B only ORIGIN, with other methods, headers and max-age.
const A = { allowOrigins: [ORIGIN, OLD], allowMethods: ['PUT'], allowHeaders: ['x-a'], maxAge: 100 }
const B = { allowOrigins: [ORIGIN], allowMethods: ['PUT', 'PATCH'], allowHeaders: ['x-a', 'x-b'], maxAge: 200 }
const A_TOML = 'allow_origins = ["https://app.example", "https://old.example"]\nallow_methods = ["PUT"]\n'
const B_TOML = 'allow_origins = ["https://app.example"]\nallow_methods = ["PUT"]\nmax_age = 60\n'
const PREFLIGHT = { origin: ORIGIN, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-a' }

test('counters by kind and reason, named as on every surface', () => {
  const live = new LivePolicy(new Policy(A))
  live.evaluate('GET', { origin: ORIGIN })
  live.evaluate('GET', { origin: 'https://evil.example' })
  live.evaluate('GET', {})
  live.evaluate('OPTIONS', PREFLIGHT)
  live.evaluate('GET', ['Origin', 'https://evil.example']) // the general path counts too
  const c = live.counters()
  assert.deepEqual(Object.keys(c), [...COUNTER_NAMES])
  assert.deepEqual([c.actual, c.not_cors, c.preflight, c.rejected, c['rejected.origin_not_allowed']], [1, 1, 1, 2, 2])
  assert.equal(c['shadow.differences'], 0)
  assert.equal(COUNTER_NAMES[0], 'not_cors')
  assert.equal(COUNTER_NAMES.at(-1), 'shadow.differences')
})

test('report-only differences reach the callback; the enforced decision applies', () => {
  const reports = []
  const live = new LivePolicy(new Policy(A), { shadowPolicy: new Policy(B), onDifference: (r) => reports.push(r) })
  const decision = live.evaluate('GET', { origin: OLD }, '/items')
  assert.equal(decision.kind, 'actual')
  assert.equal(reports.length, 1)
  const [report] = reports
  assert.equal(report.decision, decision)
  assert.equal(report.shadow.kind, 'rejected')
  assert.equal(report.shadow.reason, 'origin_not_allowed')
  assert.deepEqual([...report.difference], ['kind', 'reason', 'headers'])
  assert.deepEqual([report.method, report.path, report.origin], ['GET', '/items', OLD])
  assert.ok(Object.isFrozen(report) && Object.isFrozen(report.difference))
  // Same answer from both: no report (from the cache the second time too).
  live.evaluate('GET', { origin: ORIGIN })
  live.evaluate('GET', { origin: ORIGIN })
  assert.equal(reports.length, 1)
  // The cached pair reports again: every request is reported.
  live.evaluate('GET', { origin: OLD }, '/items')
  assert.equal(reports.length, 2)
  live.evaluate('OPTIONS', PREFLIGHT)
  assert.deepEqual([...reports.at(-1).difference], ['headers'])
  // The general path (raw header lines) gives the same pair.
  live.evaluate('GET', ['Origin', OLD])
  assert.deepEqual([...reports.at(-1).difference], ['kind', 'reason', 'headers'])
  assert.equal(reports.at(-1).origin, OLD)
  const c = live.counters()
  assert.equal(c['shadow.differences'], 4)
  assert.equal(c['shadow.rejected.origin_not_allowed'], 3)
  assert.equal(c.actual, 5)
})

test('evaluateShadowed: the core says what differs, on both crossings', () => {
  const a = new Policy(A)
  const same = a.evaluateShadowed(a, 'OPTIONS', PREFLIGHT)
  assert.deepEqual([...same.difference], [])
  assert.equal(same.decision, same.shadow) // one frozen object per distinct answer
  const routed = new Policy({ ...B, routes: [{ path: '/r', allowOrigins: [OLD] }] })
  const pair = a.evaluateShadowed(routed, 'GET', { origin: OLD }, '/r/x')
  assert.deepEqual([...pair.difference], [])
  assert.deepEqual([...a.evaluateShadowed(routed, 'GET', { origin: OLD }, '/').difference], ['kind', 'reason', 'headers'])
  assert.throws(() => a.evaluateShadowed({}, 'GET', {}), TypeError)
})

test('a throwing callback never fails the request', async () => {
  const warned = new Promise((resolve) => process.once('warning', resolve))
  const live = new LivePolicy(new Policy(A), { shadowPolicy: new Policy(B), onDifference: () => { throw new Error('metrics down') } })
  assert.equal(live.evaluate('GET', { origin: OLD }).kind, 'actual')
  const warning = await warned
  assert.match(warning.message, /onDifference callback threw: metrics down/)
})

test('reload swaps both files at once; a bad file throws and changes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unicors-live-'))
  const enforced = join(dir, 'cors.toml')
  const shadow = join(dir, 'candidate.toml')
  writeFileSync(enforced, A_TOML)
  writeFileSync(shadow, B_TOML)
  const live = LivePolicy.fromFile(enforced, { shadowFile: shadow, onDifference: () => {} })
  assert.equal(live.evaluate('GET', { origin: OLD }).kind, 'actual')
  writeFileSync(enforced, B_TOML)
  writeFileSync(shadow, A_TOML)
  assert.deepEqual(live.reload(), [])
  assert.equal(live.evaluate('GET', { origin: OLD }).kind, 'rejected')
  assert.equal(live.shadowPolicy.evaluate('GET', { origin: OLD }).kind, 'actual')
  writeFileSync(shadow, 'allow_origins = ["*"]\nallow_credentials = true\n')
  assert.throws(() => live.reload(), (e) => e instanceof ConfigError && e.errors[0].code === 'origin_wildcard_with_credentials')
  assert.equal(live.evaluate('GET', { origin: OLD }).kind, 'rejected') // unchanged
  assert.equal(live.shadowPolicy.evaluate('GET', { origin: OLD }).kind, 'actual')
  writeFileSync(shadow, A_TOML.replace('["PUT"]', '["PUT", "patch"]'))
  assert.deepEqual(live.reload().map((p) => p.code), ['method_not_uppercase'])
  assert.throws(() => new LivePolicy(new Policy(A)).reload(), /did not come from a file/)
})

test('setPolicy keeps the report-only policy; setShadowPolicy(null) removes it', () => {
  const live = new LivePolicy(new Policy(A), { shadowPolicy: new Policy(B), onDifference: () => {} })
  live.setPolicy(new Policy(B))
  assert.equal(live.evaluate('GET', { origin: OLD }).kind, 'rejected')
  assert.ok(live.shadowPolicy instanceof Policy)
  assert.equal(live.counters()['shadow.rejected'], 1)
  live.setShadowPolicy(null)
  live.evaluate('GET', { origin: OLD })
  assert.equal(live.counters()['shadow.rejected'], 1) // no report-only decision any more
  assert.equal(live.counters().rejected, 2)
  assert.throws(() => live.setPolicy({}), TypeError)
  assert.ok(Object.isFrozen(live))
})

test('the default report is one console.info line with quoted request values', (t) => {
  const lines = []
  t.mock.method(console, 'info', (line) => lines.push(line))
  const live = new LivePolicy(new Policy(A), { shadowPolicy: new Policy(B) })
  live.evaluate('GET', { origin: OLD + '\r\nX-Forged: 1' }, '/a')
  live.evaluate('GET', { origin: OLD }, '/a')
  assert.equal(lines.length, 1)
  assert.match(lines[0], /report-only policy differs \(kind, reason, headers\) on "GET" "\/a" from origin "https:\/\/old.example": enforced actual, report-only rejected \(origin_not_allowed\)/)
  assert.ok(!/[\r\n]/.test(lines.join('')))
})

// ---- the adapters over real HTTP -------------------------------------------

async function get (port, headers) {
  const response = await fetch(`http://127.0.0.1:${port}/items`, { headers })
  await response.text()
  return response
}

for (const [name, start] of [
  ['express', (options) => {
    const server = express5()
    server.use(cors(options))
    server.use((req, res) => app(req, res))
    return listen(server)
  }],
  ['fastify', async (options) => {
    const instance = Fastify({ logger: false })
    await instance.register(fastifyCors, options)
    instance.route({ method: ['GET', 'POST'], url: '/*', handler: appReply })
    await instance.ready()
    return listen((req, res) => instance.routing(req, res))
  }],
  ['node:http', (options) => {
    const live = new LivePolicy(new Policy({ allowOrigins: [ORIGIN, OLD] }), options)
    return listen((req, res) => { if (!handle(live, req, res)) app(req, res) })
  }]
]) {
  test(`${name}: shadowPolicy reports what the candidate would change`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'unicors-shadow-'))
    const candidate = join(dir, 'candidate.toml')
    writeFileSync(candidate, 'allow_origins = ["https://app.example"]\n')
    const reports = []
    const options = name === 'node:http'
      ? { shadowPolicy: candidate, onDifference: (r) => reports.push(r) }
      : { origin: [ORIGIN, OLD], shadowPolicy: candidate, onShadowDifference: (r) => reports.push(r) }
    const server = await start(options)
    t.after(() => server.close())
    const { port } = server.address()
    const old = await get(port, { Origin: OLD })
    assert.equal(old.headers.get('access-control-allow-origin'), OLD) // still enforced
    assert.equal(reports.length, 1)
    assert.deepEqual([...reports[0].difference], ['kind', 'reason', 'headers'])
    assert.equal(reports[0].shadow.reason, 'origin_not_allowed')
    assert.equal(reports[0].origin, OLD)
    const same = await get(port, { Origin: ORIGIN })
    assert.equal(same.headers.get('access-control-allow-origin'), ORIGIN)
    assert.equal(reports.length, 1)
  })
}

test('cors({ policy: live }) follows setPolicy while serving', async (t) => {
  const live = new LivePolicy(new Policy(A))
  const server = express5()
  server.use(cors({ policy: live }))
  server.use((req, res) => app(req, res))
  const listening = await listen(server)
  t.after(() => listening.close())
  const { port } = listening.address()
  assert.equal((await get(port, { Origin: OLD })).headers.get('access-control-allow-origin'), OLD)
  live.setPolicy(new Policy(B))
  assert.equal((await get(port, { Origin: OLD })).headers.get('access-control-allow-origin'), null)
  assert.equal(live.counters()['rejected.origin_not_allowed'], 1)
  assert.throws(() => cors({ policy: live, shadowPolicy: new Policy(B) }), /LivePolicy carries its own/)
  assert.throws(() => cors({ origin: [ORIGIN], onShadowDifference: () => {} }), /needs shadowPolicy/)
})

test('worker threads swapping under load never mix two policies', async () => {
  // Each worker serves preflights through its own LivePolicy while the
  // main thread tells it to swap A and B 200 times; every answer must be
  // A's whole header set or B's, none mixed, none failed.
  const source = `
    const { parentPort } = require('node:worker_threads')
    const { Policy, LivePolicy } = require(${JSON.stringify(require.resolve('unicors'))})
    const A = ${JSON.stringify(A)}, B = ${JSON.stringify(B)}
    const live = new LivePolicy(new Policy(A))
    const headers = ${JSON.stringify(PREFLIGHT)}
    const key = (d) => JSON.stringify([d.kind, d.status, d.headers, d.vary])
    const answerA = key(new Policy(A).evaluate('OPTIONS', headers))
    const answerB = key(new Policy(B).evaluate('OPTIONS', headers))
    const seen = { a: 0, b: 0, mixed: 0, failed: 0 }
    let swaps = 0, done = false
    parentPort.on('message', (message) => {
      if (message === 'stop') { done = true; return }
      live.setPolicy(new Policy(swaps++ % 2 === 0 ? B : A))
      parentPort.postMessage('swapped')
    })
    const serve = () => {
      for (let i = 0; i < 200; i++) {
        try {
          const got = key(live.evaluate('OPTIONS', { ...headers }))
          if (got === answerA) seen.a++; else if (got === answerB) seen.b++; else seen.mixed++
        } catch { seen.failed++ }
      }
      if (done) parentPort.postMessage({ seen, swaps, counted: live.counters().preflight })
      else setImmediate(serve)
    }
    serve()`
  const results = await Promise.all(Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true })
    let swaps = 0
    worker.on('message', (message) => {
      if (message === 'swapped') {
        if (++swaps < 200) setImmediate(() => worker.postMessage('swap'))
        else worker.postMessage('stop')
      } else {
        resolve(message)
        worker.terminate()
      }
    })
    worker.once('error', reject)
    worker.postMessage('swap')
  })))
  for (const { seen, swaps, counted } of results) {
    assert.equal(swaps, 200)
    assert.equal(seen.mixed, 0)
    assert.equal(seen.failed, 0)
    assert.ok(seen.a > 0 && seen.b > 0, JSON.stringify(seen))
    assert.equal(counted, seen.a + seen.b)
  }
})
