/** Runs the built `otp` command as a user would: a spawned process, standard input, output and exit code. */
import { spawn } from 'node:child_process'

export const OTP_MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname

export interface Run {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs `otp ARGS` with `input` on standard input (none when undefined). */
export function otp(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OTP_MAIN, ...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
    const stdout: Buffer[] = []
    let stderr = ''
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(stdout).toString('utf8'), stderr }))
    if (child.stdin) {
      child.stdin.on('error', () => {}) // the command may exit before reading all of it
      child.stdin.end(input)
    }
  })
}
