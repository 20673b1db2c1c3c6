// The shared corpus (tests/cases, format in its README) for the HTTP
// replays: the wire cases, the distinct policies they use (served by host
// `p<N>.test`; with an origin check answering the case's verdict:
// `p<N>-yes.test` / `p<N>-no.test`, `-async` for an asynchronous check),
// the bytes to send, and how a response is compared with `expect`.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const DIR = process.env.UNICORS_CASES
if (!DIR) throw new Error('set UNICORS_CASES to the tests/cases directory')

/** A corpus string (its UTF-8 bytes) or {hex} as bytes. */
export const wireBytes = (value) => (typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.hex, 'hex'))

/** Every request case: { id, policy (the JSON object), c (the case) }. */
export const CASES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort().flatMap((file) => {
  const document = JSON.parse(readFileSync(join(DIR, file), 'utf8'))
  return (document.cases ?? []).map((c) => ({ id: `${file} :: ${c.name}`, policy: c.policy ?? document.policy, c }))
})
export const WIRE = CASES.filter(({ c }) => c.wire !== false)
export const NOT_WIRE = CASES.length - WIRE.length

const index = new Map()
for (const { policy } of WIRE) {
  const key = JSON.stringify(policy)
  if (!index.has(key)) index.set(key, index.size)
}

/** The host serving `policy` (and, for verdict cases, an origin check answering `verdict`). */
export function hostFor (policy, verdict = null, async = false) {
  let name = `p${index.get(JSON.stringify(policy))}`
  if (verdict != null) name += (verdict ? '-yes' : '-no') + (async ? '-async' : '')
  return `${name}.test`
}

/**
 * Every host to serve: host -> { policy (JSON object), verdict (null |
 * boolean), async }.
 */
export function hostSpecs () {
  const specs = new Map()
  for (const { policy, c } of WIRE) {
    specs.set(hostFor(policy), { policy, verdict: null, async: false })
    const verdict = c.request.origin_verdict
    if (verdict == null) continue
    for (const async of [false, true]) specs.set(hostFor(policy, verdict, async), { policy, verdict, async })
  }
  return specs
}

/** The request of a case for the raw client (host chosen for the variant). */
export function wireRequest ({ policy, c }, async = false) {
  const r = c.request
  return {
    method: wireBytes(r.method),
    path: r.path ?? '/',
    host: hostFor(policy, r.origin_verdict ?? null, async),
    headers: r.headers.map(([name, value]) => [wireBytes(name), wireBytes(value)])
  }
}

/** What differs between a response (raw-http Response) and `expect`: [] when it passes. */
export function mismatches (response, expect) {
  const problems = []
  if (expect.status != null) {
    if (response.status !== expect.status || response.appRan) {
      problems.push(`status ${response.status} (app ran: ${response.appRan}), expected ${expect.status} from the adapter`)
    }
  } else if (response.status !== 200 || !response.appRan) {
    problems.push(`status ${response.status} (app ran: ${response.appRan}), expected the app's 200`)
  }
  const got = response.cors()
  const want = (expect.headers ?? []).map(([n, v]) => `${n.toLowerCase()}: ${wireBytes(v).toString('hex')}`).sort()
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    problems.push(`CORS headers ${JSON.stringify(got)}, expected ${JSON.stringify(want)} (values in hex)`)
  }
  const vary = new Set(response.vary())
  const wantVary = new Set(expect.vary ?? [])
  if (vary.size !== wantVary.size || [...wantVary].some((n) => !vary.has(n))) {
    problems.push(`Vary lines ${JSON.stringify(response.values('vary'))}, expected names ${JSON.stringify([...wantVary])}`)
  }
  return problems
}
