'use strict'
/**
 * Applying a decision to a Node response with only `statusCode`,
 * `getHeader`, `setHeader`, `removeHeader` and `end`: the decision's
 * headers are set (replacing any of the same name), the CORS headers a
 * browser would read that it does not set are removed if there (never a
 * stale or forged Access-Control-Allow-Origin; the core says which), and
 * the decision's Vary names the response does not list yet are appended
 * (the core says which).
 *
 * Names are set in lowercase (as HTTP/2 requires and fastify does anyway):
 * Node stores headers under the lowercase name, so a lowercase name costs
 * it no conversion.
 */

const native = require('../index.js')

const PREPARED = Symbol('unicors.prepared')

// What the core said to append for (decision Vary, the response's Vary):
// apps set the same few Vary values, so the crossing is made once per pair.
const varyMemo = new Map()
const VARY_MEMO_MAX = 256

function varyToAppend (vary, existing) {
  const key = existing.length === 1 ? `${vary}\n${existing[0]}` : `${vary}\n${existing.join('\n')}`
  let missing = varyMemo.get(key)
  if (missing === undefined) {
    missing = native.varyToAppend(vary, existing)
    if (varyMemo.size >= VARY_MEMO_MAX) varyMemo.delete(varyMemo.keys().next().value)
    varyMemo.set(key, missing)
  }
  return missing
}

/**
 * Gives a decision (before it is frozen and cached) what applying it needs:
 * its header names in lowercase with their values, and `clear`, the
 * lowercase names of the CORS headers the core says to remove if there
 * (the ones a browser would read that the decision does not set).
 */
function prepareDecision (decision, clear) {
  Object.defineProperty(decision, PREPARED, {
    value: Object.freeze({
      names: Object.freeze(decision.headers.map(([name]) => name.toLowerCase())),
      values: Object.freeze(decision.headers.map(([, value]) => value)),
      clear: Object.freeze([...clear])
    })
  })
  return decision
}

function existingVary (value) {
  if (value == null) return []
  return Array.isArray(value) ? value.map(String) : [String(value)]
}

/** Sets the decision's headers and Vary on `res` (Node's or fastify's reply). */
function applyDecision (res, decision) {
  const { names, values, clear } = decision[PREPARED]
  // A look-up is much cheaper than a removal: remove only what is there.
  for (let i = 0; i < clear.length; i++) {
    if (res.getHeader(clear[i]) !== undefined) res.removeHeader(clear[i])
  }
  for (let i = 0; i < names.length; i++) res.setHeader(names[i], values[i])
  if (decision.vary) {
    const existing = res.getHeader('vary')
    const lines = existing === undefined ? [] : existingVary(existing)
    if (lines.length === 0) {
      res.setHeader('vary', decision.vary)
    } else {
      const missing = varyToAppend(decision.vary, lines)
      if (missing) res.setHeader('vary', `${lines.join(', ')}, ${missing}`)
    }
  }
}

/**
 * Ends `res` (a Node ServerResponse) as the decision's answer-now response
 * (a preflight): no body, for which Node itself sends `Content-Length: 0`.
 */
function answerNow (res, decision) {
  applyDecision(res, decision)
  res.statusCode = decision.status
  res.end()
}

module.exports = { applyDecision, answerNow, prepareDecision }
