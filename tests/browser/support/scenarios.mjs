// The scenarios, each run against every surface. A scenario makes real
// requests from a page (or a sandboxed iframe) to `api` (the surface's
// origin) and reduces what Chromium did to one outcome string; `expect` is
// that string as the policy (policy.toml) says it must be, and `why` says
// which part of the policy decides it. `seen` lists the requests the server
// must have received ("METHOD path"), preflights included, in order.
import { pageFetch, sandboxedFetch } from './browser.mjs'

const sleep = (ms) => new Promise((done) => setTimeout(done, ms))

/** 'read' when the page could read a 200, 'blocked' when fetch failed, else what happened. */
const readable = (r) => (r.ok ? (r.status === 200 ? 'read' : `read ${r.status}`) : 'blocked')
const body = (r) => (r.ok ? JSON.parse(r.body) : {})

export const SCENARIOS = [
  {
    name: 'simple GET, allowed origin',
    why: 'allow_origins has http://127.0.0.1:*',
    expect: 'read',
    seen: ['GET /data'],
    run: async ({ pages }, api) => readable(await pageFetch(pages.allowed, `${api}/data`))
  },
  {
    name: 'simple GET, other origin',
    why: 'http://localhost:* is not in allow_origins: no ACAO (the request itself still arrives)',
    expect: 'blocked',
    seen: ['GET /data'],
    run: async ({ pages }, api) => readable(await pageFetch(pages.other, `${api}/data`))
  },
  {
    name: 'credentialed GET with a cookie',
    why: 'allow_credentials = true: ACAO echoes the origin, ACAC true',
    expect: 'read, cookie sent',
    seen: ['GET /me'],
    run: async ({ pages }, api) => {
      const r = await pageFetch(pages.allowed, `${api}/me`, { credentials: 'include' })
      return readable(r) + (body(r).cookie?.includes('sid=s3cret') ? ', cookie sent' : ', no cookie')
    }
  },
  {
    name: 'preflighted PUT with X-Custom',
    why: 'PUT and x-custom are allowed',
    expect: 'read',
    seen: ['OPTIONS /items', 'PUT /items'],
    run: async ({ pages }, api) => readable(await pageFetch(pages.allowed, `${api}/items`, { method: 'PUT', headers: { 'X-Custom': '1' } }))
  },
  {
    name: "method 'patch' (lowercase)",
    why: 'browsers send patch as written; allow_methods has PATCH, and methods compare case-sensitively',
    expect: 'blocked',
    seen: ['OPTIONS /patch-lower'],
    run: async ({ pages }, api) => readable(await pageFetch(pages.allowed, `${api}/patch-lower`, { method: 'patch' }))
  },
  {
    name: "method 'PATCH'",
    why: 'allow_methods has PATCH',
    expect: 'read',
    seen: ['OPTIONS /patch-upper', 'PATCH /patch-upper'],
    run: async ({ pages }, api) => readable(await pageFetch(pages.allowed, `${api}/patch-upper`, { method: 'PATCH' }))
  },
  {
    name: 'Authorization under allow_headers = ["*"]',
    why: '"*" never covers authorization (decisions.md): the preflight is refused',
    expect: 'blocked',
    seen: ['OPTIONS /star/auth'],
    run: async ({ pages }, api) => readable(await pageFetch(pages.allowed, `${api}/star/auth`, { headers: { Authorization: 'Bearer t' } }))
  },
  {
    name: 'Authorization listed',
    why: 'allow_headers lists authorization',
    expect: 'read',
    seen: ['OPTIONS /auth', 'GET /auth'],
    run: async ({ pages }, api) => readable(await pageFetch(pages.allowed, `${api}/auth`, { headers: { Authorization: 'Bearer t' } }))
  },
  {
    name: 'exposed vs not exposed header',
    why: 'expose_headers = ["x-exposed"]; the app also sends x-hidden',
    expect: 'x-exposed=yes, x-hidden=null',
    seen: ['GET /headers'],
    run: async ({ pages }, api) => {
      const r = await pageFetch(pages.allowed, `${api}/headers`)
      return r.ok ? `x-exposed=${r.exposed}, x-hidden=${r.hidden}` : 'blocked'
    }
  },
  {
    name: 'a route with another policy',
    why: 'routes /partner: allow_origins = ["http://localhost:*"] only',
    expect: '127.0.0.1 blocked, localhost read',
    seen: ['GET /partner/data', 'GET /partner/data'],
    run: async ({ pages }, api) => {
      const mine = await pageFetch(pages.allowed, `${api}/partner/data`)
      const theirs = await pageFetch(pages.other, `${api}/partner/data`)
      return `127.0.0.1 ${readable(mine)}, localhost ${readable(theirs)}`
    }
  },
  {
    name: 'preflight cache (max_age = 2)',
    why: 'routes /cached: max_age = 2, so a second PUT within 2 s needs no preflight and one after 2.6 s does',
    expect: 'read ×3, preflights 1 then 2',
    seen: ['OPTIONS /cached/items', 'PUT /cached/items', 'PUT /cached/items', 'OPTIONS /cached/items', 'PUT /cached/items'],
    run: async ({ pages }, api, surface) => {
      const put = () => pageFetch(pages.allowed, `${api}/cached/items`, { method: 'PUT', headers: { 'X-Custom': '1' } })
      const preflights = async () => (await surface.hits()).filter((h) => h.method === 'OPTIONS').length
      const outcomes = [readable(await put()), readable(await put())]
      const within = await preflights()
      await sleep(2600)
      outcomes.push(readable(await put()))
      const after = await preflights()
      const all = outcomes.every((o) => o === 'read') ? 'read ×3' : outcomes.join('/')
      return `${all}, preflights ${within} then ${after}`
    }
  },
  {
    name: 'null origin (sandboxed iframe)',
    why: 'null is refused unless allow_null_origin; routes /null-ok sets it',
    expect: 'default blocked, /null-ok read',
    seen: ['GET /data', 'GET /null-ok/data'],
    run: async ({ pages }, api) => {
      const refused = await sandboxedFetch(pages.allowed, `${api}/data`)
      const admitted = await sandboxedFetch(pages.allowed, `${api}/null-ok/data`)
      return `default ${readable(refused)}, /null-ok ${readable(admitted)}`
    }
  },
  {
    name: "the app's own OPTIONS route",
    why: 'OPTIONS is allowed; an OPTIONS without Access-Control-Request-Method is not a preflight and reaches the app',
    expect: 'read, app answered OPTIONS',
    seen: ['OPTIONS /options-route', 'OPTIONS /options-route'],
    run: async ({ pages }, api) => {
      const r = await pageFetch(pages.allowed, `${api}/options-route`, { method: 'OPTIONS' })
      return readable(r) + (body(r).method === 'OPTIONS' ? ', app answered OPTIONS' : ', app not reached')
    }
  }
]
