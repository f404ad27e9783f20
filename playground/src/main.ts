/**
 * The playground page: every input recomputes everything (a few HMACs), so the codes, the steps,
 * the verification and the URI always match what is typed. The clock ticks when "now" is checked.
 */
import { OtpError, defaultBackend, randomSecret, base32Encode, ready, type Backend } from 'otp-wasm'
import { byId, check, checkedValue, messageOf, say } from './dom.js'
import { codesAround, type Codes } from './codes.js'
import { FieldError, readKey, readParams, type Params } from './params.js'
import { renderCodes } from './render-codes.js'
import { renderSteps } from './render-steps.js'
import { formatSecret, toHex, toText, type SecretFormat } from './secret-forms.js'
import { setUpOcra } from './ocra-panel.js'
import { hotpSteps } from './steps.js'
import { setUpThroughput } from './throughput.js'
import { applyUri, copyUri, renderUri } from './uri-panel.js'
import { renderVerify } from './verify-panel.js'

const BACKEND_NAMES: Record<Backend, string> = { 'wasm-simd': 'WASM SIMD', wasm: 'WASM', js: 'JS (@noble/hashes)' }

/** Which field each of the library's input errors is about. */
const FIELD_OF: Partial<Record<OtpError['code'], string>> = {
  INVALID_SECRET: 'secret-input',
  INVALID_DIGITS: 'digits',
  INVALID_PERIOD: 'period',
  INVALID_TIME: 'time',
  INVALID_COUNTER: 'counter',
  INVALID_ALGORITHM: 'algorithm',
}

const FIELDS = ['secret-input', 'digits', 'period', 't0', 'time', 'counter', 'algorithm']

function showTypeFields(type: string): void {
  const shown = {
    'totp-only': type !== 'hotp',
    'hotp-only': type === 'hotp',
    'steam-only': type === 'steam',
    'not-steam': type !== 'steam',
  }
  for (const [name, show] of Object.entries(shown)) {
    for (const element of document.querySelectorAll<HTMLElement>(`.${name}`)) element.hidden = !show
  }
  // Steam Guard codes have letters: a phone shows its full keyboard for them.
  byId('verify-code', HTMLInputElement).inputMode = type === 'steam' ? 'text' : 'numeric'
}

/** The secret in all three forms, or why it does not parse. */
function renderSecretForms(): void {
  const message = byId('secret-message', HTMLElement)
  const forms = ['base32', 'hex', 'text'].map((form) => byId(`form-${form}`, HTMLElement))
  let key: Uint8Array
  try {
    key = readKey()
  } catch (error) {
    for (const form of forms) form.textContent = '—'
    say(message, messageOf(error), 'error', byId('secret-input', HTMLInputElement))
    return
  }
  forms[0]!.textContent = base32Encode(key)
  forms[1]!.textContent = toHex(key)
  forms[2]!.textContent = toText(key) ?? '(not printable UTF-8 text)'
  say(message, `${key.length} bytes (${key.length * 8} bits)`, 'info', byId('secret-input', HTMLInputElement))
}

/** Marks the field an error is about, and says the error there. */
function showError(error: unknown): void {
  const params = byId('params-message', HTMLElement)
  const fieldId = error instanceof FieldError ? error.field.id : error instanceof OtpError ? FIELD_OF[error.code] : undefined
  const field = fieldId ? (document.getElementById(fieldId) ?? undefined) : undefined
  if (fieldId === 'secret-input') return // renderSecretForms said it already
  say(params, messageOf(error), 'error', field)
}

function update(): void {
  const type = checkedValue('type')
  showTypeFields(type)
  for (const id of FIELDS) byId(id, HTMLElement).removeAttribute('aria-invalid')
  say(byId('params-message', HTMLElement), '', 'info')
  renderSecretForms()
  let p: Params
  let codes: Codes
  try {
    p = readParams()
    codes = codesAround(p)
  } catch (error) {
    showError(error)
    byId('steps', HTMLOListElement).replaceChildren()
    for (const id of ['previous', 'current', 'next']) {
      byId(`${id}-step`, HTMLTableCellElement).textContent = '—'
      byId(`${id}-code`, HTMLTableCellElement).textContent = '—'
    }
    return
  }
  renderCodes(p, codes)
  renderSteps(
    byId('steps', HTMLOListElement),
    p,
    hotpSteps(p.key, codes.current.counter, p.type === 'steam' ? 'steam' : p.digits, p.algorithm),
    codes.current.code,
    defaultBackend(),
  )
  renderVerify(p)
  renderUri(p)
  const time = byId('time', HTMLInputElement)
  byId('time-detail', HTMLElement).textContent = Number.isFinite(time.valueAsNumber)
    ? new Date(time.valueAsNumber * 1000).toISOString().replace('.000Z', 'Z')
    : ''
}

/** Keeps the time at now while "now" is checked; the codes follow each second. */
function tick(): void {
  if (!byId('now', HTMLInputElement).checked) return
  const time = byId('time', HTMLInputElement)
  const now = String(Math.floor(Date.now() / 1000))
  if (time.value !== now) {
    time.value = now
    update()
  }
}

/**
 * Rewrites the secret in the newly chosen form, so that the key stays the same; a key that is not
 * printable text leaves the text field empty.
 */
function changeFormat(previous: SecretFormat): SecretFormat {
  const next = checkedValue('secret-format') as SecretFormat
  const input = byId('secret-input', HTMLInputElement)
  let key: Uint8Array
  try {
    key = readKeyAs(previous)
  } catch {
    return next // not a valid key yet: read what is there in the new form
  }
  const written = formatSecret(key, next)
  // A random key is seldom printable text: then the field starts empty, for a text secret.
  input.value = written ?? ''
  return next
}

function readKeyAs(format: SecretFormat): Uint8Array {
  const current = checkedValue('secret-format')
  check('secret-format', format)
  try {
    return readKey()
  } finally {
    check('secret-format', current)
  }
}

function start(): void {
  let format = checkedValue('secret-format') as SecretFormat
  byId('secret-input', HTMLInputElement).value = base32Encode(randomSecret())
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="secret-format"]')) {
    radio.addEventListener('change', () => {
      format = changeFormat(format)
      update()
    })
  }
  byId('generate', HTMLButtonElement).addEventListener('click', () => {
    check('secret-format', 'base32')
    format = 'base32'
    byId('secret-input', HTMLInputElement).value = base32Encode(randomSecret())
    byId('uri-input', HTMLInputElement).value = ''
    say(byId('uri-message', HTMLElement), '', 'info')
    update()
  })
  byId('uri-input', HTMLInputElement).addEventListener('input', (event) => {
    if (applyUri((event.target as HTMLInputElement).value)) format = 'base32'
    update()
  })
  byId('time', HTMLInputElement).addEventListener('input', () => {
    byId('now', HTMLInputElement).checked = false
  })
  byId('now', HTMLInputElement).addEventListener('change', tick)
  byId('copy-uri', HTMLButtonElement).addEventListener('click', () => void copyUri())
  // Every other field: recompute on each keystroke. The OCRA section recomputes itself.
  document.querySelector('main')!.addEventListener('input', (event) => {
    const target = event.target as HTMLElement
    if (target.id !== 'uri-input' && !target.closest('#ocra')) update()
  })
  setUpOcra()
  setUpThroughput()

  const backend = byId('backend', HTMLOutputElement)
  backend.textContent = `${BACKEND_NAMES[defaultBackend()]} (loading WASM…)`
  void ready.then((name) => {
    backend.textContent = name === 'js' ? `${BACKEND_NAMES.js}: WASM cannot run here` : BACKEND_NAMES[name]
    backend.dataset.backend = name
    update()
  })
  byId('time', HTMLInputElement).value = String(Math.floor(Date.now() / 1000))
  update()
  setInterval(tick, 250)
}

start()
