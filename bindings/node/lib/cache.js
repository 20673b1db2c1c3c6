'use strict'
/**
 * A small cache of decisions the core computed, keyed by everything a
 * decision depends on (route, method, the four CORS request headers, the
 * host's verdict): most traffic repeats a handful of origins and methods,
 * so most requests never cross into the addon. decisions.md allows caching
 * what the core answered; nothing here decides anything.
 */

const MAX_ENTRIES = 1024
// Longer inputs (a hostile 4 KiB header list) are not worth a key.
const MAX_KEY_LENGTH = 512

const part = (value) => (value === undefined ? '.' : value.length + ':' + value)

class DecisionCache {
  #entries = new Map()

  /**
   * The cache key, or null when the inputs are too large to cache. Each
   * part is length-prefixed, so no two inputs share a key whatever bytes
   * they hold; absent parts are one character, keeping the common keys
   * (an actual request: method and Origin) short to hash.
   */
  static key (route, method, origin, requestMethod, requestHeaders, privateNetwork, verdict) {
    const key = part(method) + part(origin) + part(requestMethod) + part(requestHeaders) +
      part(privateNetwork) + (verdict === null ? '-' : verdict ? 'y' : 'n') + route
    return key.length > MAX_KEY_LENGTH ? null : key
  }

  get (key) {
    return this.#entries.get(key)
  }

  /** First in, first out: a hit costs one lookup, and a flood of one-off keys only cycles the cache. */
  set (key, decision) {
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value)
    this.#entries.set(key, decision)
  }
}

const { prepareDecision } = require('./apply.js')

/** A decision shared by every request that gets it: prepared for applying, frozen all the way down. */
function freezeDecision (decision) {
  prepareDecision(decision)
  for (const pair of decision.headers) Object.freeze(pair)
  Object.freeze(decision.headers)
  return Object.freeze(decision)
}

module.exports = { DecisionCache, freezeDecision }
