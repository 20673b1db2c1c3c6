// Debian's Chromium driven by playwright-core (never a downloaded browser),
// launched with a fresh profile and the flags of toolchain-notes.md §4, and
// the requests the scenarios make from a page: fetch() in the page, and
// fetch() from a sandboxed iframe (Origin: null).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** The pids of this process's children named like Chromium (Playwright spawns it directly). */
function chromiumChildren () {
  const pids = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const [, comm, rest] = stat.match(/^\d+ \((.*)\) (.*)$/s)
      if (Number(rest.split(' ')[1]) === process.pid && /chrom/i.test(comm)) pids.push(Number(entry))
    } catch { /* gone meanwhile */ }
  }
  return pids
}

const alive = (pid) => { try { process.kill(pid, 0); return true } catch { return false } }

/**
 * A browser with one page open at each origin of `pages` ({ name: url }).
 * Closed by close(), which then makes sure the browser process (found by
 * pid when launched) is gone; killed by pid if the run ends otherwise.
 */
export async function launch (pages) {
  const profile = mkdtempSync(join(tmpdir(), 'unicors-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS
  })
  const pids = chromiumChildren()
  const kill = () => { for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL') }
  process.once('exit', kill)
  const opened = {}
  for (const [name, url] of Object.entries(pages)) {
    opened[name] = await context.newPage()
    await opened[name].goto(url)
  }
  return {
    context,
    pages: opened,
    pids,
    close: async () => {
      await context.close()
      for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((done) => setTimeout(done, 100))
      kill()
      rmSync(profile, { recursive: true, force: true })
    }
  }
}

/**
 * fetch(url, init) in `page`: { ok: true, status, exposed, hidden, body }
 * when the page may read the response, { ok: false, error } when fetch
 * rejects (a CORS failure is a TypeError).
 */
export function pageFetch (page, url, init = {}) {
  return page.evaluate(async ([url, init]) => {
    try {
      const response = await fetch(url, init)
      const body = await response.text()
      return { ok: true, status: response.status, exposed: response.headers.get('x-exposed'), hidden: response.headers.get('x-hidden'), body }
    } catch (error) {
      return { ok: false, error: `${error.name}: ${error.message}` }
    }
  }, [url, init])
}

/** fetch(url) from a sandboxed (scripts only) iframe in `page`: its origin is opaque, so it sends `Origin: null`. */
export function sandboxedFetch (page, url) {
  return page.evaluate((url) => new Promise((resolve) => {
    const frame = document.createElement('iframe')
    frame.sandbox = 'allow-scripts'
    const report = 'parent.postMessage(result, "*")'
    frame.srcdoc = `<script>
      fetch(${JSON.stringify(url)})
        .then((r) => r.text().then((body) => ({ ok: true, status: r.status, body })))
        .catch((e) => ({ ok: false, error: e.name + ': ' + e.message }))
        .then((result) => ${report})
    </scr` + 'ipt>'
    window.addEventListener('message', function listener (event) {
      if (event.source !== frame.contentWindow) return
      window.removeEventListener('message', listener)
      frame.remove()
      resolve(event.data)
    })
    document.body.appendChild(frame)
  }), url)
}
