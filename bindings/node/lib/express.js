'use strict'
/**
 * `cors(options)`: express/connect middleware (Express 4 and 5) taking the
 * `cors` package's options, or `cors({ policy })` with a unicors Policy
 * (optionally `{ policy, origin }`: plus an origin function or RegExps).
 *
 *   app.use(cors({ origin: ['https://app.example.com'], credentials: true }))
 *
 * Preflights the policy answers are answered here; other requests get the
 * decision's headers and go on. A failing origin check refuses the origin.
 */

const { applyDecision, answerNow } = require('./apply.js')
const { fromCorsOptions } = require('./options.js')
const { pathOf } = require('./request.js')

function cors (options = {}) {
  const { policy, check, disabled } = fromCorsOptions(options)

  return function unicorsCors (req, res, next) {
    if (disabled) return next()
    const decide = (verdict) => {
      const decision = policy.evaluate(req.method, req.headers, pathOf(req), verdict)
      if (decision.status != null) return answerNow(res, decision)
      applyDecision(res, decision)
      next()
    }
    if (check === null) return decide(null)
    check(typeof req.headers.origin === 'string' ? req.headers.origin : undefined, decide)
  }
}

module.exports = { cors }
