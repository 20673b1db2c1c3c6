// Differential tests, in-process: unicors's `cors()` against the `cors`
// package (fake req/res) and unicors's fastify plugin against
// @fastify/cors (fastify.inject), given the same options, over a grid of
// policies x origins x requests, compared by what a browser would do with
// each response (support/browser.mjs). Every disagreement must be one of
// the deliberate differences below, each with its rule; the counts print.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { cors, fastifyCors } from 'unicors'
import { corsCheck, preflightPasses, SAFELISTED_METHODS } from './support/browser.mjs'
import { Fastify, FASTIFY_METHODS, appReply } from './support/servers.mjs'

const require = createRequire(import.meta.url)
const peerCors = require('cors')
const peerFastifyCors = require('@fastify/cors')

const APP = 'https://app.example.com'
const SUB = 'https://a.example.com'
const TRICK = 'https://a.example.com.evil.net' // contains an allowed origin
const EVIL = 'https://evil.example'
const ORIGINS = [APP, SUB, TRICK, EVIL, 'null']

// [name, options] (the same options to both libraries).
const POLICIES = [
  ['one origin, defaults', { origin: APP }],
  ['public, defaults', {}],
  ['public, lists', { origin: '*', methods: 'GET,PUT', allowedHeaders: 'x-custom' }],
  ['origin: true', { origin: true, methods: ['PUT', 'PATCH'] }],
  ['list + RegExp, credentials, explicit lists', {
    origin: [APP, /https:\/\/[a-z]+\.example\.com/], credentials: true, methods: ['GET', 'PUT', 'DELETE'],
    allowedHeaders: ['x-custom', 'authorization'], exposedHeaders: ['x-total'], maxAge: 600
  }],
  ['unanchored RegExp', { origin: /example\.com/ }],
  ['function, credentials, reflected headers', { origin: (o, cb) => cb(null, o === APP || o === SUB), credentials: true, methods: ['PUT'] }],
  ['credentials, * methods and headers', { origin: [APP], credentials: true, methods: ['*'], allowedHeaders: ['*'] }],
  ['preflightContinue', { origin: [APP, SUB], methods: ['PUT'], allowedHeaders: ['x-custom'], preflightContinue: true }]
]
const FASTIFY_ONLY = [
  ['Promise-returning function', { origin: async (o) => o === SUB, methods: ['PUT', 'DELETE'], allowedHeaders: ['x-custom'] }]
]

// [name, method, request header names, preflight?]
const REQUESTS = [
  ['GET', 'GET', [], false],
  ['preflight PUT', 'PUT', [], true],
  ['preflight PUT + x-custom', 'PUT', ['x-custom'], true],
  ['preflight PUT + authorization', 'PUT', ['authorization'], true],
  ['preflight DELETE + x-custom, authorization', 'DELETE', ['x-custom', 'authorization'], true],
  ['preflight PATCH', 'PATCH', [], true],
  ['preflight POST + content-type', 'POST', ['content-type'], true]
]

const listOf = (value) => (value == null ? null : Array.isArray(value) ? value.map(String) : String(value).split(',').map((s) => s.trim()))
const regexps = (origin) => (Array.isArray(origin) ? origin : [origin]).filter((o) => o instanceof RegExp)

/** The rule behind an expected disagreement, or null. */
function deliberate (options, origin, [, method, names, preflight], peer, ours) {
  const headers = listOf(options.allowedHeaders)
  const methods = listOf(options.methods)
  if (preflight && names.includes('authorization') && (headers === null || headers.includes('*')) && peer && !ours) {
    return 'a `*` or reflected allowedHeaders never covers Authorization (decisions.md); the peer reflects ' +
      'Access-Control-Request-Headers verbatim'
  }
  if (regexps(options.origin).some((r) => r.test(origin)) && peer && !ours) {
    return 'a RegExp origin must match the whole origin (decisions.md); the peer\'s RegExp.test matches a substring'
  }
  if (options.credentials && preflight && !peer && ours &&
      ((headers?.includes('*') && names.length > 0) || (methods?.includes('*') && !SAFELISTED_METHODS.has(method)))) {
    return '`*` in methods / allowedHeaders with credentials echoes what was requested (decisions.md); ' +
      'credentialed browsers read the peer\'s literal `*` as a name'
  }
  if (preflight && SAFELISTED_METHODS.has(method) && !methods?.includes(method) && ours && !peer) {
    return 'GET, HEAD and POST are safelisted, always allowed (decisions.md); the peer refuses one it was not given'
  }
  if (origin === 'null' && peer && !ours) return 'a null Origin needs allowNullOrigin (decisions.md); the peer admits it'
  return null
}

function requestOf (origin, [, method, names, preflight]) {
  const headers = { origin }
  if (!preflight) return { method, headers }
  headers['access-control-request-method'] = method
  if (names.length > 0) headers['access-control-request-headers'] = names.join(',')
  return { method: 'OPTIONS', headers }
}

function outcome ({ status, headers }, origin, [, method, names, preflight], credentials) {
  return preflight ? preflightPasses(status, headers, origin, method, names, credentials) : corsCheck(headers, origin, credentials)
}

/** A connect-style middleware run on a fake request: the adapter's answer, or the app's (200) after next(). */
function expressCaller (middleware) {
  return ({ method, headers }) => new Promise((resolve) => {
    const stored = new Map()
    const res = {
      statusCode: 200,
      getHeader: (name) => stored.get(name.toLowerCase())?.[1],
      setHeader: (name, value) => { stored.set(name.toLowerCase(), [name, value]) },
      removeHeader: (name) => { stored.delete(name.toLowerCase()) },
      end: () => resolve(answer(res.statusCode))
    }
    const answer = (status) => ({
      status, headers: Object.fromEntries([...stored].map(([n, [, v]]) => [n, Array.isArray(v) ? v.join(', ') : String(v)]))
    })
    middleware({ method, url: '/', headers }, res, (error) => resolve(answer(error ? 500 : 200)))
  })
}

async function fastifyCaller (plugin, options) {
  const instance = Fastify({ logger: false })
  await instance.register(plugin, options)
  instance.route({ method: FASTIFY_METHODS, url: '/*', handler: appReply })
  instance.setNotFoundHandler(appReply)
  await instance.ready()
  after(() => instance.close())
  return async ({ method, headers }) => {
    const response = await instance.inject({ method, url: '/', headers })
    return {
      status: response.statusCode,
      headers: Object.fromEntries(Object.entries(response.headers).map(([n, v]) => [n.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]))
    }
  }
}

const summaries = []
after(() => { for (const line of summaries) console.log(line) })

async function compare (label, policies, makePeer, makeOurs) {
  let agreements = 0
  const reasons = new Map()
  const unexplained = []
  for (const [policyName, options] of policies) {
    const peer = await makePeer(options)
    const ours = await makeOurs(options)
    for (const origin of ORIGINS) {
      for (const req of REQUESTS) {
        const request = requestOf(origin, req)
        const theirs = outcome(await peer(request), origin, req, Boolean(options.credentials))
        const mine = outcome(await ours(request), origin, req, Boolean(options.credentials))
        if (theirs === mine) {
          agreements++
          continue
        }
        const reason = deliberate(options, origin, req, theirs, mine)
        if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
        else unexplained.push(`${policyName} / ${origin} / ${req[0]}: ${label} ${theirs}, unicors ${mine}`)
      }
    }
  }
  const total = [...reasons.values()].reduce((a, b) => a + b, 0)
  summaries.push([`${label} differential: ${agreements} agree, ${total} deliberate differences, ${unexplained.length} unexplained`,
    ...[...reasons].map(([reason, count]) => `  ${String(count).padStart(3)} x ${reason}`)].join('\n'))
  assert.deepEqual(unexplained, [], unexplained.join('\n'))
  assert.ok(agreements > policies.length * ORIGINS.length * REQUESTS.length * 0.7, `${agreements} agree`)
}

test('cors() against the cors package', () =>
  compare('cors', POLICIES, (o) => expressCaller(peerCors(o)), (o) => expressCaller(cors(o))))

test('the fastify plugin against @fastify/cors', () =>
  compare('@fastify/cors', [...POLICIES, ...FASTIFY_ONLY],
    (o) => fastifyCaller(peerFastifyCors, o), (o) => fastifyCaller(fastifyCors, o)))
