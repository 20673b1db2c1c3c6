// The Node API of the browser suite: express 5 with unicors's cors()
// middleware, loading the suite's policy file, in front of the echo app.
//
//   node servers/express.mjs PORT POLICY_FILE
import express from 'express'
import { Policy, cors } from 'unicors'
import { echo, Hits } from './echo.mjs'

const [port, policyFile] = process.argv.slice(2)
const hits = new Hits()
const app = express()
app.disable('x-powered-by')
// Outermost: every request the browser sends, preflights included.
app.use((req, res, next) => {
  const answer = hits.answer(req.url)
  if (answer !== null) return res.type('json').send(answer)
  hits.record(req.method, req.url, req.headers)
  next()
})
app.use(cors({ policy: Policy.fromFile(policyFile) }))
app.use((req, res) => {
  const { status, headers, body } = echo(req.method, req.path, req.headers.cookie)
  res.status(status).set(headers).send(body)
})
app.listen(Number(port), '127.0.0.1', () => console.log(`express listening on 127.0.0.1:${port}`))
