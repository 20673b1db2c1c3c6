// Real servers on 127.0.0.1 (port 0, the bound port read back) for each
// adapter: Express 4, Express 5, fastify (one instance per site behind a
// node:http front server calling `instance.routing`) and plain node:http
// with `handle`. Each serves "sites" chosen by the Host header, so one
// server carries many policies.
//
// A site: { options } for the express/fastify adapters (what `cors()` or the
// plugin gets), { policy, verdict } for node:http; optional `before(set)`
// sets response headers before the adapter runs (an earlier middleware /
// onRequest hook); fastify only: `catchAll: false` serves just `/known`
// (unknown routes get fastify's 404), `routes(instance)` adds routes.
//
// The inner app answers every method and path: 200, `X-App: 1`, body `app`.
// `/boom` throws (express: the default error handler; fastify: its error
// handler).
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { cors, handle, fastifyCors } from 'unicors'

const require = createRequire(import.meta.url)
export const express5 = require('express')
export const express4 = require('express4')
export const Fastify = require('fastify')

/** Large enough for every corpus request (the default is 16 KiB). */
const MAX_HEADER_SIZE = 64 * 1024
export const ADAPTERS = ['express 4', 'express 5', 'fastify', 'node:http']
export const FASTIFY_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] // HEAD comes with GET

/** The inner app on a Node response. */
export function app (req, res) {
  res.statusCode = 200
  res.setHeader('X-App', '1')
  res.setHeader('Content-Type', 'text/plain')
  res.end('app')
}

/** The inner app on a fastify reply. */
export function appReply (request, reply) {
  reply.code(200).header('X-App', '1').type('text/plain').send('app')
}

/** `sites`: a Map host -> site, or one site served for every host. */
const siteOf = (sites, req) => (sites instanceof Map ? sites.get(req.headers.host) : sites)

/** A node:http server for `handler` on 127.0.0.1, port 0 (read `server.address().port`). */
export function listen (handler) {
  const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, handler)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

const misdirected = (res) => { res.statusCode = 421; res.end() }

/** Starts `adapter` serving `sites` for the test `t`, closed in its after hook; returns the port. */
export async function serve (t, adapter, sites) {
  const server = await start(adapter, sites)
  t.after(() => server.close())
  return server.port
}

/**
 * Starts `adapter` (one of ADAPTERS) serving `sites`.
 * @returns {Promise<{ port: number, close: () => Promise<void> }>}
 */
export async function start (adapter, sites) {
  let handler
  let extra = async () => {}
  if (adapter === 'express 4' || adapter === 'express 5') {
    handler = expressApp(adapter === 'express 4' ? express4 : express5, sites)
  } else if (adapter === 'fastify') {
    const entries = sites instanceof Map ? [...sites] : [[null, sites]]
    const instances = new Map()
    for (const [host, site] of entries) instances.set(host, await fastifyInstance(site))
    handler = (req, res) => {
      const instance = instances.get(sites instanceof Map ? req.headers.host : null)
      if (!instance) return misdirected(res)
      instance.routing(req, res)
    }
    extra = () => Promise.all([...instances.values()].map((i) => i.close()))
  } else if (adapter === 'node:http') {
    handler = (req, res) => {
      const site = siteOf(sites, req)
      if (!site) return misdirected(res)
      site.before?.((name, value) => res.setHeader(name, value))
      if (handle(site.policy, req, res, site.verdict ?? undefined)) return
      app(req, res)
    }
  } else {
    throw new Error(`unknown adapter ${adapter}`)
  }
  const server = await listen(handler)
  return {
    port: server.address().port,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await extra()
    }
  }
}

function expressApp (express, sites) {
  const middlewares = new Map()
  const middlewareOf = (site) => {
    if (!middlewares.has(site)) middlewares.set(site, cors(site.options))
    return middlewares.get(site)
  }
  // Built up front, so a bad option throws at start, as it would in an app.
  for (const site of sites instanceof Map ? sites.values() : [sites]) middlewareOf(site)

  const application = express()
  application.set('env', 'test') // the default error handler then does not log the stack
  application.use((req, res, next) => {
    const site = siteOf(sites, req)
    if (!site) return misdirected(res)
    site.before?.((name, value) => res.setHeader(name, value))
    middlewareOf(site)(req, res, next)
  })
  application.get('/boom', () => { throw new Error('boom') })
  application.use(app)
  // The default error handler (finalhandler) answers errors: 500.
  return application
}

async function fastifyInstance (site) {
  const instance = Fastify({ logger: false })
  if (site.before) {
    instance.addHook('onRequest', (request, reply, done) => {
      site.before((name, value) => reply.header(name, value))
      done()
    })
  }
  await instance.register(fastifyCors, site.options)
  // The app takes any body (fastify would refuse an empty JSON body with 400).
  instance.removeAllContentTypeParsers()
  instance.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => done(null, body))
  instance.get('/boom', async () => { throw new Error('boom') })
  if (site.catchAll === false) {
    instance.get('/known', appReply)
  } else {
    instance.route({ method: FASTIFY_METHODS, url: '/*', handler: appReply })
    instance.setNotFoundHandler(appReply) // OPTIONS (and anything else unrouted) reaches the app too
  }
  site.routes?.(instance)
  await instance.ready()
  return instance
}
