'use strict'
/**
 * The router's path of a Node request: the URL up to `?` (what the core's
 * routes match). Express strips a mount path from `req.url`; `originalUrl`
 * keeps it.
 */
function pathOf (req) {
  const url = req.originalUrl || req.url || '/'
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

module.exports = { pathOf }
