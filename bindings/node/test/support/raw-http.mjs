// A raw HTTP/1.1 client over node:net that sends header bytes exactly as
// given (no normalising, no joining of repeated lines) and returns every
// response header line as received: one request per connection,
// `Connection: close`, read until the server closes.
import { connect } from 'node:net'

const TIMEOUT_MS = 5000
const CRLF = Buffer.from('\r\n')

/** A header name or value as bytes: a Buffer, or a string sent as UTF-8. */
const bytes = (value) => (Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8'))

/**
 * @param {number} port on 127.0.0.1
 * @param {{ method?: string|Buffer, path?: string|Buffer, host?: string, headers?: Array<[string|Buffer, string|Buffer]> }} request
 * @returns {Promise<Response>}
 */
export function request (port, { method = 'GET', path = '/', host = 'localhost', headers = [] } = {}) {
  const lines = [Buffer.concat([bytes(method), Buffer.from(' '), bytes(path), Buffer.from(' HTTP/1.1')]),
    Buffer.from(`Host: ${host}`)]
  for (const [name, value] of headers) lines.push(Buffer.concat([bytes(name), Buffer.from(': '), bytes(value)]))
  lines.push(Buffer.from('Connection: close'), Buffer.alloc(0), Buffer.alloc(0))
  const payload = Buffer.concat(lines.flatMap((line, i) => (i === 0 ? [line] : [CRLF, line])))

  return new Promise((resolve, reject) => {
    const chunks = []
    const socket = connect({ port, host: '127.0.0.1' })
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)))
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      try {
        resolve(parse(Buffer.concat(chunks)))
      } catch (error) {
        reject(error)
      }
    })
    socket.end(payload)
  })
}

/** A response as received: status, header lines (names as sent), body. */
export class Response {
  constructor (status, headers, body) {
    this.status = status
    /** @type {Array<[string, Buffer]>} names as latin-1 text, values as bytes without surrounding spaces */
    this.headers = headers
    this.body = body
  }

  /** Every value of `name` (case-insensitive), one per line, as latin-1 text. */
  values (name) {
    const wanted = name.toLowerCase()
    return this.headers.filter(([n]) => n.toLowerCase() === wanted).map(([, v]) => v.toString('latin1'))
  }

  /** The access-control-* lines as `name: hex(value)` strings, names lowercased, sorted. */
  cors () {
    return this.headers.filter(([n]) => n.toLowerCase().startsWith('access-control-'))
      .map(([n, v]) => `${n.toLowerCase()}: ${v.toString('hex')}`).sort()
  }

  /** Every name of every Vary line. */
  vary () {
    return this.values('vary').flatMap((line) => line.split(',')).map((s) => s.trim()).filter(Boolean)
  }

  /** Whether the inner app answered (it sets `X-App: 1`). */
  get appRan () {
    const lines = this.values('x-app')
    return lines.length === 1 && lines[0] === '1'
  }
}

function parse (data) {
  const end = data.indexOf('\r\n\r\n')
  if (end === -1) throw new Error(`incomplete response: ${JSON.stringify(data.subarray(0, 300).toString('latin1'))}`)
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n')
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)
  if (!match) throw new Error(`bad status line: ${JSON.stringify(statusLine)}`)
  const headers = lines.map((line) => {
    const colon = line.indexOf(':')
    if (colon <= 0) throw new Error(`bad header line: ${JSON.stringify(line)}`)
    return [line.slice(0, colon), Buffer.from(line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, ''), 'latin1')]
  })
  let body = data.subarray(end + 4)
  const chunked = headers.some(([n, v]) => n.toLowerCase() === 'transfer-encoding' && /chunked/i.test(v.toString('latin1')))
  if (chunked) body = dechunk(body)
  return new Response(Number(match[1]), headers, body)
}

function dechunk (data) {
  const parts = []
  let at = 0
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at)
    if (lineEnd === -1) break
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16)
    if (!(size > 0)) break
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
  return Buffer.concat(parts)
}
