'use strict'
/**
 * `handle(policy, req, res, originAllowed?) -> boolean` for plain
 * `node:http` servers: true when the request was answered (a preflight),
 * false when the app should go on (the CORS headers are already set).
 *
 *   http.createServer((req, res) => { if (handle(policy, req, res)) return; ... })
 */

const { applyDecision, answerNow } = require('./apply.js')
const { pathOf } = require('./request.js')

function handle (policy, req, res, originAllowed) {
  const decision = policy.evaluate(req.method, req.headers, pathOf(req), originAllowed)
  if (decision.status != null) {
    answerNow(res, decision)
    return true
  }
  applyDecision(res, decision)
  return false
}

module.exports = { handle }
