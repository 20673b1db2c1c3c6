// Markdown tables from bench.mjs's JSON: the cost per request of each CORS
// layer (median, min–max) and the Node rows of targets.md with pass/miss.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

const results = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const LABELS = { a: '(a) preflight ok', b: '(b) actual ok', c: '(c) bad origin', d: '(d) no Origin', e: '(e) hostile preflight' }
const median = (v) => [...v].sort((x, y) => x - y)[v.length >> 1]
const fmt = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`)
const SUBJECTS = [['express', 'cors'], ['express', 'unicors cors()'], ['http', 'unicors handle()'],
  ['fastify', '@fastify/cors'], ['fastify', 'unicors plugin']]
const TARGETS = [
  [['express', 'unicors cors()'], ['express', 'cors'], 0.5],
  [['http', 'unicors handle()'], ['express', 'cors'], 0.5],
  [['fastify', 'unicors plugin'], ['fastify', '@fastify/cors'], 1.0]
]

console.log(`| layer | ${Object.values(LABELS).join(' | ')} |`)
console.log(`|---|${'---|'.repeat(5)}`)
for (const [group, name] of SUBJECTS) {
  const cells = Object.keys(LABELS).map((k) => {
    const v = results[`${group}|${name}|${k}`]
    return `${fmt(median(v))} (${fmt(Math.min(...v))}–${fmt(Math.max(...v))})`
  })
  console.log(`| ${name} | ${cells.join(' | ')} |`)
}
console.log()
const exported = [] // targets.json, for benches/summary.py
console.log(`| target | ${Object.values(LABELS).join(' | ')} | verdict |`)
console.log(`|---|${'---|'.repeat(6)}`)
for (const [ours, theirs, limit] of TARGETS) {
  // The median of the per-repetition ratios (bench.mjs times every subject
  // in each repetition, moments apart).
  const ratios = Object.keys(LABELS).map((k) => {
    const mine = results[`${ours.join('|')}|${k}`]
    const peer = results[`${theirs.join('|')}|${k}`]
    return median(mine.map((cost, r) => cost / peer[r]))
  })
  const verdict = ratios.every((r) => r <= limit) ? 'pass' : '**miss**'
  console.log(`| ${ours[1]} ≤ ${limit} × ${theirs[1]} | ${ratios.map((r) => r.toFixed(2)).join(' | ')} | ${verdict} |`)
  exported.push({ surface: 'Node', target: `${ours[1]} ≤ ${limit} × ${theirs[1]}`, limit, direction: 'le',
    ratios: Object.fromEntries(Object.keys(LABELS).map((k, i) => [k, ratios[i]])) })
}
writeFileSync(join(dirname(process.argv[2]), 'targets.json'), JSON.stringify(exported, null, 1))
