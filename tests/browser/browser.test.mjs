// A real browser against every server surface with one policy: headless
// Chromium (Debian's, driven by playwright-core) loads a page from
// http://127.0.0.1:P (allowed by policy.toml) and http://localhost:P (not
// allowed) and makes real cross-origin requests to three APIs that enforce
// policy.toml through unicors — uvicorn + the ASGI middleware, express + the
// cors() middleware, nginx + the module. Every scenario (support/scenarios.mjs)
// runs against every surface; each cell asserts Chromium's outcome and the
// requests the server saw, and prints those requests with the response
// headers when it fails. The scenario × surface table is printed at the end.
//
//   bash tests/browser/run.sh        (installs what it needs, then node --test)
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { launch } from './support/browser.mjs'
import { SCENARIOS } from './support/scenarios.mjs'
import { startExpress, startNginx, startPage, startPython } from './support/surfaces.mjs'

const SURFACES = ['python', 'express', 'nginx']
const cells = new Map() // `${scenario}|${surface}` -> { outcome, pass }
let page
let browser
const surfaces = {}

before(async () => {
  page = await startPage()
  surfaces.python = await startPython()
  surfaces.express = await startExpress()
  surfaces.nginx = await startNginx()
  browser = await launch({ allowed: `${page.allowed}/`, other: `${page.other}/` })
  // A cookie for the API host: 127.0.0.1 on every port, same-site with the page.
  await browser.context.addCookies([{ name: 'sid', value: 's3cret', domain: '127.0.0.1', path: '/', sameSite: 'Lax' }])
})

after(async () => {
  printTable()
  const stops = [browser?.close(), ...Object.values(surfaces).map((s) => s.stop()), page?.stop()]
  const failures = (await Promise.allSettled(stops)).filter((r) => r.status === 'rejected')
  for (const failure of failures) console.log(`stopping: ${failure.reason?.message ?? failure.reason}`)
  assert.equal(failures.length, 0, 'every server and the browser stopped cleanly')
})

for (const scenario of SCENARIOS) {
  for (const name of SURFACES) {
    test(`${scenario.name} :: ${name}`, async () => {
      const surface = surfaces[name]
      await surface.reset()
      let outcome
      try {
        outcome = await scenario.run(browser, surface.origin, surface)
      } catch (error) {
        outcome = `error: ${error.message}`
      }
      const hits = await surface.hits()
      const seen = hits.map((h) => `${h.method} ${h.path}`)
      const pass = outcome === scenario.expect && JSON.stringify(seen) === JSON.stringify(scenario.seen)
      cells.set(`${scenario.name}|${name}`, { outcome, pass })
      if (!pass) {
        const detail = await describe(surface, hits)
        assert.fail(`${scenario.name} on ${name} (${scenario.why})\n` +
          `  outcome: ${outcome}\n  expected: ${scenario.expect}\n` +
          `  requests seen: ${JSON.stringify(seen)}\n  expected seen: ${JSON.stringify(scenario.seen)}\n${detail}`)
      }
    })
  }
}

/** The requests a server saw, each replayed from Node to show the response headers it gets. */
async function describe (surface, hits) {
  const lines = []
  for (const hit of hits) {
    const headers = {}
    if (hit.origin !== null) headers.origin = hit.origin
    if (hit.requestMethod !== null) headers['access-control-request-method'] = hit.requestMethod
    if (hit.requestHeaders !== null) headers['access-control-request-headers'] = hit.requestHeaders
    lines.push(`  > ${hit.method} ${hit.path} ${JSON.stringify(headers)}`)
    const response = await replay(surface.origin, hit.method, hit.path, headers)
    lines.push(`  < ${response.status} ${JSON.stringify(response.headers)}`)
  }
  return lines.join('\n')
}

function replay (origin, method, path, headers) {
  return new Promise((resolve) => {
    const req = request(`${origin}${path}`, { method, headers }, (res) => {
      res.resume()
      const cors = Object.fromEntries(Object.entries(res.headers).filter(([n]) => n.startsWith('access-control-') || n === 'vary'))
      res.on('end', () => resolve({ status: res.statusCode, headers: cors }))
    })
    req.on('error', (error) => resolve({ status: 'error', headers: { error: error.message } }))
    req.end()
  })
}

function printTable () {
  const width = Math.max(...SCENARIOS.map((s) => s.name.length))
  const cell = (scenario, name) => {
    const c = cells.get(`${scenario.name}|${name}`)
    if (!c) return 'not run'
    return c.pass ? `ok ${c.outcome}` : `FAIL ${c.outcome}`
  }
  const columns = SURFACES.map((name) => Math.max(name.length, ...SCENARIOS.map((s) => cell(s, name).length)))
  const row = (first, rest) => `${first.padEnd(width)} | ${rest.map((text, i) => text.padEnd(columns[i])).join(' | ')}`.trimEnd()
  console.log('browser scenarios × surfaces (Chromium, one policy file):')
  console.log(row('scenario', SURFACES))
  console.log(row('-'.repeat(width), columns.map((w) => '-'.repeat(w))))
  for (const scenario of SCENARIOS) console.log(row(scenario.name, SURFACES.map((name) => cell(scenario, name))))
  const passed = [...cells.values()].filter((c) => c.pass).length
  console.log(`browser table: ${passed} of ${SCENARIOS.length * SURFACES.length} cells as expected`)
}
