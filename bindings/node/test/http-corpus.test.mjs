// The shared corpus over loopback HTTP through every adapter in a real
// server (Express 4, Express 5, fastify, node:http + handle): each wire
// case's exact header bytes on a raw socket; the status, whether the app
// ran, the Access-Control-* lines and the Vary names compared with
// `expect` (tests/cases/README.md). One adapter instance per corpus policy,
// chosen by Host. Verdict cases go through the adapter's origin function
// (express, fastify: answering at once and asynchronously) or `handle`'s
// verdict argument (node:http).
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { Policy } from 'unicors'
import { WIRE, NOT_WIRE, hostSpecs, wireRequest, mismatches } from './support/corpus.mjs'
import { request } from './support/raw-http.mjs'
import { ADAPTERS, serve } from './support/servers.mjs'

const CONCURRENCY = 16

// Wire cases a given server cannot carry unchanged: adapter -> { case id:
// reason }. Each one investigated (the server, not unicors, changes the
// request) and printed. None with the pinned servers: Node's parser
// (llhttp) carries every wire case as sent.
const SERVER_SKIPS = {}

const policies = new Map()
const policyOf = (json) => {
  const key = JSON.stringify(json)
  if (!policies.has(key)) policies.set(key, Policy.fromJson(key))
  return policies.get(key)
}

/** The site serving one host for `adapter`: the policy, plus the origin check of a verdict host. */
function siteFor (adapter, { policy, verdict, async }) {
  const p = policyOf(policy)
  if (adapter === 'node:http') return { policy: p, verdict }
  if (verdict == null) return { options: { policy: p } }
  let origin
  if (adapter === 'fastify') {
    origin = async ? async () => verdict : (value, cb) => cb(null, verdict)
  } else {
    origin = async ? (value, cb) => setImmediate(() => cb(null, verdict)) : (value, cb) => cb(null, verdict)
  }
  return { options: { policy: p, origin } }
}

async function pool (items, limit, work) {
  let next = 0
  const worker = async () => { while (next < items.length) await work(items[next++]) }
  await Promise.all(Array.from({ length: limit }, worker))
}

const summaries = []
after(() => { for (const line of summaries) console.log(line) })

for (const adapter of ADAPTERS) {
  test(`${adapter}: the corpus over HTTP`, async (t) => {
    const sites = new Map([...hostSpecs()].map(([host, spec]) => [host, siteFor(adapter, spec)]))
    const port = await serve(t, adapter, sites)
    const skips = SERVER_SKIPS[adapter] ?? {}
    const skipped = new Map([[`"wire": false in the corpus`, NOT_WIRE]])
    const runs = []
    for (const entry of WIRE) {
      if (skips[entry.id]) {
        skipped.set(skips[entry.id], (skipped.get(skips[entry.id]) ?? 0) + 1)
        continue
      }
      runs.push({ entry, async: false })
      // node:http's handle takes the verdict as a value: no asynchronous variant.
      if (entry.c.request.origin_verdict != null && adapter !== 'node:http') runs.push({ entry, async: true })
    }

    const failures = []
    let passed = 0
    await pool(runs, CONCURRENCY, async ({ entry, async }) => {
      let problems
      try {
        problems = mismatches(await request(port, wireRequest(entry, async)), entry.c.expect)
      } catch (error) {
        problems = [`no response: ${error.message}`]
      }
      if (problems.length === 0) passed++
      else failures.push(`${entry.id}${async ? ' [async origin check]' : ''}: ${problems.join('; ')}`)
    })

    const skippedCount = [...skipped.values()].reduce((a, b) => a + b, 0)
    const reasons = [...skipped].map(([reason, count]) => `${count}: ${reason}`).join('; ')
    summaries.push(`${adapter} corpus: ${passed} passed, ${failures.length} failed, ${skippedCount} skipped (${reasons})`)
    assert.deepEqual(failures, [], `${failures.length} corpus cases failed through ${adapter}:\n${failures.join('\n')}`)
    assert.equal(passed, runs.length)
  })
}
