// Run by leak.test.mjs as `node --expose-gc`: 2,400,000 Policy.evaluate
// calls of mixed kinds (preflights allowed and refused, actual requests,
// rejections, not_cors, host verdicts, routes, odd bytes), measuring
// heapUsed + external (and rss, where native allocations show) after gc()
// at checkpoints. Prints one JSON line.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Policy } from 'unicors'

// The addon itself (its loader is not an export of the package).
const require = createRequire(import.meta.url)
const addon = require(join(dirname(require.resolve('unicors/package.json')), 'index.js'))

if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc')
const TOTAL = Number(process.argv[2] ?? 2_400_000)
// rss settles after ~1.6M calls (V8 and malloc keep what the answer
// strings' churn made them take; measured flat from 1.6M to 4M): the late
// checkpoints come after that, five from 1.6M and five up to the end, so
// that the test can compare medians (a leak is a trend; one noisy reading
// is not).
const LATE = [1_600_000, 1_650_000, 1_700_000, 1_750_000, 1_800_000]
const CHECKPOINTS = new Set([200_000, ...LATE, ...LATE.map((n) => n - LATE[0] + TOTAL - 200_000)])

const policy = new Policy({
  allowOrigins: ['https://app.example.com', 'https://*.example.com'],
  allowCredentials: true,
  allowMethods: ['PUT', 'DELETE'],
  allowHeaders: ['x-custom', 'authorization'],
  exposeHeaders: ['x-total'],
  maxAge: 600,
  allowPrivateNetwork: true,
  routes: [{ path: '/public', allowOrigins: ['*'], allowCredentials: false, allowPrivateNetwork: false }]
})

const requests = [
  ['OPTIONS', { origin: 'https://app.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'X-Custom, Authorization' }, '/api'],
  ['OPTIONS', { origin: 'https://evil.example', 'access-control-request-method': 'PUT' }, '/api'],
  ['OPTIONS', { origin: 'https://app.example.com', 'access-control-request-method': 'PATCH', 'access-control-request-private-network': 'true' }, '/api'],
  ['GET', { origin: 'https://a.example.com', host: 'x' }, '/api/items?page=2'],
  ['GET', { origin: 'https://evil.example' }, '/api'],
  ['GET', { host: 'x' }, '/'],
  ['POST', ['Origin', 'https://b.example.com', 'Content-Type', 'application/json'], '/public/data'],
  ['GET', [['Origin', 'https://caf\u00e9.example'], ['Origin', 'null']], '/'],
  ['PUT', { origin: 'https://partner.example' }, '/api', true],
  ['GET', { origin: 'https://app.example.com' }, '/api', false]
]

const measure = () => {
  for (let i = 0; i < 3; i++) globalThis.gc()
  const { heapUsed, heapTotal, external, rss } = process.memoryUsage()
  // rss minus V8's committed heap: the process's native memory (the
  // addon's included), without the heap pages V8 keeps or returns at will.
  return { js: heapUsed + external, rss, native: rss - heapTotal, addon: addon.allocatedBytes() }
}

const kinds = {}
const figures = {}
const started = process.hrtime.bigint()
for (let i = 1; i <= TOTAL; i++) {
  const [method, headers, path, verdict] = requests[i % requests.length]
  // A fresh Origin string now and then, so new strings cross the boundary too.
  const h = i % 97 === 0 ? { origin: `https://t${i}.example.com` } : headers
  const d = policy.evaluate(method, h, path, verdict)
  if (i <= requests.length * 2) kinds[d.kind] = (kinds[d.kind] ?? 0) + 1
  if (CHECKPOINTS.has(i)) figures[i] = measure()
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9
console.log(JSON.stringify({ total: TOTAL, figures, kinds, seconds }))
