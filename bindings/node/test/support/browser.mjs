// What a browser does with a response: the CORS check and the preflight
// checks of the Fetch standard, from the client side. The differential
// tests compare libraries by outcome (would the page see the response?)
// rather than by bytes, since libraries legitimately differ in bytes
// (echoing the requested method vs listing all, 204 vs 200).
// A port of bindings/python/tests/browser.py.

export const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST'])

/** `headers`: lowercase name -> value (a repeated header joined with ', ', which fails the checks). */
export function corsCheck (headers, origin, credentials) {
  const allowOrigin = headers['access-control-allow-origin']
  if (allowOrigin == null) return false
  if (allowOrigin === '*' && !credentials) return true
  if (allowOrigin !== origin) return false
  return !credentials || headers['access-control-allow-credentials'] === 'true'
}

const list = (headers, name) => (headers[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean)

/** Whether a preflight response lets `method` with the request header `names` through. */
export function preflightPasses (status, headers, origin, method, names, credentials) {
  if (status < 200 || status > 299 || !corsCheck(headers, origin, credentials)) return false
  const methods = list(headers, 'access-control-allow-methods')
  if (!SAFELISTED_METHODS.has(method) && !methods.includes(method) && !(methods.includes('*') && !credentials)) return false
  const allowed = new Set(list(headers, 'access-control-allow-headers').map((h) => h.toLowerCase()))
  for (const name of names.map((n) => n.toLowerCase())) {
    if (allowed.has(name)) continue
    if (allowed.has('*') && !credentials && name !== 'authorization') continue
    return false
  }
  return true
}
