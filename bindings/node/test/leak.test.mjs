// 2,400,000 Policy.evaluate calls of mixed kinds in a child process run
// with --expose-gc (support/leak-child.mjs): heapUsed + external after gc()
// (medians of five checkpoints from 1.6M to 1.8M and of five from 2.2M to
// 2.4M calls)
// must not grow by 1 MiB or more between the two; the addon's own heap
// bytes (counted by its allocator, exact) must not grow by 64 KiB (one
// buffer resize at most); rss and native memory (rss minus V8's committed
// heap) must not grow by 4 MiB (they move by up to ~1.6 MiB at random as
// V8's code space and glibc's arenas settle, measured in CI: a per-call
// leak of 5 bytes would still show as 4 MiB).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CHILD = fileURLToPath(new URL('./support/leak-child.mjs', import.meta.url))
const MiB = 1024 * 1024

test('2,400,000 evaluate calls: no growth between late checkpoints', () => {
  // One malloc arena that returns freed memory promptly: rss then follows
  // what is live (glibc otherwise keeps ~1 MiB of V8's and the JIT's freed
  // blocks around at random, which would drown a small leak).
  const env = { ...process.env, MALLOC_ARENA_MAX: '1', MALLOC_TRIM_THRESHOLD_: '131072' }
  const output = execFileSync(process.execPath, ['--expose-gc', CHILD, '2400000'], { encoding: 'utf8', timeout: 120_000, env })
  const { figures, kinds, seconds } = JSON.parse(output.trim().split('\n').pop())
  const median = (counts) => Object.fromEntries(['js', 'rss', 'native', 'addon'].map((k) => {
    const sorted = counts.map((n) => figures[n][k]).sort((a, b) => a - b)
    return [k, sorted[sorted.length >> 1]]
  }))
  const early = figures[200000]
  const late = median([1600000, 1650000, 1700000, 1750000, 1800000])
  const last = median([2200000, 2250000, 2300000, 2350000, 2400000])
  const growth = last.js - late.js
  const rssGrowth = last.rss - late.rss
  const nativeGrowth = last.native - late.native
  const addonGrowth = last.addon - late.addon
  const fmt = (bytes) => `${(bytes / MiB).toFixed(2)} MiB`
  console.log(`leak: heapUsed+external after gc: ${fmt(early.js)} at 200k, ${fmt(late.js)} at 1.6–1.8M, ${fmt(last.js)} at 2.2–2.4M ` +
    `(growth: ${(growth / 1024).toFixed(1)} KiB); rss ${fmt(early.rss)}, ${fmt(late.rss)}, ${fmt(last.rss)} ` +
    `(growth ${(rssGrowth / 1024).toFixed(1)} KiB; native ${(nativeGrowth / 1024).toFixed(1)} KiB); ` +
    `addon heap ${late.addon} → ${last.addon} bytes; ${seconds.toFixed(1)} s; kinds of the first calls ${JSON.stringify(kinds)}`)
  assert.deepEqual(Object.keys(kinds).sort(), ['actual', 'not_cors', 'preflight', 'rejected'])
  assert.ok(growth < MiB, `heapUsed + external grew ${growth} bytes between ~1.7M and ~2.3M calls`)
  // The addon's allocations, exactly: 800,000 calls leaking even 1 byte
  // each would be 800 kB; 64 KiB leaves room for one late buffer resize.
  assert.ok(addonGrowth < 64 * 1024, `the addon's heap grew ${addonGrowth} bytes between ~1.7M and ~2.3M calls`)
  assert.ok(nativeGrowth < 4 * MiB, `native memory grew ${nativeGrowth} bytes between ~1.7M and ~2.3M calls`)
  assert.ok(rssGrowth < 4 * MiB, `rss grew ${rssGrowth} bytes between ~1.7M and ~2.3M calls`)
})
