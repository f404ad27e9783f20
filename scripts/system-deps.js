#!/usr/bin/env node
// Installs the system programs the test suite runs for real: redis-server (the Redis token store),
// chromium (the browser build's end-to-end test) and zbarimg (reads the QR codes back). On a fresh Debian machine as root it installs
// what is missing with apt-get; elsewhere it names what is missing, and those suites say they skip.
import { execFileSync } from 'node:child_process'

const PROGRAMS = { 'redis-server': 'redis-server', chromium: 'chromium', zbarimg: 'zbar-tools' }

const has = (program) => {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const missing = Object.entries(PROGRAMS).filter(([program]) => !has(program)).map(([, pkg]) => pkg)
if (missing.length === 0) process.exit(0)

const canApt = process.getuid?.() === 0 && has('apt-get')
if (!canApt) {
  console.warn(`system-deps: missing ${missing.join(', ')}; install them (Debian: apt-get install ${missing.join(' ')}) to run every suite`)
  process.exit(0)
}
console.log(`system-deps: installing ${missing.join(', ')} with apt-get`)
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env })
