#!/usr/bin/env node
// Serves the playground (playground/dist/, built by scripts/build-browser.js; not part of the
// package) on 127.0.0.1, with the Content-Security-Policy that keeps it from making any request
// elsewhere.
//
//   node scripts/playground.js [--port 8080] [--host 127.0.0.1]   serve it
//   node scripts/playground.js --out DIR                           copy the static folder to DIR,
//                                                                  for any static web host
import { cpSync, existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

export const PLAYGROUND_DIR = fileURLToPath(new URL('../playground/dist/', import.meta.url))

/**
 * Only this site's own files; WASM may compile ('wasm-unsafe-eval' allows nothing else); the QR code
 * is a data: image. index.html carries the same policy in a meta tag, for hosts that send no headers.
 */
export const PLAYGROUND_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:; style-src 'self'"

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
}

/**
 * Serves `dir` over HTTP. Resolves to the server's URL and a close() function.
 * @param {{ dir?: string, host?: string, port?: number }} options
 */
export async function servePlayground({ dir = PLAYGROUND_DIR, host = '127.0.0.1', port = 0 } = {}) {
  const root = resolve(dir)
  const server = createServer(async (request, response) => {
    const headers = {
      'content-security-policy': PLAYGROUND_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    }
    let file
    try {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)
      file = resolve(root, `.${sep}${path}`)
      if (file !== root && !file.startsWith(root + sep)) throw new Error('outside the folder')
      if ((await stat(file)).isDirectory()) file = resolve(file, 'index.html')
      const body = await readFile(file)
      response.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      response.end(request.method === 'HEAD' ? undefined : body)
    } catch {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
      response.end('not found')
    }
  })
  await new Promise((done, fail) => {
    server.once('error', fail)
    server.listen(port, host, done)
  })
  const address = server.address()
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shownHost}:${address.port}/`,
    close: () =>
      new Promise((done, fail) => {
        server.close((error) => (error ? fail(error) : done()))
        server.closeAllConnections() // browsers keep connections alive
      }),
  }
}

async function main() {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' }, out: { type: 'string' } },
  })
  if (!existsSync(resolve(PLAYGROUND_DIR, 'index.html'))) {
    console.error('playground/dist/ is not built: run npm run build:browser (npm run playground does)')
    process.exit(1)
  }
  if (values.out) {
    cpSync(PLAYGROUND_DIR, values.out, { recursive: true })
    console.log(`copied the playground to ${values.out}: serve that folder from any static host`)
    return
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number, got ${values.port}`)
    process.exit(2)
  }
  try {
    const { url } = await servePlayground({ host: values.host, port })
    console.log(`otp-wasm playground: ${url}  (Ctrl+C to stop)`)
  } catch (error) {
    const inUse = error.code === 'EADDRINUSE'
    console.error(
      inUse ? `port ${port} is in use: pick another with --port N (0: any free port)` : `cannot serve the playground: ${error.message}`,
    )
    process.exit(1)
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
