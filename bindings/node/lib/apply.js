'use strict'
/**
 * Applying a decision to a Node response with only `statusCode`,
 * `getHeader`, `setHeader`, `removeHeader` and `end`: the decision's
 * headers are set (replacing any of the same name), every other CORS
 * response header already there is removed (never a stale or forged
 * Access-Control-Allow-Origin), and the decision's Vary names the response
 * does not list yet are appended (the core says which).
 */

const native = require('../index.js')

const RESPONSE_HEADER_NAMES = Object.freeze(native.responseHeaderNames())
const STALE = Symbol('unicors.stale')

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
 * Gives a decision (before it is frozen and cached) the CORS header names it
 * does not set, so applying it removes just those.
 */
function prepareDecision (decision) {
  const set = new Set(decision.headers.map(([name]) => name.toLowerCase()))
  // Lowercase: Node's getHeader/removeHeader lowercase the name on every call.
  Object.defineProperty(decision, STALE, {
    value: Object.freeze(RESPONSE_HEADER_NAMES.map((name) => name.toLowerCase()).filter((name) => !set.has(name)))
  })
  return decision
}

function existingVary (value) {
  if (value == null) return []
  return Array.isArray(value) ? value.map(String) : [String(value)]
}

/** Sets the decision's headers and Vary on `res` (Node's or fastify's reply). */
function applyDecision (res, decision) {
  // A lookup is much cheaper than a removal: remove only what is there.
  for (const name of decision[STALE] ?? RESPONSE_HEADER_NAMES) {
    if (res.getHeader(name) !== undefined) res.removeHeader(name)
  }
  for (const [name, value] of decision.headers) res.setHeader(name, value)
  if (decision.vary) {
    const existing = existingVary(res.getHeader('vary'))
    const missing = existing.length === 0 ? decision.vary : varyToAppend(decision.vary, existing)
    if (missing) res.setHeader('Vary', existing.length === 0 ? missing : `${existing.join(', ')}, ${missing}`)
  }
}

/** Ends `res` as the decision's answer-now response (a preflight): no body. */
function answerNow (res, decision) {
  applyDecision(res, decision)
  res.statusCode = decision.status
  if (decision.status !== 204) res.setHeader('Content-Length', '0')
  res.end()
}

module.exports = { applyDecision, answerNow, prepareDecision, RESPONSE_HEADER_NAMES }
