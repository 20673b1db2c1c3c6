// The app behind every API of the browser suite (no CORS in it): answers
// any method on any path with 200 and a JSON echo of what it received — the
// method, the path and the Cookie header — plus two response headers, one
// the policy exposes (X-Exposed) and one it does not (X-Hidden). The Python
// app (asgi_app.py) answers the same way.

/** The echo response for a request: { status, headers, body }. */
export function echo (method, path, cookie) {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-exposed': 'yes', 'x-hidden': 'yes', 'cache-control': 'no-store' },
    body: JSON.stringify({ method, path, cookie: cookie ?? null })
  }
}

/**
 * Every request a server saw, for the harness: GET /__hits answers the list
 * of { method, path, origin, requestMethod, requestHeaders } (and clears it
 * with ?reset=1). Only the harness asks it, from Node, not the browser.
 */
export class Hits {
  #seen = []

  record (method, url, headers) {
    const path = url.split('?')[0]
    if (path === '/__hits') return false
    this.#seen.push({
      method,
      path,
      origin: headers.origin ?? null,
      requestMethod: headers['access-control-request-method'] ?? null,
      requestHeaders: headers['access-control-request-headers'] ?? null
    })
    return true
  }

  /** The /__hits answer, or null when `url` is something else. */
  answer (url) {
    if (url.split('?')[0] !== '/__hits') return null
    const body = JSON.stringify(this.#seen)
    if (url.endsWith('?reset=1')) this.#seen = []
    return body
  }
}
