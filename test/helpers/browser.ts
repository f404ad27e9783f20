/**
 * Headless Chromium (Debian's `chromium`, driven by playwright-core) and a static file server on
 * 127.0.0.1 for the browser suites. The server logs every request, so that a test can show that a
 * page asked for nothing else, and sends the headers a test gives it (a Content-Security-Policy).
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, resolve as resolvePath, sep } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[]

/** The Chromium to drive; throws, naming what to install, when there is none. */
export function chromiumPath(): string {
  const found = CANDIDATES.find((path) => existsSync(path))
  if (!found) {
    throw new Error(
      `Chromium is missing (looked for ${CANDIDATES.join(', ')}): install it (Debian: apt-get install chromium; ` +
        '`npm test` does so itself as root through scripts/system-deps.js) or set CHROMIUM_PATH',
    )
  }
  return found
}

// Without the background-networking flags Chromium reaches out to Google services at start, and
// those connections fail (here, or anywhere offline) and clutter the request log.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface Chromium {
  readonly context: BrowserContext
  close(): Promise<void>
}

/** Starts headless Chromium with a fresh profile, removed again on close(). */
export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<Chromium> {
  const executablePath = chromiumPath()
  const profile = await mkdtemp(join(tmpdir(), 'otp-wasm-chromium-'))
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: ARGS, viewport })
  return {
    context,
    async close() {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

export interface StaticServer {
  /** http://127.0.0.1:PORT/ */
  readonly url: string
  /** Every path asked for, in order. */
  readonly requests: string[]
  close(): Promise<void>
}

export interface ServeOptions {
  /** URL path prefix -> directory; the longest matching prefix serves. */
  mounts: Record<string, string>
  /** Headers sent with every response, such as a Content-Security-Policy. */
  headers?: Record<string, string>
  /** Files kept in memory: URL path -> content. */
  files?: Record<string, string>
  /** Content types by file extension, over the usual ones (to play a misconfigured host). */
  types?: Record<string, string>
}

/** Serves files over HTTP on 127.0.0.1 at a random port. Paths that leave a mount are 404. */
export async function serveStatic(options: ServeOptions): Promise<StaticServer> {
  const requests: string[] = []
  const mounts = Object.entries(options.mounts).sort(([a], [b]) => b.length - a.length)
  const types = { ...TYPES, ...options.types }
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    requests.push(url.pathname)
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...options.headers })
      response.end(body)
    }
    let path: string
    try {
      path = decodeURIComponent(url.pathname)
    } catch {
      return send(400, 'bad path')
    }
    const inMemory = options.files?.[path]
    if (inMemory !== undefined) return send(200, inMemory, types[extname(path)])
    const mount = mounts.find(([prefix]) => path.startsWith(prefix))
    if (!mount) return send(404, 'not found')
    const dir = resolvePath(mount[1])
    let file = resolvePath(dir, `.${sep}${path.slice(mount[0].length)}`)
    if (file !== dir && !file.startsWith(dir + sep)) return send(404, 'not found')
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html')
      send(200, await readFile(file), types[extname(file)] ?? 'application/octet-stream')
    } catch {
      send(404, 'not found')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        // Chromium keeps its connections alive; close() alone would wait for them.
        server.closeAllConnections()
      }),
  }
}
