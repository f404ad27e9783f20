/**
 * otpauth:// URIs both ways: a pasted URI fills in the form, and the form's parameters are written
 * back as a URI, with its QR code (the library's qrSvg, shown as an image) and a copy button.
 */
import { base32Encode, buildUri, parseUri, qrSvg } from 'otp-wasm'
import { byId, check, messageOf, say } from './dom.js'
import { counterArg, isTimed, type Params } from './params.js'

/** Fills the form from a pasted URI. Returns false (and says why) when it is not a valid URI. */
export function applyUri(text: string): boolean {
  const message = byId('uri-message', HTMLElement)
  const input = byId('uri-input', HTMLInputElement)
  if (text.trim() === '') {
    say(message, '', 'info', input)
    return false
  }
  let uri
  try {
    uri = parseUri(text)
  } catch (error) {
    say(message, messageOf(error), 'error', input)
    return false
  }
  // A Steam Guard URI (encoder=steam) is a totp URI read as Steam Guard codes: its digits=5 stays out of Digits.
  check('type', uri.encoding === 'steam' ? 'steam' : uri.type)
  check('secret-format', 'base32')
  byId('secret-input', HTMLInputElement).value = base32Encode(uri.secret)
  byId('algorithm', HTMLSelectElement).value = uri.algorithm
  if (uri.encoding === undefined) byId('digits', HTMLInputElement).value = String(uri.digits)
  if (uri.period !== undefined) byId('period', HTMLInputElement).value = String(uri.period)
  if (uri.counter !== undefined) byId('counter', HTMLInputElement).value = String(uri.counter)
  byId('t0', HTMLInputElement).value = '0' // URIs have no t0: authenticator apps count from 0
  byId('issuer', HTMLInputElement).value = uri.issuer ?? ''
  byId('account', HTMLInputElement).value = uri.account
  const detail = uri.type === 'totp' ? `period ${uri.period} s` : `counter ${uri.counter}`
  const who = [uri.issuer, uri.account].filter(Boolean).join(' / ')
  const kind = uri.encoding === 'steam' ? 'Steam Guard' : uri.type.toUpperCase()
  const length = uri.encoding === 'steam' ? `${uri.digits} characters` : `${uri.digits} digits`
  say(
    message,
    `Read a ${kind} URI: ${uri.algorithm}, ${length}, ${detail}, ${uri.secret.length}-byte secret${who ? `, for ${who}` : ''}.`,
    'ok',
    input,
  )
  return true
}

let shownUri: string | undefined
let shownNote: string | undefined
let qrRequest = 0

/** Writes the URI of `p` and, when it changed, draws its QR code. */
export function renderUri(p: Params): void {
  const output = byId('uri-output', HTMLTextAreaElement)
  const message = byId('uri-output-message', HTMLElement)
  const qr = byId('qr', HTMLImageElement)
  let uri: string
  try {
    const names = { secret: p.key, account: byId('account', HTMLInputElement).value, issuer: byId('issuer', HTMLInputElement).value }
    uri = buildUri(
      p.type === 'steam'
        ? { ...names, type: 'totp', encoding: 'steam', period: p.period }
        : {
            ...names,
            type: p.type,
            algorithm: p.algorithm,
            digits: p.digits,
            ...(p.type === 'totp' ? { period: p.period } : { counter: counterArg(p.counter) }),
          },
    )
  } catch (error) {
    output.value = ''
    shownUri = undefined
    shownNote = undefined
    qr.hidden = true
    say(message, messageOf(error), 'error')
    return
  }
  const note = isTimed(p) && p.t0 !== 0 ? `Note: URIs have no t0; apps reading this one count from 0, not ${p.t0}.` : ''
  // The clock re-renders every second: a message such as "Copied." stays until the URI or the note changes.
  if (uri === shownUri && note === shownNote) return
  shownNote = note
  say(message, note, 'info')
  if (uri === shownUri) return
  shownUri = uri
  output.value = uri
  const request = ++qrRequest
  qrSvg(uri).then(
    (svg) => {
      if (request !== qrRequest) return // a newer URI was typed meanwhile
      qr.src = `data:image/svg+xml,${encodeURIComponent(svg)}`
      qr.hidden = false
    },
    (error: unknown) => {
      if (request !== qrRequest) return
      qr.hidden = true
      say(message, messageOf(error), 'error')
    },
  )
}

/** Copies the URI; where the clipboard API is refused (an insecure origin), selects it for copying by hand. */
export async function copyUri(): Promise<void> {
  const output = byId('uri-output', HTMLTextAreaElement)
  const message = byId('uri-output-message', HTMLElement)
  if (output.value === '') return
  try {
    await navigator.clipboard.writeText(output.value)
    say(message, 'Copied.', 'ok')
  } catch {
    output.select()
    say(message, 'The clipboard is not available here: the URI is selected, copy it with Ctrl+C (⌘C).', 'info')
  }
}
