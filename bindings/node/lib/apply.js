'use strict'
/**
 * Applying a decision to a Node response with only `statusCode`,
 * `getHeader`, `setHeader`, `removeHeader` and `end`: every CORS response
 * header is removed first (never a second or stale Access-Control-Allow-
 * Origin), the decision's headers are set, and the decision's Vary names
 * the response does not list yet are appended (the core says which).
 */

const native = require('../index.js')

const RESPONSE_HEADER_NAMES = Object.freeze(native.responseHeaderNames())

function existingVary (value) {
  if (value == null) return []
  return Array.isArray(value) ? value.map(String) : [String(value)]
}

/** Sets the decision's headers and Vary on `res` (Node's or fastify's reply). */
function applyDecision (res, decision) {
  for (const name of RESPONSE_HEADER_NAMES) res.removeHeader(name)
  for (const [name, value] of decision.headers) res.setHeader(name, value)
  if (decision.vary) {
    const existing = existingVary(res.getHeader('vary'))
    const missing = existing.length === 0 ? decision.vary : native.varyToAppend(decision.vary, existing)
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

module.exports = { applyDecision, answerNow, RESPONSE_HEADER_NAMES }
