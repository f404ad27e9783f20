/**
 * QR codes of otpauth:// URIs, the way authenticator apps are enrolled: as UTF-8 blocks for a
 * terminal, as SVG, and as PNG. The `qrcode` package draws them; it is loaded on first use, so
 * that code which only computes OTPs never loads it.
 */

import { OtpError } from '../core/errors.js'

/** How much of the symbol may be damaged and still read (ISO/IEC 18004 levels: 7, 15, 25, 30%). */
export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H'

/** Options shared by every QR renderer. */
export interface QrOptions {
  /** Default 'M', as authenticator enrolment screens use. */
  errorCorrection?: QrErrorCorrection
  /** The light border around the symbol, in modules. Default 4, the quiet zone the QR standard asks for. */
  margin?: number
}

/** Options of `qrTerminal`. */
export interface QrTerminalOptions extends QrOptions {
  /**
   * True (the default) for a terminal that draws light text on a dark background: block characters
   * then paint the light modules, so that the symbol is dark on light as scanners expect.
   */
  darkBackground?: boolean
}

/** Options of `qrPng`. */
export interface QrPngOptions extends QrOptions {
  /** Pixels per module. Default 8. */
  scale?: number
}

type QrCodeModule = typeof import('qrcode')

let qrcodeModule: Promise<QrCodeModule> | undefined

/** Loads `qrcode` once. It is CommonJS, so its functions may sit on `default`. */
function loadQrCode(): Promise<QrCodeModule> {
  qrcodeModule ??= import('qrcode').then(
    (module) => {
      const withDefault = module as QrCodeModule & { default?: QrCodeModule }
      return withDefault.default ?? withDefault
    },
    (error: unknown) => {
      qrcodeModule = undefined
      throw new Error("QR codes need the 'qrcode' package, which could not be loaded: npm install qrcode", { cause: error })
    },
  )
  return qrcodeModule
}

/**
 * The QR code of `text` as lines of UTF-8 half blocks ('▀', '▄', '█', ' '), two modules per
 * character cell, to print in a terminal. The last line has no newline.
 *
 * @throws OtpError INVALID_OPTIONS when the options are out of range or the text does not fit in a QR code.
 */
export async function qrTerminal(text: string, options: QrTerminalOptions = {}): Promise<string> {
  const qrcode = await loadQrCode()
  const darkBackground = options.darkBackground ?? true
  // qrcode's utf8 renderer swaps to inverted blocks when the dark colour is white.
  const color = darkBackground ? { dark: '#ffffff', light: '#000000' } : { dark: '#000000', light: '#ffffff' }
  return render(text, () => qrcode.toString(text, { ...common(text, options), type: 'utf8', color }))
}

/**
 * The QR code of `text` as an SVG document (one `<svg>` element, black on white, scalable).
 *
 * @throws OtpError INVALID_OPTIONS when the options are out of range or the text does not fit in a QR code.
 */
export async function qrSvg(text: string, options: QrOptions = {}): Promise<string> {
  const qrcode = await loadQrCode()
  return render(text, () => qrcode.toString(text, { ...common(text, options), type: 'svg' }))
}

/**
 * The QR code of `text` as a PNG image, black on white.
 *
 * @throws OtpError INVALID_OPTIONS when the options are out of range or the text does not fit in a QR code.
 */
export async function qrPng(text: string, options: QrPngOptions = {}): Promise<Uint8Array> {
  const scale = options.scale ?? 8
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) {
    throw new OtpError('INVALID_OPTIONS', `qrPng: expected scale to be an integer from 1 to 64 pixels per module, got ${String(scale)}`)
  }
  const qrcode = await loadQrCode()
  const png = await render(text, () => qrcode.toBuffer(text, { ...common(text, options), type: 'png', scale }))
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength)
}

function common(text: unknown, options: QrOptions): { errorCorrectionLevel: QrErrorCorrection; margin: number } {
  if (typeof text !== 'string' || text === '') {
    throw new OtpError('INVALID_OPTIONS', 'QR code: expected a non-empty string to encode')
  }
  const errorCorrectionLevel = options.errorCorrection ?? 'M'
  if (!['L', 'M', 'Q', 'H'].includes(errorCorrectionLevel)) {
    throw new OtpError('INVALID_OPTIONS', `QR code: expected errorCorrection L, M, Q or H, got ${String(errorCorrectionLevel).slice(0, 8)}`)
  }
  const margin = options.margin ?? 4
  if (!Number.isInteger(margin) || margin < 0 || margin > 16) {
    throw new OtpError('INVALID_OPTIONS', `QR code: expected margin to be an integer from 0 to 16 modules, got ${String(margin)}`)
  }
  return { errorCorrectionLevel, margin }
}

/**
 * Runs a qrcode renderer, turning its errors into OtpError. Its messages describe sizes and options,
 * never the encoded text, which holds a secret.
 */
async function render<T>(text: string, draw: () => Promise<T>): Promise<T> {
  try {
    return await draw()
  } catch (error) {
    if (error instanceof OtpError) throw error
    const tooBig = error instanceof Error && /too big/i.test(error.message)
    const reason = tooBig
      ? `${new TextEncoder().encode(text).length} bytes do not fit in a QR code at this error correction level`
      : 'the qrcode package could not draw it'
    throw new OtpError('INVALID_OPTIONS', `QR code: ${reason}`, { cause: error })
  }
}
