// The processes of the browser suite, each on 127.0.0.1 and a port checked
// free first, each stopped by pid (children by their pid, nginx by the pid
// in its pid file) when the run ends, however it ends:
//
//   page     this process: http://127.0.0.1:P/ and http://localhost:P/
//   python   uvicorn + unicors.asgi.CORSMiddleware (servers/asgi_app.py)
//   express  express 5 + unicors cors() (servers/express.mjs)
//   nginx    nginx + ngx_http_unicors_module, proxying to servers/backend.mjs
//
// A surface is { name, origin, hits(), reset(), stop() }: hits() lists the
// requests it saw (method, path, origin, requestMethod, requestHeaders),
// preflights included.
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import { createConnection, createServer as createTcpServer } from 'node:net'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ROOT = resolve(HERE, '..', '..')
export const POLICY = join(HERE, 'policy.toml')

/** A port nothing listens on now (the OS picks it). */
export function freePort () {
  return new Promise((resolvePort, reject) => {
    const server = createTcpServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolvePort(port))
    })
  })
}

/** Resolves once 127.0.0.1:port accepts connections (or rejects after `ms`). */
async function waitForPort (port, what, ms = 20000) {
  const until = Date.now() + ms
  for (;;) {
    const open = await new Promise((done) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => { socket.destroy(); done(true) })
      socket.once('error', () => done(false))
    })
    if (open) return
    if (Date.now() > until) throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${ms} ms`)
    await new Promise((done) => setTimeout(done, 50))
  }
}

const children = new Set()
/** Starts a child whose output is kept for error messages; it is killed when the run ends. */
function start (command, args, what, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
  child.output = ''
  child.stdout.on('data', (d) => { child.output += d })
  child.stderr.on('data', (d) => { child.output += d })
  child.once('exit', (code, signal) => { child.exited = { code, signal }; children.delete(child) })
  child.what = what
  children.add(child)
  return child
}

function stopChild (child) {
  if (child.exited) return Promise.resolve()
  return new Promise((done) => {
    child.once('exit', done)
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 3000).unref()
  })
}

for (const signal of ['exit', 'SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of children) child.kill('SIGKILL')
    if (signal !== 'exit') process.exit(1)
  })
}

async function started (child, port) {
  try {
    await Promise.race([
      waitForPort(port, child.what),
      new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`exited with ${code}`))))
    ])
  } catch (error) {
    throw new Error(`${child.what} did not start: ${error.message}\n${child.output}`)
  }
}

/** GET http://127.0.0.1:port/path from this process (not the browser): the body as JSON. */
async function getJson (port, path) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`)
  return response.json()
}

/** The page server: page.html at every path, on both host names. */
export async function startPage () {
  const port = await freePort()
  const html = readFileSync(join(HERE, 'page.html'))
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html)
  })
  await new Promise((done) => server.listen(port, '127.0.0.1', done))
  return {
    allowed: `http://127.0.0.1:${port}`,
    other: `http://localhost:${port}`,
    stop: () => new Promise((done) => server.close(done))
  }
}

/** The Python interpreter with unicors and uvicorn (bindings/python/run-tests.sh's venv). */
function python () {
  if (process.env.UNICORS_PYTHON) return process.env.UNICORS_PYTHON
  const venvs = join(ROOT, 'target', 'python')
  const found = existsSync(venvs) && readdirSync(venvs).filter((n) => n.startsWith('venv-'))
    .map((n) => join(venvs, n, 'bin', 'python')).find((p) => existsSync(p) && hasUvicorn(p))
  if (!found) throw new Error('no Python with unicors and uvicorn: run bindings/python/run-tests.sh or set UNICORS_PYTHON')
  return found
}

function hasUvicorn (interpreter) {
  return existsSync(join(dirname(dirname(interpreter)), 'bin', 'uvicorn'))
}

export async function startPython () {
  const port = await freePort()
  const child = start(python(), [join(HERE, 'servers', 'asgi_app.py'), String(port), POLICY], 'uvicorn (python)')
  await started(child, port)
  return recordedSurface('python', port, () => stopChild(child))
}

export async function startExpress () {
  const port = await freePort()
  const child = start(process.execPath, [join(HERE, 'servers', 'express.mjs'), String(port), POLICY], 'express (node)')
  await started(child, port)
  return recordedSurface('express', port, () => stopChild(child))
}

function recordedSurface (name, port, stop) {
  return {
    name,
    origin: `http://127.0.0.1:${port}`,
    hits: () => getJson(port, '/__hits'),
    reset: () => getJson(port, '/__hits?reset=1'),
    stop
  }
}

/** `read()` once two reads 100 ms apart agree (at most ~2 s). */
async function settled (read) {
  let last = read()
  for (let i = 0; i < 20; i++) {
    await new Promise((done) => setTimeout(done, 100))
    const now = read()
    if (now === last) return now
    last = now
  }
  return last
}

/** nginx with the module: policy from the suite's file, the echo backend behind it, hits from its access log. */
export async function startNginx () {
  const module = process.env.UNICORS_NGINX_MODULE ?? join(ROOT, 'target', 'nginx', 'ngx_http_unicors_module.so')
  if (!existsSync(module)) throw new Error(`no nginx module at ${module}: run bindings/nginx/build.sh or set UNICORS_NGINX_MODULE`)
  const [port, backendPort] = [await freePort(), await freePort()]
  const backend = start(process.execPath, [join(HERE, 'servers', 'backend.mjs'), String(backendPort)], 'backend (node, behind nginx)')
  await started(backend, backendPort)

  const prefix = mkdtempSync(join(tmpdir(), 'unicors-browser-nginx-'))
  for (const dir of ['conf', 'logs', 'temp']) mkdirSync(join(prefix, dir))
  const log = join(prefix, 'logs', 'hits.log')
  writeFileSync(join(prefix, 'conf', 'nginx.conf'), `
load_module "${module}";
daemon off;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log info;
events { worker_connections 256; }
http {
    client_body_temp_path temp/client_body;
    proxy_temp_path temp/proxy;
    fastcgi_temp_path temp/fastcgi;
    uwsgi_temp_path temp/uwsgi;
    scgi_temp_path temp/scgi;
    # One JSON object per request: what the harness counts as "seen".
    log_format hits escape=json '{"method":"$request_method","path":"$uri","origin":"$http_origin",'
        '"requestMethod":"$http_access_control_request_method","requestHeaders":"$http_access_control_request_headers"}';
    server {
        listen 127.0.0.1:${port};
        access_log ${log} hits;
        unicors on;
        unicors_policy ${POLICY};
        location / {
            proxy_pass http://127.0.0.1:${backendPort};
            proxy_http_version 1.1;
        }
    }
}
`)
  const nginxBinary = process.env.NGINX ?? 'nginx'
  const nginx = start(nginxBinary, ['-p', prefix, '-c', 'conf/nginx.conf', '-e', 'logs/error.log'], 'nginx')
  await started(nginx, port)
  let offset = 0
  const lines = () => (existsSync(log) ? readFileSync(log, 'utf8') : '')
  return {
    name: 'nginx',
    origin: `http://127.0.0.1:${port}`,
    // nginx logs a request after answering it: wait until the log stops growing.
    hits: async () => (await settled(lines)).slice(offset).split('\n').filter(Boolean).map((line) => {
      const hit = JSON.parse(line)
      for (const key of ['origin', 'requestMethod', 'requestHeaders']) if (hit[key] === '') hit[key] = null
      return hit
    }),
    reset: async () => { offset = lines().length },
    stop: async () => {
      const pidFile = join(prefix, 'logs', 'nginx.pid')
      if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGQUIT')
      await new Promise((done) => (nginx.exited ? done() : nginx.once('exit', done)))
      await stopChild(backend)
      const errors = readFileSync(join(prefix, 'logs', 'error.log'), 'utf8').split('\n')
        .filter((l) => /\[(alert|crit|emerg)\]|exited on signal/.test(l))
      if (errors.length) throw new Error(`nginx error log:\n${errors.join('\n')}`)
    }
  }
}
