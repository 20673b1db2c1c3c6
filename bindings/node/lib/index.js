'use strict'
/**
 * unicors for Node.js: the CORS decisions of the WHATWG Fetch standard from
 * one policy, decided by the unicors core (Rust, through N-API).
 *
 *   const { Policy, cors, handle, fastifyCors } = require('unicors')
 */

const { Policy, ConfigError, REQUEST_HEADER_NAMES } = require('./policy.js')
const { LivePolicy, COUNTER_NAMES } = require('./live.js')
const { cors } = require('./express.js')
const { handle } = require('./http.js')

module.exports = {
  Policy,
  LivePolicy,
  COUNTER_NAMES,
  ConfigError,
  REQUEST_HEADER_NAMES,
  cors,
  handle,
  get fastifyCors () { return require('./fastify.js') }
}
