'use strict'
/**
 * Two small caches of what the core answered, so that most requests cost a
 * few Map look-ups and no crossing (decisions.md allows caching what the
 * core computed; nothing here decides anything):
 *
 * - `RequestCache`: request inputs → decision, for policies without routes
 *   (with routes, the path would have to be part of the key).
 * - `AnswerCache`: the core's answer string → the frozen decision, so each
 *   distinct answer becomes an object once (a flood of hostile requests
 *   gets the same few answers).
 *
 * Both are bounded: full, they start again empty (a flood of one-off keys
 * only costs the crossing it would have cost anyway).
 */

const MAX_ENTRIES = 1024
// Longer inputs (a hostile 4 KiB header list) are not worth hashing.
const MAX_KEY_LENGTH = 256

const tooLong = (text) => text !== undefined && text.length > MAX_KEY_LENGTH

/** Which slot a verdict (null, true or false) takes. */
const verdictSlot = (verdict) => (verdict === null ? 0 : verdict ? 1 : 2)
const slots = () => [undefined, undefined, undefined]

class RequestCache {
  // method → Origin → { plain, preflight }: `plain` holds the decisions of
  // requests without preflight headers by verdict slot; `preflight` is a
  // trie of Maps over request method, request headers and private network
  // (undefined for an absent header) ending in verdict slots. A look-up
  // hashes only strings Node already holds, and builds no key.
  #root = new Map()
  #size = 0

  get (method, origin, requestMethod, requestHeaders, privateNetwork, verdict) {
    if (tooLong(origin) || tooLong(requestHeaders)) return undefined // never hashed, never stored
    const byOrigin = this.#root.get(method)
    const entry = byOrigin && byOrigin.get(origin)
    if (entry === undefined) return undefined
    if (requestMethod === undefined && requestHeaders === undefined && privateNetwork === undefined) {
      return entry.plain[verdictSlot(verdict)]
    }
    const byHeaders = entry.preflight.get(requestMethod)
    const byNetwork = byHeaders && byHeaders.get(requestHeaders)
    const leaf = byNetwork && byNetwork.get(privateNetwork)
    return leaf && leaf[verdictSlot(verdict)]
  }

  set (method, origin, requestMethod, requestHeaders, privateNetwork, verdict, decision) {
    if (tooLong(origin) || tooLong(requestHeaders)) return
    if (this.#size >= MAX_ENTRIES) {
      this.#root.clear()
      this.#size = 0
    }
    const byOrigin = child(this.#root, method, () => new Map())
    const entry = child(byOrigin, origin, () => ({ plain: slots(), preflight: new Map() }))
    let leaf = entry.plain
    if (requestMethod !== undefined || requestHeaders !== undefined || privateNetwork !== undefined) {
      const byHeaders = child(entry.preflight, requestMethod, () => new Map())
      leaf = child(child(byHeaders, requestHeaders, () => new Map()), privateNetwork, slots)
    }
    leaf[verdictSlot(verdict)] = decision
    this.#size++
  }
}

/** `map`'s value for `key`, made by `make` if missing. */
function child (map, key, make) {
  let value = map.get(key)
  if (value === undefined) map.set(key, (value = make()))
  return value
}

class AnswerCache {
  #answers = new Map()

  get (answer) {
    return this.#answers.get(answer)
  }

  set (answer, decision) {
    if (this.#answers.size >= MAX_ENTRIES) this.#answers.clear()
    this.#answers.set(answer, decision)
  }
}

module.exports = { RequestCache, AnswerCache }
