// The Node rows of targets.md: the CORS cost per request of unicors's
// express middleware, node:http `handle` and fastify hook next to the `cors`
// package's middleware and @fastify/cors's onRequest hook, all called
// directly (no sockets) with the same fake request/response objects, on the
// workload of peer-bench.md, in one process.
//
//   node benches/node/bench.mjs [--repeat 15] [--ms 200] [--json out.json]
//
// (run by benches/node/run.sh, which installs the pinned peers first). Cost =
// time per call of the layer minus the same harness with a bare handler,
// paired per repetition; medians with min–max, and ratios per repetition.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { writeFileSync } from 'node:fs'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(join(here, '..', '..', 'bindings', 'node', 'package.json'))
const unicors = require('./lib/index.js')
const corsPackage = require('cors')
const fastifyCorsPackage = require('@fastify/cors')

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, all) => (v.startsWith('--') ? [...acc, [v.slice(2), all[i + 1]]] : acc), []))
const REPEAT = Number(args.repeat ?? 15)
const MS = Number(args.ms ?? 200)

const ORIGINS = ['https://app.example.com', 'https://admin.example.com', 'http://localhost:3000']
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']
const HEADERS = ['content-type', 'authorization', 'x-request-id']
const BROWSER = {
  host: 'api.example.com', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0', accept: '*/*',
  'accept-language': 'en-US,en;q=0.9', 'accept-encoding': 'gzip, deflate, br', referer: 'https://app.example.com/page',
  'sec-fetch-mode': 'cors', 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'empty', connection: 'keep-alive'
}
const HOSTILE = Array(256).fill('a,,,b,,,c,,,d').join(',').slice(0, 4096)
const KINDS = {
  a: ['OPTIONS', { origin: 'https://admin.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type,x-request-id' }],
  b: ['GET', { origin: 'https://app.example.com' }],
  c: ['GET', { origin: 'https://evil.example.net' }],
  d: ['GET', {}],
  e: ['OPTIONS', { origin: 'https://admin.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': HOSTILE }]
}
const LABELS = { a: '(a) preflight ok', b: '(b) actual ok', c: '(c) bad origin', d: '(d) no Origin', e: '(e) hostile preflight' }

// A response with the methods the middlewares use.
function makeResponse () {
  return {
    statusCode: 200,
    _h: Object.create(null),
    getHeader (n) { return this._h[n.toLowerCase()] },
    setHeader (n, v) { this._h[n.toLowerCase()] = v; return this },
    removeHeader (n) { delete this._h[n.toLowerCase()] },
    end () { this.ended = true }
  }
}

// A fastify reply with what the hooks use.
function makeReply () {
  const raw = makeResponse()
  return {
    raw,
    header (n, v) { raw.setHeader(n, v); return this },
    getHeader (n) { return raw.getHeader(n) },
    removeHeader (n) { raw.removeHeader(n); return this },
    hasHeader (n) { return raw.getHeader(n) !== undefined },
    code (s) { raw.statusCode = s; return this },
    send () { raw.end(); return this }
  }
}

// The onRequest hook a fastify plugin registers, captured from a fake instance.
function hookOf (plugin, options) {
  let hook = null
  const fake = {
    addHook (name, fn) { if (name === 'onRequest') hook = fn },
    options () {},
    decorateRequest () {},
    hasRequestDecorator () { return false },
    register () {},
    log: { warn () {}, info () {}, debug () {} }
  }
  plugin(fake, options, () => {})
  if (!hook) throw new Error('no onRequest hook registered')
  return hook
}

const corsOptions = { origin: ORIGINS, methods: METHODS, allowedHeaders: HEADERS, exposedHeaders: ['x-request-id'], credentials: true, maxAge: 600 }
const policy = new unicors.Policy({ allowOrigins: ORIGINS, allowMethods: METHODS, allowHeaders: HEADERS, exposeHeaders: ['x-request-id'], allowCredentials: true, maxAge: 600 })

const express = {
  bare: (req, res, next) => next(),
  cors: corsPackage(corsOptions),
  'unicors cors()': unicors.cors(corsOptions)
}
const http = {
  bare: (req, res) => false,
  'unicors handle()': (req, res) => unicors.handle(policy, req, res)
}
const fastify = {
  bare: (request, reply, next) => next(),
  '@fastify/cors': hookOf(fastifyCorsPackage, { ...corsOptions, hook: 'onRequest' }),
  'unicors plugin': hookOf(unicors.fastifyCors, corsOptions)
}

function timePerCall (run, ms) {
  let n = 256
  for (;;) {
    const t0 = process.hrtime.bigint()
    run(n)
    const took = Number(process.hrtime.bigint() - t0) / 1e6
    if (took > ms / 4) { n = Math.max(1, Math.round(n * ms / took)); break }
    n *= 2
  }
  const t0 = process.hrtime.bigint()
  run(n)
  return Number(process.hrtime.bigint() - t0) / n
}

const noop = () => {}
const runners = {
  express: (fn, kind) => (n) => {
    const [method, cors] = KINDS[kind]
    const headers = { ...BROWSER, ...cors }
    for (let i = 0; i < n; i++) fn({ method, url: '/api/items', headers }, makeResponse(), noop)
  },
  http: (fn, kind) => (n) => {
    const [method, cors] = KINDS[kind]
    const headers = { ...BROWSER, ...cors }
    for (let i = 0; i < n; i++) fn({ method, url: '/api/items', headers }, makeResponse())
  },
  fastify: (fn, kind) => (n) => {
    const [method, cors] = KINDS[kind]
    const headers = { ...BROWSER, ...cors }
    for (let i = 0; i < n; i++) {
      const raw = { method, url: '/api/items', headers }
      fn({ method, url: '/api/items', headers, raw, routeOptions: {}, routerPath: '/api/items' }, makeReply(), noop)
    }
  }
}

// Every subject of every group is timed in each repetition, one after the
// other, so that the ratios the report takes per repetition compare
// measurements made moments apart (this machine's load drifts).
const groups = { express, http, fastify }
const results = {}
for (const kind of Object.keys(KINDS)) {
  for (let r = 0; r < REPEAT; r++) {
    for (const [group, subjects] of Object.entries(groups)) {
      const bare = timePerCall(runners[group](subjects.bare, kind), MS)
      for (const name of Object.keys(subjects).filter((s) => s !== 'bare')) {
        (results[`${group}|${name}|${kind}`] ??= []).push(timePerCall(runners[group](subjects[name], kind), MS) - bare)
      }
    }
  }
  for (const [group, subjects] of Object.entries(groups)) {
    for (const name of Object.keys(subjects).filter((s) => s !== 'bare')) {
      const values = results[`${group}|${name}|${kind}`]
      const sorted = [...values].sort((x, y) => x - y)
      console.log(`${group.padEnd(8)} ${name.padEnd(18)} ${LABELS[kind].padEnd(24)} ${sorted[sorted.length >> 1].toFixed(0).padStart(7)} ns (${sorted[0].toFixed(0)}–${sorted[sorted.length - 1].toFixed(0)})`)
    }
  }
}
if (args.json) writeFileSync(args.json, JSON.stringify(results))
