'use strict'
/**
 * `LivePolicy`: what an adapter enforces in production — a Policy and an
 * optional report-only (shadow) Policy, replaced while serving — and counts
 * of the decisions by kind and reason.
 *
 *   const live = LivePolicy.fromFile('cors.toml', { shadowFile: 'candidate.toml' })
 *   app.use(cors({ policy: live }))
 *   live.reload()                // re-read both files; a bad file throws and changes nothing
 *   live.counters()              // { not_cors: 10, preflight: 4, ..., 'shadow.differences': 2 }
 *
 * A request reads the (policy, shadow) pair once, so it is decided wholly
 * by the old pair or wholly by the new one. JavaScript runs one request at
 * a time per thread; each worker thread keeps its own LivePolicy and
 * counters. What differs between two decisions is the core's answer
 * (Difference), never computed here.
 */

const { Policy } = require('./policy.js')
const { TABLES } = require('./answer.js')

const COUNTER_NAMES = Object.freeze(TABLES.counters.slice())
const KIND_INDEX = Object.freeze({
  not_cors: COUNTER_NAMES.indexOf('not_cors'),
  preflight: COUNTER_NAMES.indexOf('preflight'),
  actual: COUNTER_NAMES.indexOf('actual'),
  rejected: COUNTER_NAMES.indexOf('rejected')
})
const REASON_INDEX = Object.freeze(Object.fromEntries(
  TABLES.reasons.map(([code]) => [code, COUNTER_NAMES.indexOf(`rejected.${code}`)])))
const SHADOW_OFFSET = COUNTER_NAMES.indexOf('shadow.not_cors')
const DIFFERENCES = COUNTER_NAMES.indexOf('shadow.differences')

/** The default report: one line on stderr (console.info), request values JSON-quoted. */
function logDifference (report) {
  const { decision, shadow } = report
  const reason = (d) => (d.reason != null ? ` (${d.reason})` : '')
  console.info(`unicors: report-only policy differs (${report.difference.join(', ')}) on ` +
    `${JSON.stringify(String(report.method).slice(0, 200))} ${JSON.stringify(String(report.path ?? '').slice(0, 200))} ` +
    `from origin ${JSON.stringify(report.origin === undefined ? null : String(report.origin).slice(0, 200))}: ` +
    `enforced ${decision.kind}${reason(decision)}, report-only ${shadow.kind}${reason(shadow)}`)
}

function asPolicy (value, what) {
  if (value instanceof Policy) return value
  if (typeof value === 'string') return Policy.fromFile(value)
  throw new TypeError(`${what} must be a unicors Policy or a policy file path`)
}

/** The Origin value of `headers` for a report (an object or flat/pair lists). */
function originOf (headers) {
  if (headers == null) return undefined
  if (!Array.isArray(headers)) {
    if (typeof headers.get === 'function') return headers.get('origin') ?? undefined
    return headers.origin
  }
  const pairs = headers.length > 0 && Array.isArray(headers[0])
  for (let i = 0; i < headers.length; i += pairs ? 1 : 2) {
    const name = pairs ? headers[i][0] : headers[i]
    if (String(name).toLowerCase() === 'origin') return pairs ? headers[i][1] : headers[i + 1]
  }
  return undefined
}

class LivePolicy {
  #policy
  #shadow
  #policyFile
  #shadowFile
  #onDifference
  #counts = new Float64Array(COUNTER_NAMES.length)

  /**
   * @param {Policy|string} policy the enforced policy (or its file)
   * @param {object} [options]
   * @param {Policy|string|null} [options.shadowPolicy] a report-only policy (or its file)
   * @param {(report: object) => void} [options.onDifference] called with
   *   `{ decision, shadow, difference, method, path, origin }` when the two
   *   differ (default: one console.info line); what it throws is reported
   *   with process.emitWarning, never thrown into the request
   */
  constructor (policy, { shadowPolicy = null, onDifference } = {}) {
    this.#policy = asPolicy(policy, 'the policy')
    this.#policyFile = typeof policy === 'string' ? policy : null
    this.#shadow = shadowPolicy === null ? null : asPolicy(shadowPolicy, 'the shadow policy')
    this.#shadowFile = typeof shadowPolicy === 'string' ? shadowPolicy : null
    if (onDifference !== undefined && typeof onDifference !== 'function') {
      throw new TypeError('onDifference must be a function')
    }
    this.#onDifference = onDifference ?? logDifference
    Object.freeze(this)
  }

  /** A LivePolicy from policy files, which `reload()` reads again. */
  static fromFile (path, { shadowFile = null, onDifference } = {}) {
    return new LivePolicy(String(path), { shadowPolicy: shadowFile === null ? null : String(shadowFile), onDifference })
  }

  /** The enforced policy. */
  get policy () { return this.#policy }

  /** The report-only policy, or null. */
  get shadowPolicy () { return this.#shadow }

  /** Replaces the enforced policy (a Policy or a file, which `reload()` then reads). */
  setPolicy (policy) {
    const next = asPolicy(policy, 'the policy')
    this.#policyFile = typeof policy === 'string' ? policy : null
    this.#policy = next
  }

  /** Replaces (or with null, removes) the report-only policy. */
  setShadowPolicy (policy) {
    const next = policy === null ? null : asPolicy(policy, 'the shadow policy')
    this.#shadowFile = typeof policy === 'string' ? policy : null
    this.#shadow = next
  }

  /**
   * Reads the policy files again and swaps both in at once; returns their
   * warnings. A file with problems throws ConfigError and changes nothing.
   */
  reload () {
    if (this.#policyFile === null) {
      throw new TypeError('reload: the enforced policy did not come from a file')
    }
    const policy = Policy.fromFile(this.#policyFile)
    const shadow = this.#shadowFile === null ? this.#shadow : Policy.fromFile(this.#shadowFile)
    this.#policy = policy
    this.#shadow = shadow
    return [...policy.warnings, ...(this.#shadowFile === null || shadow === null ? [] : shadow.warnings)]
  }

  /**
   * Decides one request (arguments as `Policy.evaluate`) with the enforced
   * policy and counts it; with a report-only policy, decides it with that
   * one too, counts that, and reports a difference. Returns the enforced
   * decision.
   */
  evaluate (method, headers, path, originAllowed) {
    const policy = this.#policy
    const shadow = this.#shadow
    const counts = this.#counts
    if (shadow === null) {
      const decision = policy.evaluate(method, headers, path, originAllowed)
      counts[KIND_INDEX[decision.kind]]++
      if (decision.reason != null) counts[REASON_INDEX[decision.reason]]++
      return decision
    }
    const pair = policy.evaluateShadowed(shadow, method, headers, path, originAllowed)
    const { decision } = pair
    counts[KIND_INDEX[decision.kind]]++
    if (decision.reason != null) counts[REASON_INDEX[decision.reason]]++
    counts[SHADOW_OFFSET + KIND_INDEX[pair.shadow.kind]]++
    if (pair.shadow.reason != null) counts[SHADOW_OFFSET + REASON_INDEX[pair.shadow.reason]]++
    if (pair.difference.length > 0) {
      counts[DIFFERENCES]++
      this.#report(pair, method, headers, path)
    }
    return decision
  }

  #report (pair, method, headers, path) {
    const report = Object.freeze({
      decision: pair.decision,
      shadow: pair.shadow,
      difference: pair.difference,
      method: String(method),
      path: path == null ? undefined : String(path),
      origin: originOf(headers)
    })
    try {
      this.#onDifference(report)
    } catch (error) {
      process.emitWarning(`unicors: the onDifference callback threw: ${error && error.message}`, 'UnicorsWarning')
    }
  }

  /**
   * Every counter as `{ name: count }`: `not_cors`, `preflight`, `actual`,
   * `rejected`, `rejected.<reason>`, the same under `shadow.`, and
   * `shadow.differences` (the names of every unicors surface).
   */
  counters () {
    const out = {}
    for (let i = 0; i < COUNTER_NAMES.length; i++) out[COUNTER_NAMES[i]] = this.#counts[i]
    return out
  }
}

module.exports = { LivePolicy, COUNTER_NAMES }
