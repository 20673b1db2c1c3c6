'use strict'
/**
 * The `cors` package's and @fastify/cors's options as a unicors Policy plus
 * an origin check run in JavaScript (RegExps and functions), which the core
 * receives as the host's verdict. Origin checks the peers would make
 * insecure (`origin: true` or `'*'` with credentials reflects any origin)
 * throw, saying how to express the intent safely.
 *
 * `{ policy, origin }` takes a unicors Policy plus an origin check: a
 * function's answer is the verdict (it overrides the policy's origins);
 * a RegExp (or an array of RegExps and origins) admits what it matches
 * in addition to the policy's origins.
 */

const { Policy } = require('./policy.js')
const { LivePolicy } = require('./live.js')

/** The `cors` package's default methods (@fastify/cors's are 'GET,HEAD,POST'). */
const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']
const FASTIFY_DEFAULT_METHODS = ['GET', 'HEAD', 'POST']

function list (value) {
  if (value == null) return undefined
  if (Array.isArray(value)) return value.map(String)
  return String(value).split(',').map((s) => s.trim()).filter(Boolean)
}

/** A RegExp that must match the whole origin: anchored, without g/y (stateful). */
function wholeMatch (regexp) {
  return new RegExp(`^(?:${regexp.source})$`, regexp.flags.replace(/[gy]/g, ''))
}

function insecure (what) {
  return new TypeError(`${what} with credentials would reflect any origin, letting every site read your users' ` +
    'responses. List the origins that need credentials, e.g. origin: [\'https://app.example.com\'], ' +
    'a pattern such as \'https://*.example.com\', or a function that checks the origin.')
}

/**
 * What an origin function's answer means for `origin`, as the peers read
 * it: true or a truthy non-string admits; a string, RegExp or array admits
 * the origins it names or matches (a RegExp the whole origin); `'*'` admits
 * only without credentials (with them, browsers refuse the peers' `*`).
 */
function admits (answer, origin, credentials) {
  if (answer === true) return true
  if (!answer) return false
  if (Array.isArray(answer)) return answer.some((a) => admits(a, origin, credentials))
  if (answer instanceof RegExp) return origin != null && wholeMatch(answer).test(origin)
  if (typeof answer === 'string' || answer instanceof String) {
    return String(answer) === '*' ? !credentials : origin === String(answer)
  }
  return true
}

/**
 * The verdict check of an `origin` option that is a function, a RegExp or
 * an array holding RegExps (the strings of such an array are the policy's
 * business): `(origin, done) => void`, `done(true | false | null)`, null
 * leaving the decision to the policy.
 */
function originCheck (origin, { credentials, thisArg } = {}) {
  if (typeof origin === 'function') {
    return (value, done) => {
      let settled = false
      const finish = (error, answer) => {
        if (settled) return
        settled = true
        // A failing check refuses the origin; it never fails the request.
        done(!error && admits(answer, value, credentials))
      }
      try {
        const result = origin.call(thisArg, value, finish)
        if (result && typeof result.then === 'function') result.then((a) => finish(null, a), (e) => finish(e ?? new Error('rejected')))
      } catch (error) {
        finish(error)
      }
    }
  }
  const regexps = (Array.isArray(origin) ? origin : [origin]).filter((e) => e instanceof RegExp).map(wholeMatch)
  if (regexps.length === 0) return null
  // A match admits; otherwise the policy's own origins decide.
  return (value, done) => done(value != null && regexps.some((r) => r.test(value)) ? true : null)
}

/** `{ policy, origin? }`: a unicors Policy, optionally with a JavaScript origin check. */
function fromPolicy (options) {
  const { policy, origin } = options
  if (!(policy instanceof Policy) && !(policy instanceof LivePolicy)) {
    throw new TypeError('options.policy must be a unicors Policy or LivePolicy')
  }
  if (origin === undefined) return { policy, check: null, disabled: false }
  const valid = typeof origin === 'function' || origin instanceof RegExp ||
    (Array.isArray(origin) && origin.length > 0 && origin.every((e) => e instanceof RegExp))
  if (!valid) {
    throw new TypeError('with a policy, origin may only be a function or RegExps; list the origins in the policy ' +
      '(allowOrigins)')
  }
  // The policy's credentials are not visible here: an origin function's `'*'` refuses.
  return { policy, check: originCheck(origin, { credentials: true, thisArg: options.thisArg }), disabled: false }
}

/**
 * @returns {{ policy: Policy, check: null | ((origin: string|undefined, done: (allowed: boolean|null) => void) => void), disabled: boolean }}
 */
// The options the adapters understand; fastify's plugin-level options that
// do not change CORS answers are accepted as well. Anything else throws:
// a typo (`origins`) must not silently mean the default, any origin.
const KNOWN_OPTIONS = new Set(['policy', 'shadowPolicy', 'onShadowDifference', 'origin', 'methods', 'allowedHeaders', 'headers', 'exposedHeaders',
  'credentials', 'maxAge', 'preflightContinue', 'optionsSuccessStatus', 'preflight', 'logLevel', 'prefix'])
const UNSUPPORTED_OPTIONS = {
  hook: 'unicors decides in onRequest, before the body is read',
  strictPreflight: 'unicors always validates preflights strictly',
  delegator: 'use an origin function, or a Policy with routes',
  hideOptionsRoute: 'the OPTIONS * route is always hidden from schemas',
  cacheControl: 'set Cache-Control in your own hook'
}

function checkOptionNames (options) {
  for (const name of Object.keys(options)) {
    if (KNOWN_OPTIONS.has(name)) continue
    if (name in UNSUPPORTED_OPTIONS) {
      throw new TypeError(`the CORS option "${name}" is not supported: ${UNSUPPORTED_OPTIONS[name]}`)
    }
    const near = [...KNOWN_OPTIONS].find((known) => known.toLowerCase().startsWith(name.toLowerCase().slice(0, 5)))
    throw new TypeError(`unknown CORS option "${name}"${near ? ` (did you mean "${near}"?)` : ''}`)
  }
}

/**
 * With `shadowPolicy` (a Policy or a policy file), the translated policy is
 * enforced in a LivePolicy beside that report-only policy; differences go to
 * `onShadowDifference` (default: one console.info line).
 */
function fromCorsOptions (options = {}, settings = {}) {
  const translated = translate(options, settings)
  const { shadowPolicy, onShadowDifference } = options ?? {}
  if (shadowPolicy === undefined) {
    if (onShadowDifference !== undefined) throw new TypeError('onShadowDifference needs shadowPolicy')
    return translated
  }
  if (translated.policy instanceof LivePolicy) {
    throw new TypeError('a LivePolicy carries its own report-only policy: give shadowPolicy to the LivePolicy')
  }
  if (translated.disabled) return translated
  const live = new LivePolicy(translated.policy, { shadowPolicy, onDifference: onShadowDifference })
  return { ...translated, policy: live }
}

function translate (options = {}, { defaultMethods = DEFAULT_METHODS, thisArg } = {}) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('CORS options must be an object (options delegates are not supported: ' +
      'use an origin function, or a Policy with routes)')
  }
  checkOptionNames(options)
  if (options.policy !== undefined) return fromPolicy({ ...options, thisArg })
  const credentials = Boolean(options.credentials)
  const keys = {
    allowMethods: list(options.methods) ?? defaultMethods,
    allowHeaders: list(options.allowedHeaders ?? options.headers) ?? ['*'],
    exposeHeaders: list(options.exposedHeaders) ?? [],
    allowCredentials: credentials
  }
  if (options.maxAge != null) keys.maxAge = Number(options.maxAge)
  if (options.preflightContinue) keys.preflightContinue = true
  if (options.optionsSuccessStatus != null) keys.preflightStatus = Number(options.optionsSuccessStatus)

  const origin = options.origin === undefined ? '*' : options.origin
  let check = null
  if (origin === false) return { policy: null, check: null, disabled: true }
  if (origin === true || origin === '*') {
    if (credentials) {
      throw insecure(options.origin === undefined ? "origin (default '*')" : `origin: ${origin === true ? 'true' : "'*'"}`)
    }
    keys.allowOrigins = ['*']
  } else if (typeof origin === 'function') {
    keys.allowOrigins = []
    check = originCheck(origin, { credentials, thisArg })
  } else {
    const entries = Array.isArray(origin) ? origin : [origin]
    // The policy validates the strings (exact origins and patterns); the
    // RegExps admit what they match on top of them.
    keys.allowOrigins = entries.filter((e) => !(e instanceof RegExp)).map(String)
    check = originCheck(entries)
  }
  return { policy: new Policy(keys), check, disabled: false }
}

module.exports = { fromCorsOptions, originCheck, wholeMatch, DEFAULT_METHODS, FASTIFY_DEFAULT_METHODS }
