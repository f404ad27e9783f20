/**
 * QR codes of enrolment URIs: each rendering (terminal blocks, SVG, PNG) is read back into modules and
 * compared with the symbol the qrcode package encodes, and PNGs are scanned with zbarimg where it is
 * installed. Then `otp uri --qr/--svg/--png` as a user runs it.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PNG } from 'pngjs'
import QRCode from 'qrcode'
import { afterAll, describe, expect, it } from 'vitest'
import { OtpError, buildUri, qrPng, qrSvg, qrTerminal } from '../src/index.js'
import { otp } from './helpers/cli.js'

const DIR = mkdtempSync(join(tmpdir(), 'otp-qr-'))
afterAll(() => rmSync(DIR, { recursive: true, force: true }))
const URI = buildUri({
  type: 'totp',
  secret: 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ',
  issuer: 'ACME Co',
  account: 'jürgen@example.com',
})

/** A symbol's dark modules, as the qrcode package encodes `text`. */
function expectedModules(text: string, errorCorrectionLevel = 'M'): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: errorCorrectionLevel as 'M' })
  return Array.from({ length: modules.size }, (_, r) => Array.from({ length: modules.size }, (_, c) => modules.get(r, c) === 1))
}

/** Checks a grid of dark cells: the symbol at (margin, margin) and light cells all around it. */
function expectSymbol(grid: boolean[][], modules: boolean[][], margin: number): void {
  const size = modules.length
  expect(grid[0]!.length).toBe(size + 2 * margin)
  expect(grid.length).toBeGreaterThanOrEqual(size + 2 * margin)
  grid.forEach((row, r) =>
    row.forEach((dark, c) => {
      const inside = r >= margin && r < margin + size && c >= margin && c < margin + size
      expect(dark, `module (${r - margin}, ${c - margin})`).toBe(inside ? modules[r - margin]![c - margin]! : false)
    }),
  )
}

/** Reads half-block text back into cells: each character is two cells, top and bottom. */
function readBlocks(text: string, darkBackground: boolean): boolean[][] {
  // On a dark background the blocks paint the light modules.
  const painted: Record<string, [boolean, boolean]> = { ' ': [false, false], '▀': [true, false], '▄': [false, true], '█': [true, true] }
  const grid: boolean[][] = []
  for (const line of text.split('\n')) {
    const cells = Array.from(line, (char) => painted[char]!.map((p) => p !== darkBackground))
    grid.push(
      cells.map((cell) => cell[0]!),
      cells.map((cell) => cell[1]!),
    )
  }
  return grid
}

/** Reads a PNG back into cells by sampling the centre of each module. */
function readPng(png: Uint8Array, scale: number): boolean[][] {
  const image = PNG.sync.read(Buffer.from(png))
  expect(image.width % scale).toBe(0)
  const cells = image.width / scale
  return Array.from({ length: cells }, (_, r) =>
    Array.from({ length: cells }, (_, c) => {
      const x = c * scale + Math.floor(scale / 2)
      const y = r * scale + Math.floor(scale / 2)
      return image.data[(y * image.width + x) * 4]! < 128
    }),
  )
}

/** Reads the SVG path of horizontal runs ("M4 4.5h7m1 0h1...") that qrcode writes back into cells. */
function readSvg(svg: string): boolean[][] {
  const side = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1])
  const grid = Array.from({ length: side }, () => Array<boolean>(side).fill(false))
  const path = /<path stroke="#000000" d="([^"]+)"/.exec(svg)![1]!
  let x = 0
  let y = 0
  for (const [, op, args] of path.matchAll(/([Mmh])([^Mmh]+)/g)) {
    const [a, b] = args!.trim().split(/[ ,]+/).map(Number)
    if (op === 'M') [x, y] = [a!, b!]
    else if (op === 'm') [x, y] = [x + a!, y + b!]
    else {
      for (let i = 0; i < a!; i++) grid[Math.floor(y)]![x + i] = true
      x += a!
    }
  }
  return grid
}

function hasZbar(): boolean {
  try {
    execFileSync('zbarimg', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('QR renderers', () => {
  const modules = expectedModules(URI)

  it('draws terminal blocks for dark and light backgrounds', async () => {
    expectSymbol(readBlocks(await qrTerminal(URI), true), modules, 4)
    expectSymbol(readBlocks(await qrTerminal(URI, { darkBackground: false }), false), modules, 4)
    expectSymbol(readBlocks(await qrTerminal(URI, { margin: 2, darkBackground: false }), false), modules, 2)
  })

  it('draws an SVG of the same modules', async () => {
    const svg = await qrSvg(URI)
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    expectSymbol(readSvg(svg), modules, 4)
  })

  it('draws a PNG of the same modules at the asked scale and error correction', async () => {
    expectSymbol(readPng(await qrPng(URI), 8), modules, 4)
    expectSymbol(readPng(await qrPng(URI, { scale: 3, margin: 1, errorCorrection: 'H' }), 3), expectedModules(URI, 'H'), 1)
  })

  it.skipIf(!hasZbar())('draws a PNG that a QR scanner reads back as the URI', async () => {
    const file = join(DIR, 'uri.png')
    const run = await otp(['uri', '--issuer', 'ACME Co', '--account', 'jürgen@example.com', '--png', file])
    const scanned = execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    expect(scanned.trim()).toBe(run.stdout.trim())
  })

  it('rejects text that does not fit, and bad options, without echoing the text', async () => {
    const long = `otpauth://totp/a?secret=${'A'.repeat(6000)}`
    const error = await qrSvg(long).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OtpError)
    expect((error as OtpError).code).toBe('INVALID_OPTIONS')
    expect((error as OtpError).message).toMatch(/6024 bytes do not fit in a QR code/)
    expect((error as OtpError).message).not.toContain('AAAA')
    await expect(qrPng(URI, { scale: 0 })).rejects.toThrow(/scale to be an integer from 1 to 64/)
    await expect(qrTerminal(URI, { margin: -1 })).rejects.toThrow(/margin to be an integer from 0 to 16/)
    await expect(qrSvg(URI, { errorCorrection: 'X' as 'L' })).rejects.toThrow(/errorCorrection L, M, Q or H/)
    await expect(qrSvg('')).rejects.toThrow(/non-empty string/)
  })
})

describe('otp uri --qr, --svg, --png', () => {
  it('prints the QR code above the URI, for a dark terminal or with --light', async () => {
    for (const light of [false, true]) {
      const run = await otp(['uri', '--issuer', 'ACME', '--account', 'bob', '--qr', ...(light ? ['--light'] : [])])
      expect(run.status).toBe(0)
      const lines = run.stdout.trimEnd().split('\n')
      const uri = lines.pop()!
      expect(uri).toMatch(/^otpauth:\/\/totp\/ACME:bob\?secret=[A-Z2-7]{32}&/)
      expectSymbol(readBlocks(lines.join('\n'), !light), expectedModules(uri), 4)
    }
  })

  it('writes SVG and PNG files of the printed URI, readable by the owner only', async () => {
    const svg = join(DIR, 'enrol.svg')
    const png = join(DIR, 'enrol.png')
    const run = await otp(['uri', '--issuer', 'ACME', '--account', 'bob', '--svg', svg, '--png', png])
    expect(run.status).toBe(0)
    const modules = expectedModules(run.stdout.trim())
    expectSymbol(readSvg(readFileSync(svg, 'utf8')), modules, 4)
    expectSymbol(readPng(readFileSync(png), 8), modules, 4)
    expect(statSync(png).mode & 0o777).toBe(0o600)
    expect(statSync(svg).mode & 0o777).toBe(0o600)
  })

  it('exits 2 when the file cannot be written', async () => {
    const run = await otp(['uri', '--issuer', 'ACME', '--account', 'bob', '--png', '/nonexistent-dir/x.png'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('cannot write the QR code to /nonexistent-dir/x.png (ENOENT)')
    expect(run.stdout).toBe('')
  })
})
