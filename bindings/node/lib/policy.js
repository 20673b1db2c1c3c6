'use strict'
/**
 * unicors for Node.js: the CORS decisions of the WHATWG Fetch standard from
 * one policy, decided by the unicors core (Rust, through N-API).
 *
 *   const { Policy } = require('unicors')
 *   const policy = new Policy({ allowOrigins: ['https://app.example.com'], allowCredentials: true })
 *   const decision = policy.evaluate(req.method, req.headers, req.url)
 *
 * No CORS rule is written here: this file shapes arguments and errors.
 * (The adapters are in express.js, fastify.js and http.js.)
 */

const native = require('../index.js')
const { RequestCache } = require('./cache.js')
const { decisionOf, freezeObject, DIFFERENCE_NAMES } = require('./answer.js')

const REQUEST_HEADER_NAMES = Object.freeze(native.requestHeaderNames())
const WANTED = new Set(REQUEST_HEADER_NAMES)
// The core's names, in its order: origin, then the three preflight headers.
const [ORIGIN, REQUEST_METHOD, REQUEST_HEADERS, PRIVATE_NETWORK] = REQUEST_HEADER_NAMES

/** A policy with problems: `errors` (and `warnings`) list every one. */
class ConfigError extends Error {
  constructor (problems) {
    const errors = problems.filter((p) => p.severity === 'error')
    const warnings = problems.filter((p) => p.severity === 'warning')
    const lines = problems.map((p) => `  ${p.severity} [${p.code}]${p.field ? ' ' + p.field : ''}: ${p.message}`)
    super(`invalid CORS policy: ${errors.length} error${errors.length === 1 ? '' : 's'}\n${lines.join('\n')}`)
    this.name = 'ConfigError'
    this.code = 'ERR_UNICORS_CONFIG'
    this.errors = errors
    this.warnings = warnings
  }
}

function unwrap (built) {
  if (Array.isArray(built)) throw new ConfigError(built)
  return built
}

function text (value) {
  return Array.isArray(value) ? value.map(String) : [String(value)]
}

/**
 * The CORS request header lines of `headers`, flat ([name, value, …]):
 * Node's `req.headers` object, `req.rawHeaders` (flat), or [name, value]
 * pairs. Only the lines a decision reads cross into the addon.
 */
function requestLines (headers) {
  const lines = []
  if (headers == null) return lines
  if (Array.isArray(headers)) {
    const pairs = headers.length > 0 && Array.isArray(headers[0])
    const step = pairs ? 1 : 2
    for (let i = 0; i + (pairs ? 0 : 1) < headers.length; i += step) {
      const name = String(pairs ? headers[i][0] : headers[i])
      if (WANTED.has(name.toLowerCase())) {
        lines.push(name, String(pairs ? headers[i][1] : headers[i + 1]))
      }
    }
    return lines
  }
  if (typeof headers.get === 'function' && typeof headers.entries === 'function') {
    for (const [name, value] of headers.entries()) { // a Headers or a Map
      if (WANTED.has(String(name).toLowerCase())) lines.push(String(name), String(value))
    }
    return lines
  }
  for (const name of Object.keys(headers)) {
    if (!WANTED.has(name.toLowerCase())) continue
    for (const value of text(headers[name])) lines.push(name, value)
  }
  return lines
}

/** Whether `headers` is an object as Node builds `req.headers` (lowercase names). */
function isHeadersObject (headers) {
  return headers != null && typeof headers === 'object' && !Array.isArray(headers) &&
    typeof headers.entries !== 'function'
}

/** A header value for the fast path: a string, undefined when absent, null when an array (general path). */
function single (value) {
  if (value === undefined || value === null) return undefined
  return Array.isArray(value) ? null : String(value)
}

// A character beyond latin-1. V8 answers this in constant time for the
// one-byte strings Node's HTTP parser makes (no such character can be in
// them), so the crossing can copy those strings byte for byte.
const BEYOND_LATIN1 = /[^\u0000-\u00ff]/
const fitsLatin1 = (text) => text === undefined || !BEYOND_LATIN1.test(text)

class Policy {
  #native
  #id
  // Without routes the path never matters, so requests can be cached.
  #requests
  // Report-only pairs: the shadow Policy → a RequestCache of pairs.
  #pairs = new WeakMap()

  /**
   * @param {object} options the policy keys in camelCase (`allowOrigins`,
   *   `allowCredentials`, `maxAge`, `routes: [{ path, ... }]`, …)
   */
  constructor (options = {}) {
    if (options instanceof native.NativePolicy) {
      this.#native = options
    } else {
      if (options === null || typeof options !== 'object' || Array.isArray(options)) {
        throw new TypeError('Policy options must be an object of policy keys')
      }
      this.#native = unwrap(native.buildFromOptions(options))
    }
    this.#id = this.#native.id()
    this.#requests = this.#native.hasRoutes() ? null : new RequestCache()
    Object.freeze(this)
  }

  /** Reads a policy file (`.json` is JSON, anything else TOML). */
  static fromFile (path) {
    return new Policy(unwrap(native.buildFromFile(String(path))))
  }

  /** Builds a policy from a TOML document. */
  static fromToml (text) {
    return new Policy(unwrap(native.buildFromToml(String(text))))
  }

  /** Builds a policy from a JSON document. */
  static fromJson (text) {
    return new Policy(unwrap(native.buildFromJson(String(text))))
  }

  /** What works but may surprise, as problems with severity 'warning'. */
  get warnings () {
    return this.#native.warnings()
  }

  /**
   * Decides one request.
   * @param {string} method as received
   * @param headers `req.headers` (an object with lowercase names, as Node
   *   builds it), `req.rawHeaders`, [name, value] pairs, or a Headers/Map
   * @param {string} [path] the router's path (anything from `?` on is ignored)
   * @param {boolean} [originAllowed] the host's own verdict on the Origin
   */
  evaluate (method, headers, path, originAllowed) {
    return this.#evaluate(null, method, headers, path, originAllowed)
  }

  /**
   * Decides one request with this policy and, report-only, with `shadow`
   * (arguments as `evaluate`): a frozen `{ decision, shadow, difference }`,
   * `difference` naming what differs (`[]` when nothing does). LivePolicy
   * is the usual way to use it.
   */
  evaluateShadowed (shadow, method, headers, path, originAllowed) {
    if (!(shadow instanceof Policy)) throw new TypeError('the report-only policy must be a unicors Policy')
    return this.#evaluate(shadow, method, headers, path, originAllowed)
  }

  /** A decision (`shadow` null) or a report-only pair. */
  #evaluate (shadow, method, headers, path, originAllowed) {
    method = String(method)
    const verdict = originAllowed == null ? null : Boolean(originAllowed)
    if (isHeadersObject(headers)) {
      const origin = single(headers[ORIGIN])
      const requestMethod = single(headers[REQUEST_METHOD])
      const requestHeaders = single(headers[REQUEST_HEADERS])
      const privateNetwork = single(headers[PRIVATE_NETWORK])
      if (origin !== null && requestMethod !== null && requestHeaders !== null && privateNetwork !== null) {
        return shadow === null
          ? this.#decide(method, origin, requestMethod, requestHeaders, privateNetwork, path, verdict)
          : this.#decidePair(shadow, method, origin, requestMethod, requestHeaders, privateNetwork, path, verdict)
      }
    }
    const lines = requestLines(headers)
    return shadow === null
      ? freezeObject(this.#native.evaluate(method, lines, path == null ? null : String(path), verdict))
      : this.#generalPair(shadow, method, lines, path, verdict)
  }

  #decidePair (shadow, method, origin, requestMethod, requestHeaders, privateNetwork, path, verdict) {
    if (this.#requests === null || shadow.#requests === null) {
      return this.#crossPair(shadow, method, origin, requestMethod, requestHeaders, privateNetwork,
        path == null ? undefined : String(path), verdict)
    }
    let pairs = this.#pairs.get(shadow)
    if (pairs === undefined) this.#pairs.set(shadow, (pairs = new RequestCache()))
    let pair = pairs.get(method, origin, requestMethod, requestHeaders, privateNetwork, verdict)
    if (pair === undefined) {
      pair = this.#crossPair(shadow, method, origin, requestMethod, requestHeaders, privateNetwork, undefined, verdict)
      pairs.set(method, origin, requestMethod, requestHeaders, privateNetwork, verdict, pair)
    }
    return pair
  }

  #crossPair (shadow, method, origin, requestMethod, requestHeaders, privateNetwork, path, verdict) {
    const latin1 = fitsLatin1(method) && fitsLatin1(origin) && fitsLatin1(requestMethod) &&
      fitsLatin1(requestHeaders) && fitsLatin1(privateNetwork) && fitsLatin1(path)
    const answer = native.decideFast(this.#id, method, origin, requestMethod, requestHeaders, privateNetwork, path,
      verdict === null ? undefined : verdict, latin1, shadow.#id)
    if (answer !== null) {
      const [enforced, bits, candidate] = answer.split('\0')
      return pairOf(decisionOf(enforced), decisionOf(candidate), Number(bits))
    }
    const lines = []
    const values = [origin, requestMethod, requestHeaders, privateNetwork]
    for (let i = 0; i < values.length; i++) if (values[i] !== undefined) lines.push(REQUEST_HEADER_NAMES[i], values[i])
    return this.#generalPair(shadow, method, lines, path, verdict)
  }

  #generalPair (shadow, method, lines, path, verdict) {
    const both = this.#native.evaluateShadowed(shadow.#native, method, lines, path == null ? null : String(path), verdict)
    return pairOf(freezeObject(both.decision), freezeObject(both.shadow), both.difference)
  }

  #decide (method, origin, requestMethod, requestHeaders, privateNetwork, path, verdict) {
    const requests = this.#requests
    if (requests === null) {
      return this.#cross(method, origin, requestMethod, requestHeaders, privateNetwork,
        path == null ? undefined : String(path), verdict)
    }
    let decision = requests.get(method, origin, requestMethod, requestHeaders, privateNetwork, verdict)
    if (decision === undefined) {
      decision = this.#cross(method, origin, requestMethod, requestHeaders, privateNetwork, undefined, verdict)
      requests.set(method, origin, requestMethod, requestHeaders, privateNetwork, verdict, decision)
    }
    return decision
  }

  /** One crossing with just the four CORS request header values. */
  #cross (method, origin, requestMethod, requestHeaders, privateNetwork, path, verdict) {
    const latin1 = fitsLatin1(method) && fitsLatin1(origin) && fitsLatin1(requestMethod) &&
      fitsLatin1(requestHeaders) && fitsLatin1(privateNetwork) && fitsLatin1(path)
    const answer = native.decideFast(this.#id, method, origin, requestMethod, requestHeaders, privateNetwork, path,
      verdict === null ? undefined : verdict, latin1)
    if (answer !== null) return decisionOf(answer)
    // The core emitted a byte the answer string cannot carry (it never
    // does): take the general crossing, which has no such limit.
    const lines = []
    const values = [origin, requestMethod, requestHeaders, privateNetwork]
    for (let i = 0; i < values.length; i++) if (values[i] !== undefined) lines.push(REQUEST_HEADER_NAMES[i], values[i])
    return freezeObject(this.#native.evaluate(method, lines, path ?? null, verdict))
  }
}

/** A frozen report-only pair; `difference` names what differs (a shared frozen array). */
function pairOf (decision, shadow, bits) {
  return Object.freeze({ decision, shadow, difference: DIFFERENCE_NAMES[bits & 31] })
}

module.exports = { Policy, ConfigError, REQUEST_HEADER_NAMES }
