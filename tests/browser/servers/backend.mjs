// The app nginx proxies to in the browser suite: node:http answering with
// the echo app and nothing else (the CORS headers are nginx's module's; the
// requests nginx answers itself never arrive here, so the harness counts
// nginx's requests from its access log).
//
//   node servers/backend.mjs PORT
import http from 'node:http'
import { echo } from './echo.mjs'

const [port] = process.argv.slice(2)
http.createServer((req, res) => {
  const { status, headers, body } = echo(req.method, req.url.split('?')[0], req.headers.cookie)
  res.writeHead(status, headers).end(body)
}).listen(Number(port), '127.0.0.1', () => console.log(`backend listening on 127.0.0.1:${port}`))
