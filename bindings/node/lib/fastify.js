'use strict'
/**
 * A fastify plugin taking @fastify/cors's main options (origin, methods,
 * allowedHeaders, exposedHeaders, credentials, maxAge, preflightContinue,
 * optionsSuccessStatus, preflight; @fastify/cors's defaults) or
 * `{ policy }` / `{ policy, origin }`:
 *
 *   fastify.register(require('unicors').fastifyCors, { origin: ['https://app.example.com'] })
 *
 * It decides in an onRequest hook (before the body is read) and answers the
 * preflights the policy answers there. Like @fastify/cors it adds an
 * `OPTIONS *` route (unless `preflight: false`), so that preflights to
 * paths with no OPTIONS route of their own run this scope's hooks; an
 * OPTIONS request that reaches that route (not a preflight, or a preflight
 * let through by preflightContinue) goes to the not-found handler, as it
 * would without the route.
 */

const fp = require('fastify-plugin')

const { applyDecision } = require('./apply.js')
const { fromCorsOptions, FASTIFY_DEFAULT_METHODS } = require('./options.js')
const { pathOf } = require('./request.js')

function unicorsFastify (fastify, options, done) {
  let translated
  try {
    translated = fromCorsOptions(options, { defaultMethods: FASTIFY_DEFAULT_METHODS, thisArg: fastify })
  } catch (error) {
    return done(error) // a callback plugin's throw would escape avvio: ready() rejects instead
  }
  const { policy, check, disabled } = translated
  if (disabled) return done()

  // Decides, applies the decision and either answers now or goes on.
  const decide = (request, reply, verdict, next) => {
    const decision = policy.evaluate(request.method, request.headers, pathOf(request.raw), verdict)
    applyDecision(new ReplyHeaders(reply), decision)
    if (decision.status == null) return next()
    reply.code(decision.status)
    if (decision.status !== 204) reply.header('Content-Length', '0')
    reply.send() // answered in the hook: next() is not called
  }

  fastify.addHook('onRequest', (request, reply, next) => {
    if (check === null) return decide(request, reply, null, next)
    const origin = request.headers.origin
    check(typeof origin === 'string' ? origin : undefined, (verdict) => decide(request, reply, verdict, next))
  })

  if (options.preflight !== false) {
    fastify.options('*', (request, reply) => { reply.callNotFound() })
  }
  done()
}

/** A reply seen through the three header methods applyDecision uses. */
class ReplyHeaders {
  constructor (reply) { this.reply = reply }
  getHeader (name) { return this.reply.getHeader(name) }
  setHeader (name, value) { this.reply.header(name, value) }
  removeHeader (name) { this.reply.removeHeader(name) }
}

// Not encapsulated (fastify-plugin): the hook covers the parent scope's routes.
module.exports = fp(unicorsFastify, { name: 'unicors', fastify: '>=4' })
