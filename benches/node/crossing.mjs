// What one crossing into the addon costs, per kind of the workload: a
// trivial napi-rs class method (the floor of a napi-rs call), the raw
// `decideFast` call alone, `Policy.evaluate` when it must cross (a policy
// with routes, which has no request cache) and when its request cache
// answers. Medians (min–max) over repetitions, ns per call.
//
//   node benches/node/crossing.mjs [--repeat 15] [--ms 200]
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(join(here, '..', '..', 'bindings', 'node', 'package.json'))
const native = require('./index.js')
const { Policy } = require('./lib/index.js')

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, all) => (v.startsWith('--') ? [...acc, [v.slice(2), all[i + 1]]] : acc), []))
const REPEAT = Number(args.repeat ?? 15)
const MS = Number(args.ms ?? 200)

const keys = { allowOrigins: ['https://app.example.com', 'https://admin.example.com', 'http://localhost:3000'], allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], allowHeaders: ['content-type', 'authorization', 'x-request-id'], exposeHeaders: ['x-request-id'], allowCredentials: true, maxAge: 600 }
const cached = new Policy(keys)
// A route the workload never takes: same answers, but no request cache.
const crossing = new Policy({ ...keys, routes: [{ path: '/elsewhere', allowOrigins: ['*'], allowCredentials: false }] })
const nativePolicy = native.buildFromOptions(keys)
const id = nativePolicy.id()

const HOSTILE = Array(256).fill('a,,,b,,,c,,,d').join(',').slice(0, 4096)
const KINDS = {
  a: ['OPTIONS', 'https://admin.example.com', 'PUT', 'content-type,x-request-id'],
  b: ['GET', 'https://app.example.com'],
  c: ['GET', 'https://evil.example.net'],
  d: ['GET'],
  e: ['OPTIONS', 'https://admin.example.com', 'PUT', HOSTILE]
}
const headersOf = ([, origin, method, names]) => Object.fromEntries(Object.entries({ origin, 'access-control-request-method': method, 'access-control-request-headers': names }).filter(([, v]) => v !== undefined))

function timePerCall (fn) {
  let n = 256
  for (;;) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    const took = Number(process.hrtime.bigint() - t0) / 1e6
    if (took > MS / 4) { n = Math.max(1, Math.round(n * MS / took)); break }
    n *= 2
  }
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) fn()
  return Number(process.hrtime.bigint() - t0) / n
}

const rows = {
  'napi-rs class method returning a boolean': () => () => nativePolicy.hasRoutes(),
  'decideFast (raw N-API) alone': ([method, origin, rm, rh]) => () => native.decideFast(id, method, origin, rm, rh, undefined, undefined, undefined, true),
  'Policy.evaluate, crossing every call': (kind) => { const h = headersOf(kind); return () => crossing.evaluate(kind[0], h, '/api/items') },
  'Policy.evaluate, request cache hit': (kind) => { const h = headersOf(kind); return () => cached.evaluate(kind[0], h, '/api/items') }
}

const fmt = (v) => { const s = [...v].sort((x, y) => x - y); return `${s[s.length >> 1].toFixed(0)} ns (${s[0].toFixed(0)}–${s[s.length - 1].toFixed(0)})` }
console.log(`| call | ${Object.keys(KINDS).map((k) => `(${k})`).join(' | ')} |`)
console.log(`|---|${'---|'.repeat(Object.keys(KINDS).length)}`)
for (const [label, make] of Object.entries(rows)) {
  const cells = Object.values(KINDS).map((kind) => {
    const fn = make(kind)
    const values = []
    for (let r = 0; r < REPEAT; r++) values.push(timePerCall(fn))
    return fmt(values)
  })
  console.log(`| ${label} | ${cells.join(' | ')} |`)
}
