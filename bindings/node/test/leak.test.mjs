// 2,400,000 Policy.evaluate calls of mixed kinds in a child process run
// with --expose-gc (support/leak-child.mjs): heapUsed + external after gc()
// must not grow by 1 MiB or more between the 1,600,000th and the last call
// (and rss, where a leak in the addon's own allocations would show, by 4 MiB).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CHILD = fileURLToPath(new URL('./support/leak-child.mjs', import.meta.url))
const MiB = 1024 * 1024

test('2,400,000 evaluate calls: no growth between late checkpoints', () => {
  const output = execFileSync(process.execPath, ['--expose-gc', CHILD, '2400000'], { encoding: 'utf8', timeout: 120_000 })
  const { figures, kinds, seconds } = JSON.parse(output.trim().split('\n').pop())
  const [early, late, last] = [figures[200000], figures[1600000], figures[2400000]]
  const growth = last.js - late.js
  const rssGrowth = last.rss - late.rss
  const fmt = (bytes) => `${(bytes / MiB).toFixed(2)} MiB`
  console.log(`leak: heapUsed+external after gc: ${fmt(early.js)} at 200k, ${fmt(late.js)} at 1.6M, ${fmt(last.js)} at 2.4M ` +
    `(growth 1.6M->2.4M: ${(growth / 1024).toFixed(1)} KiB); rss ${fmt(early.rss)}, ${fmt(late.rss)}, ${fmt(last.rss)} ` +
    `(growth ${(rssGrowth / 1024).toFixed(1)} KiB); ${seconds.toFixed(1)} s; kinds of the first calls ${JSON.stringify(kinds)}`)
  assert.deepEqual(Object.keys(kinds).sort(), ['actual', 'not_cors', 'preflight', 'rejected'])
  assert.ok(growth < MiB, `heapUsed + external grew ${growth} bytes between 1.6M and 2.4M calls`)
  // Native allocations show only in rss (noisier): 800,000 calls leaking even 8 bytes each would be 6.1 MiB.
  assert.ok(rssGrowth < 4 * MiB, `rss grew ${rssGrowth} bytes between 1.6M and 2.4M calls`)
})
