#!/usr/bin/env node
// Installs the system programs the test suite runs for real: redis-server (the Redis token store, also
// as a cluster), curl (a client of the HTTP service), chromium (the browser builds end to end), zbarimg
// (reads the QR codes back), and the independent implementations the codes and token files are checked against: oathtool, pyotp,
// pskctool and python-pskc. On a fresh Debian machine as root it installs what is missing with
// apt-get; elsewhere it names what is missing, and those suites say they skip.
import { execFileSync } from 'node:child_process'

/** A shell test that succeeds when the package's program is there -> the Debian package. */
const PROGRAMS = {
  'command -v redis-server': 'redis-server',
  'command -v redis-cli': 'redis-tools',
  'command -v curl': 'curl',
  'command -v chromium': 'chromium',
  'command -v zbarimg': 'zbar-tools',
  'command -v oathtool': 'oathtool',
  'command -v pskctool': 'pskctool',
  '/usr/bin/python3 -c "import pskc"': 'python3-pskc',
  '/usr/bin/python3 -c "import pyotp"': 'python3-pyotp',
}

const has = (test) => {
  try {
    execFileSync('sh', ['-c', test], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const missing = Object.entries(PROGRAMS)
  .filter(([program]) => !has(program))
  .map(([, pkg]) => pkg)
if (missing.length === 0) process.exit(0)

const canApt = process.getuid?.() === 0 && has('command -v apt-get')
if (!canApt) {
  console.warn(`system-deps: missing ${missing.join(', ')}; install them (Debian: apt-get install ${missing.join(' ')}) to run every suite`)
  process.exit(0)
}
console.log(`system-deps: installing ${missing.join(', ')} with apt-get`)
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env })
