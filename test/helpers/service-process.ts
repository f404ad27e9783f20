/**
 * `otp serve` as users run it: a separate process started from the sources (through tsx), talked to
 * over HTTP. Its standard output (the JSON log) and error are kept for the tests to read.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const NODE_ARGS = ['--import', TSX, MAIN]

export interface ServerProcess {
  readonly url: string
  readonly pid: number
  /** Everything the process wrote to standard output (its log lines) so far. */
  log(): string
  stderr(): string
  /** Sends `signal` and resolves to the exit code (null when killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Starts `otp serve ARGS` (add --port 0) in `cwd` and resolves once it listens. */
export async function startServer(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...NODE_ARGS, 'serve', ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`otp serve did not start within 30 s:\n${err}`)), 30_000)
    const look = () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(err)
      if (match !== null) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stderr!.on('data', look)
    void exited.then(([code]) => {
      clearTimeout(timer)
      reject(new Error(`otp serve exited with ${code} before listening:\n${err}`))
    })
  })
  return {
    url,
    pid: child.pid!,
    log: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
      child.kill(signal)
      const [code] = await exited
      return code
    },
  }
}

export interface Run {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs `otp ARGS` from the sources, in `cwd`. */
export function otp(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...NODE_ARGS, ...args], { cwd, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/** Makes an API key with `otp apikey create` and returns it. */
export async function makeKey(cwd: string, file: string, name: string, scopes: string): Promise<string> {
  const run = await otp(['apikey', 'create', '--name', name, '--scopes', scopes, '--file', file], cwd)
  if (run.status !== 0) throw new Error(`otp apikey create failed: ${run.stderr}`)
  return run.stdout.trim()
}

export interface CurlAnswer {
  status: number
  body: string
  /** The body as JSON, if it is JSON. */
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Runs curl with `args` and returns the status and body. */
export function curl(args: string[], input?: string): Promise<CurlAnswer> {
  return new Promise((resolve, reject) => {
    const child = execFile('curl', ['-sS', '-w', '\n%{http_code}', ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`curl failed: ${stderr}`))
      const cut = stdout.lastIndexOf('\n')
      const body = stdout.slice(0, cut)
      let json: unknown
      try {
        json = JSON.parse(body)
      } catch {
        json = undefined
      }
      resolve({ status: Number(stdout.slice(cut + 1)), body, json })
    })
    if (input !== undefined) child.stdin!.end(input)
  })
}
