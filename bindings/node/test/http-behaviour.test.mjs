// What the adapters do around the decision, over loopback HTTP per adapter:
// headers an earlier middleware set (a stale Access-Control-Allow-Origin is
// replaced, never doubled; Vary is appended to), errors and 404s keeping the
// CORS headers, OPTIONS requests that are not preflights reaching the app,
// and the `cors` / @fastify/cors options: refused insecure origins,
// whole-match RegExps, failing and Promise-returning origin functions,
// preflightContinue, optionsSuccessStatus, origin: false.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Policy, cors, handle, fastifyCors } from 'unicors'
import { request } from './support/raw-http.mjs'
import { ADAPTERS, serve, listen, app, appReply, express4, express5, Fastify } from './support/servers.mjs'

const APP = 'https://app.example.com'
const EVIL = 'https://evil.example'
const JS_ADAPTERS = ADAPTERS.filter((a) => a !== 'node:http') // the ones taking cors-style options

const CORS_OPTIONS = { origin: [APP], credentials: true, methods: ['GET', 'PUT'], allowedHeaders: ['x-custom'] }
const POLICY_KEYS = { allowOrigins: [APP], allowCredentials: true, allowMethods: ['PUT'], allowHeaders: ['x-custom'] }

/** The site for `adapter`: cors-style options, or (node:http) a Policy of the same meaning. */
function site (adapter, options = CORS_OPTIONS, policyKeys = POLICY_KEYS, extra = {}) {
  return adapter === 'node:http' ? { policy: new Policy(policyKeys), ...extra } : { options, ...extra }
}

const get = (origin, path = '/') => ({ method: 'GET', path, headers: origin ? [['Origin', origin]] : [] })
const preflight = (origin, method = 'PUT', names, path = '/') => ({
  method: 'OPTIONS',
  path,
  headers: [['Origin', origin], ['Access-Control-Request-Method', method],
    ...(names ? [['Access-Control-Request-Headers', names]] : [])]
})
const acao = (response) => response.values('access-control-allow-origin')

for (const adapter of ADAPTERS) {
  describe(adapter, () => {
    test('an Access-Control-Allow-Origin set before the adapter is replaced; Vary is appended to', async (t) => {
      const before = (set) => {
        set('Access-Control-Allow-Origin', EVIL)
        set('Access-Control-Allow-Credentials', 'true')
        set('Access-Control-Expose-Headers', 'x-secret')
        set('Access-Control-Allow-Private-Network', 'true')
        set('Vary', 'Accept-Encoding')
      }
      const port = await serve(t, adapter, site(adapter, CORS_OPTIONS, POLICY_KEYS, { before }))

      const allowed = await request(port, get(APP))
      assert.equal(allowed.status, 200)
      assert.ok(allowed.appRan)
      assert.deepEqual(acao(allowed), [APP])
      assert.deepEqual(allowed.values('access-control-allow-credentials'), ['true'])
      assert.deepEqual(allowed.vary(), ['Accept-Encoding', 'Origin'])
      assert.deepEqual(allowed.values('access-control-expose-headers'), [], 'a stale expose list is removed')

      // The core's headers_to_clear: without an ACAO a browser reads no
      // other CORS header, so only ACAO and ACAC must go.
      const refused = await request(port, get(EVIL))
      assert.ok(refused.appRan)
      assert.deepEqual(acao(refused), [], 'a forged ACAO is removed for a refused origin')
      assert.deepEqual(refused.values('access-control-allow-credentials'), [])
      assert.deepEqual(refused.vary(), ['Accept-Encoding', 'Origin'])

      const answered = await request(port, preflight(APP, 'PUT', 'X-Custom'))
      assert.equal(answered.status, 204)
      assert.ok(!answered.appRan)
      assert.deepEqual(acao(answered), [APP])
      assert.deepEqual(answered.values('access-control-allow-methods'), ['PUT'])
      assert.deepEqual(answered.values('access-control-allow-private-network'), [], 'not granted by the policy')
      assert.deepEqual(answered.vary(), ['Accept-Encoding', 'Origin', 'Access-Control-Request-Method',
        'Access-Control-Request-Headers'])
    })

    test('an OPTIONS request that is not a preflight reaches the app', async (t) => {
      const port = await serve(t, adapter, site(adapter))
      const withOrigin = await request(port, { method: 'OPTIONS', path: '/x', headers: [['Origin', APP]] })
      assert.equal(withOrigin.status, 200)
      assert.ok(withOrigin.appRan)
      assert.deepEqual(acao(withOrigin), [APP])
      const withoutOrigin = await request(port, { method: 'OPTIONS', path: '/x', headers: [['Access-Control-Request-Method', 'PUT']] })
      assert.equal(withoutOrigin.status, 200)
      assert.ok(withoutOrigin.appRan)
      assert.deepEqual(withoutOrigin.cors(), [])
    })

    test('preflightContinue: the app answers the preflight, with the headers added', async (t) => {
      const port = await serve(t, adapter, site(adapter, { ...CORS_OPTIONS, preflightContinue: true },
        { ...POLICY_KEYS, preflightContinue: true }))
      const response = await request(port, preflight(APP, 'PUT', 'x-custom', '/items'))
      assert.equal(response.status, 200)
      assert.ok(response.appRan)
      assert.deepEqual(acao(response), [APP])
      assert.deepEqual(response.values('access-control-allow-methods'), ['PUT'])
      assert.deepEqual(response.values('access-control-allow-headers'), ['x-custom'])
      const refused = await request(port, preflight(EVIL, 'PUT'))
      assert.equal(refused.status, 200, 'a refused preflight goes on too')
      assert.ok(refused.appRan)
      assert.deepEqual(refused.cors(), [])
      assert.deepEqual(refused.vary(), ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'])
    })

    test('optionsSuccessStatus: 200 answers allowed preflights with 200', async (t) => {
      const port = await serve(t, adapter, site(adapter, { ...CORS_OPTIONS, optionsSuccessStatus: 200 },
        { ...POLICY_KEYS, preflightStatus: 200 }))
      const response = await request(port, preflight(APP))
      assert.equal(response.status, 200)
      assert.ok(!response.appRan)
      assert.deepEqual(response.values('content-length'), ['0'])
      assert.deepEqual(acao(response), [APP])
    })
  })
}

for (const adapter of JS_ADAPTERS) {
  describe(`${adapter}: cors options`, () => {
    test('a RegExp origin must match the whole origin; a g flag does not make it stateful', async (t) => {
      const port = await serve(t, adapter, new Map([
        ['substring.test', { options: { origin: /example\.com/ } }],
        ['anchored.test', { options: { origin: /https:\/\/([a-z]+\.)?example\.com/g, credentials: true } }]
      ]))
      const at = (host, origin) => request(port, { ...get(origin), host })
      for (const origin of ['https://example.com.evil.net', 'https://example.com']) {
        const response = await at('substring.test', origin)
        assert.ok(response.appRan)
        assert.deepEqual(response.cors(), [], `${origin} is not matched whole by /example\\.com/`)
      }
      for (let i = 0; i < 3; i++) {
        assert.deepEqual(acao(await at('anchored.test', APP)), [APP], `call ${i}`)
        assert.deepEqual(acao(await at('anchored.test', 'https://example.com')), ['https://example.com'], `call ${i}`)
        assert.deepEqual(acao(await at('anchored.test', 'https://app.example.com.evil.net')), [], `call ${i}`)
      }
    })

    test('a failing origin function refuses the origin (no CORS headers, no 500)', async (t) => {
      const port = await serve(t, adapter, new Map([
        ['callback.test', { options: { origin: (origin, cb) => cb(new Error('database down')), credentials: true } }],
        ['throws.test', { options: { origin: () => { throw new Error('bug') } } }],
        ['rejects.test', { options: { origin: async () => { throw new Error('database down') } } }]
      ]))
      for (const host of ['callback.test', 'throws.test', 'rejects.test']) {
        const response = await request(port, { ...get(APP), host })
        assert.equal(response.status, 200, host)
        assert.ok(response.appRan, host)
        assert.deepEqual(response.cors(), [], host)
        assert.deepEqual(response.vary(), ['Origin'], host)
        const refused = await request(port, { ...preflight(APP), host })
        assert.equal(refused.status, 403, host)
        assert.deepEqual(refused.cors(), [], host)
      }
    })

    test('a Promise-returning origin function', async (t) => {
      const port = await serve(t, adapter, { options: { origin: async (origin) => origin === APP, credentials: true, methods: ['PUT'] } })
      const allowed = await request(port, get(APP))
      assert.deepEqual(acao(allowed), [APP])
      assert.deepEqual(allowed.values('access-control-allow-credentials'), ['true'])
      assert.deepEqual((await request(port, get(EVIL))).cors(), [])
      assert.equal((await request(port, preflight(APP, 'PUT'))).status, 204)
    })

    test("an origin function's answer: a string admits only that origin, '*' only without credentials", async (t) => {
      const port = await serve(t, adapter, new Map([
        ['fixed.test', { options: { origin: (origin, cb) => cb(null, APP), credentials: true } }],
        ['list.test', { options: { origin: (origin, cb) => cb(null, [APP, /https:\/\/[a-z]+\.partner\.example/]) } }],
        ['star.test', { options: { origin: (origin, cb) => cb(null, '*') } }],
        ['star-credentials.test', { options: { origin: (origin, cb) => cb(null, '*'), credentials: true } }]
      ]))
      const at = async (host, origin) => acao(await request(port, { ...get(origin), host }))
      assert.deepEqual(await at('fixed.test', APP), [APP])
      assert.deepEqual(await at('fixed.test', EVIL), [], 'never echoed to another origin')
      assert.deepEqual(await at('list.test', 'https://a.partner.example'), ['https://a.partner.example'])
      assert.deepEqual(await at('list.test', 'https://a.partner.example.evil.net'), [])
      assert.deepEqual(await at('star.test', EVIL), [EVIL])
      assert.deepEqual(await at('star-credentials.test', EVIL), [], "'*' with credentials would reflect any origin")
    })

    test('origin: false disables CORS: no headers, preflights reach the app', async (t) => {
      const port = await serve(t, adapter, { options: { origin: false } })
      for (const req of [get(APP), preflight(APP)]) {
        const response = await request(port, req)
        assert.equal(response.status, 200)
        assert.ok(response.appRan)
        assert.deepEqual(response.cors(), [])
        assert.deepEqual(response.vary(), [])
      }
    })

    test('{ policy, origin }: a policy plus an origin function (the verdict) or RegExps (added)', async (t) => {
      const policy = new Policy({ allowOrigins: [APP], allowCredentials: true })
      const port = await serve(t, adapter, new Map([
        ['fn.test', { options: { policy, origin: (origin, cb) => cb(null, origin === 'https://partner.example') } }],
        ['re.test', { options: { policy, origin: /https:\/\/[a-z]+\.partner\.example/ } }]
      ]))
      const at = async (host, origin) => acao(await request(port, { ...get(origin), host }))
      assert.deepEqual(await at('fn.test', 'https://partner.example'), ['https://partner.example'])
      assert.deepEqual(await at('fn.test', APP), [], 'the function says no')
      assert.deepEqual(await at('re.test', 'https://a.partner.example'), ['https://a.partner.example'])
      assert.deepEqual(await at('re.test', APP), [APP], 'the policy still admits its origins')
      assert.deepEqual(await at('re.test', EVIL), [])
      assert.throws(() => cors({ policy, origin: 'https://a.example' }), /list the origins in the policy/)
    })
  })
}

describe('insecure origin options are refused', () => {
  const refusals = [{ origin: true, credentials: true }, { origin: '*', credentials: true }, { credentials: true }]
  const how = /List the origins that need credentials, e\.g\. origin: \['https:\/\/app\.example\.com'\]/

  test('cors()', () => {
    for (const options of refusals) assert.throws(() => cors(options), (e) => e instanceof TypeError && how.test(e.message))
    assert.throws(() => cors((req, cb) => cb(null, {})), TypeError, 'options delegates are refused, not read as {}')
  })

  test('the fastify plugin', async () => {
    for (const options of refusals) {
      const instance = Fastify()
      instance.register(fastifyCors, options)
      await assert.rejects(instance.ready(), (e) => e instanceof TypeError && how.test(e.message))
    }
  })
})

describe('errors and unknown routes keep the CORS headers', () => {
  for (const adapter of ['express 4', 'express 5']) {
    test(`${adapter}: the default error handler's 500`, async (t) => {
      const port = await serve(t, adapter, { options: CORS_OPTIONS })
      const response = await request(port, get(APP, '/boom'))
      assert.equal(response.status, 500)
      assert.deepEqual(acao(response), [APP])
      assert.deepEqual(response.values('access-control-allow-credentials'), ['true'])
      assert.deepEqual(response.vary(), ['Origin'])
    })

    test(`${adapter}: mounted under a path, routes see the full path`, async (t) => {
      const express = adapter === 'express 4' ? express4 : express5
      const policy = new Policy({ allowOrigins: [APP], routes: [{ path: '/api', allowOrigins: ['https://partner.example'] }] })
      const application = express()
      application.use('/api', cors({ policy }))
      application.use(app)
      const server = await listen(application)
      t.after(() => new Promise((resolve) => server.close(resolve)))
      const response = await request(server.address().port, get('https://partner.example', '/api/items'))
      assert.deepEqual(acao(response), ['https://partner.example'])
    })
  }

  test('fastify: the 404 of an unknown route, and the error handler\'s 500', async (t) => {
    const port = await serve(t, 'fastify', { options: CORS_OPTIONS, catchAll: false })
    const missing = await request(port, get(APP, '/missing'))
    assert.equal(missing.status, 404)
    assert.deepEqual(acao(missing), [APP])
    assert.deepEqual(missing.vary(), ['Origin'])
    const failing = await request(port, get(APP, '/boom'))
    assert.equal(failing.status, 500)
    assert.deepEqual(acao(failing), [APP])
    const answered = await request(port, preflight(APP, 'PUT', null, '/missing'))
    assert.equal(answered.status, 204, 'a preflight to a path without routes is answered')
    assert.deepEqual(acao(answered), [APP])
    const known = await request(port, get(APP, '/known'))
    assert.ok(known.appRan)
    assert.deepEqual(acao(known), [APP])
  })

  test('fastify: the app\'s own OPTIONS route gets non-preflight OPTIONS and continued preflights', async (t) => {
    const routes = (instance) => instance.options('/thing', appReply)
    const port = await serve(t, 'fastify', new Map([
      ['a.test', { options: CORS_OPTIONS, catchAll: false, routes }],
      ['continue.test', { options: { ...CORS_OPTIONS, preflightContinue: true }, catchAll: false, routes }]
    ]))
    const plain = await request(port, { method: 'OPTIONS', path: '/thing', host: 'a.test', headers: [['Origin', APP]] })
    assert.ok(plain.appRan)
    assert.deepEqual(acao(plain), [APP])
    const answered = await request(port, { ...preflight(APP, 'PUT', null, '/thing'), host: 'a.test' })
    assert.equal(answered.status, 204)
    assert.ok(!answered.appRan)
    const continued = await request(port, { ...preflight(APP, 'PUT', null, '/thing'), host: 'continue.test' })
    assert.ok(continued.appRan)
    assert.deepEqual(continued.values('access-control-allow-methods'), ['PUT'])
    const elsewhere = await request(port, { method: 'OPTIONS', path: '/other', host: 'a.test', headers: [['Origin', APP]] })
    assert.equal(elsewhere.status, 404, 'no OPTIONS route: the not-found handler answers, as without the plugin')
    assert.deepEqual(acao(elsewhere), [APP])
  })
})

describe('node:http handle', () => {
  test("the host's verdict (4th argument) and the return value", async (t) => {
    const policy = new Policy({ allowOrigins: [APP], allowMethods: ['PUT'] })
    const answered = []
    const server = await listen((req, res) => {
      const verdict = { 'yes.test': true, 'no.test': false }[req.headers.host]
      const done = handle(policy, req, res, verdict)
      answered.push(done)
      if (!done) app(req, res)
    })
    t.after(() => new Promise((resolve) => server.close(resolve)))
    const port = server.address().port
    assert.deepEqual(acao(await request(port, { ...get('https://partner.example'), host: 'yes.test' })), ['https://partner.example'])
    assert.deepEqual(acao(await request(port, { ...get(APP), host: 'no.test' })), [])
    assert.deepEqual(acao(await request(port, get(APP))), [APP])
    const pre = await request(port, preflight(APP))
    assert.equal(pre.status, 204)
    assert.deepEqual(answered, [false, false, false, true])
  })
})
