#!/usr/bin/env node
/**
 * `otp`: HOTP/TOTP codes, enrolment URIs and QR codes, bulk verification and the benchmark, from the
 * command line. Exit status: 0 ok or valid, 1 a code that did not verify, 2 a usage or input error.
 *
 * This entry only sets up the process; dispatch.ts does the work. It loads dispatch.ts dynamically so
 * that even a failure to load exits with 2, never with Node's default 1, which means "invalid" here.
 */

const EXIT_USAGE = 2

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(`otp: unexpected error: ${message}\n`)
  process.exit(EXIT_USAGE)
}

process.on('uncaughtException', fail)
process.on('unhandledRejection', fail)

// A reader that stops early (otp batch | head) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  fail(error)
})

try {
  const { main } = await import('./dispatch.js')
  process.exitCode = await main(process.argv.slice(2))
} catch (error) {
  fail(error)
}
