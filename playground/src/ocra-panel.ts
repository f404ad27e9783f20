/**
 * The OCRA section (RFC 6287): the suite is parsed as it is typed (parseOcraSuite), the inputs it
 * names are shown and the others hidden, the response comes from ocra(), a typed response is checked
 * with verifyOcra(), and the message's byte layout is drawn from the parsed suite. Each OtpError is
 * shown at the field it is about.
 */
import { OtpError, ocra, ocraChallenge, parseOcraSuite, verifyOcra, type OcraInput, type OcraSuite } from 'otp-wasm'
import { byId, el, messageOf, say } from './dom.js'
import { readOcraInput, readOcraKey, readWindow, timeStepOf } from './ocra-form.js'
import { FieldError } from './params.js'
import { toHex } from './secret-forms.js'

/** Which field each of the library's OCRA errors is about (INVALID_WINDOW: see fieldOf). */
const FIELD_OF: Partial<Record<OtpError['code'], string>> = {
  INVALID_OCRA_SUITE: 'ocra-suite',
  INVALID_SECRET: 'ocra-key',
  INVALID_CHALLENGE: 'ocra-question',
  INVALID_COUNTER: 'ocra-counter',
  INVALID_PASSWORD: 'ocra-pin',
  INVALID_SESSION: 'ocra-session',
  INVALID_TIME: 'ocra-time',
  INVALID_CODE: 'ocra-typed',
}
const FIELDS = [...new Set(Object.values(FIELD_OF)), 'ocra-counter-window', 'ocra-time-window']
/** Where the message about each field is said; the question, C, P, S and T share one. */
const MESSAGE_OF: Record<string, string> = {
  'ocra-suite': 'ocra-suite-message',
  'ocra-key': 'ocra-key-message',
  'ocra-typed': 'ocra-verify-result',
  'ocra-counter-window': 'ocra-verify-result',
  'ocra-time-window': 'ocra-verify-result',
}
/** The fields each optional input of a suite shows. */
const OPTIONAL = ['ocra-c', 'ocra-p', 'ocra-s', 'ocra-t'] as const

const QUESTION_KINDS = { N: 'decimal digits', A: 'printable ASCII characters', H: 'hex digits' } as const
const UNITS = { S: 'second', M: 'minute', H: 'hour' } as const
const HASH_BYTES = { SHA1: 20, SHA256: 32, SHA512: 64 } as const

function fieldOf(error: unknown): string | undefined {
  if (error instanceof FieldError) return error.field.id
  if (!(error instanceof OtpError)) return undefined
  if (error.code === 'INVALID_WINDOW') return /counterWindow/.test(error.message) ? 'ocra-counter-window' : 'ocra-time-window'
  return FIELD_OF[error.code]
}

/** Says an error under the field it is about, and marks that field; an error about no field goes under the inputs. */
function showError(error: unknown): void {
  const id = fieldOf(error)
  if (id === undefined) return say(byId('ocra-message', HTMLElement), messageOf(error), 'error')
  say(byId(MESSAGE_OF[id] ?? 'ocra-message', HTMLElement), messageOf(error), 'error', byId(id, HTMLElement))
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** What a suite asks for, in words. */
function describeSuite(s: OcraSuite): string {
  const response = s.digits === 0 ? `the whole HMAC-${s.algorithm} in hex` : `${s.digits} digits of HMAC-${s.algorithm}`
  const inputs = [
    `Q: 4 to ${s.question.length} ${QUESTION_KINDS[s.question.format]}`,
    s.counter && 'C: a counter',
    s.password && `P: the ${s.password} hash of a PIN`,
    s.session !== undefined && `S: ${plural(s.session, 'byte')} of session information`,
    s.time &&
      (s.time.seconds === 0 ? 'T: a step count (T0H has no step length)' : `T: time steps of ${plural(s.time.count, UNITS[s.time.unit])}`),
  ].filter(Boolean)
  return `Response: ${response}. Inputs: ${inputs.join('; ')}.`
}

/** The RFC 6287 appendix C key for a hash: '1234567890' repeated to 20, 32 or 64 bytes. */
function rfcKey(algorithm: OcraSuite['algorithm']): string {
  return toHex(new TextEncoder().encode('1234567890'.repeat(7).slice(0, HASH_BYTES[algorithm])))
}

/** Shows the fields the suite names, with labels and hints that say what each takes. */
function showInputs(suite: OcraSuite | undefined): void {
  const shown = { 'ocra-c': !!suite?.counter, 'ocra-p': !!suite?.password, 'ocra-s': suite?.session !== undefined, 'ocra-t': !!suite?.time }
  for (const name of OPTIONAL) for (const field of document.querySelectorAll<HTMLElement>(`.${name}`)) field.hidden = !shown[name]
  byId('ocra-new-question', HTMLButtonElement).disabled = suite === undefined
  const pick = byId('ocra-suite-pick', HTMLSelectElement)
  pick.value = Array.from(pick.options).some((option) => option.value === suite?.suite) ? suite!.suite : ''
  if (!suite) {
    byId('ocra-question-hint', HTMLElement).textContent = ''
    return
  }
  const { format, length } = suite.question
  byId('ocra-question-hint', HTMLElement).textContent =
    `4 to ${length} ${QUESTION_KINDS[format]} (Q${format}${String(length).padStart(2, '0')}).`
  if (suite.password) {
    const hash = byId('ocra-pin-form', HTMLSelectElement).value === 'hash'
    byId('ocra-pin-label', HTMLLabelElement).textContent = hash
      ? `PIN hash (${suite.password}, ${HASH_BYTES[suite.password]} bytes as hex)`
      : `PIN (hashed with ${suite.password})`
  }
  if (suite.session !== undefined) {
    byId('ocra-session-label', HTMLLabelElement).textContent = `Session information S (${plural(suite.session, 'byte')} as hex)`
  }
  const time = byId('ocra-time', HTMLInputElement)
  if (suite.time && time.value.trim() === '' && byId('ocra-time-form', HTMLSelectElement).value === 'seconds') {
    time.value = String(Math.floor(Date.now() / 1000))
  }
}

/** The message's fields and where each lies (RFC 6287 section 5.1). */
function renderLayout(suite: OcraSuite | undefined): void {
  const body = byId('ocra-layout', HTMLTableSectionElement)
  const caption = byId('ocra-layout-caption', HTMLTableCaptionElement)
  if (!suite) {
    body.replaceChildren()
    caption.textContent = ''
    return
  }
  const { layout } = suite
  const question = {
    N: 'the number in hex, padded on the right with 0 to 128 bytes',
    H: 'the hex digits, padded on the right with 0 to 128 bytes',
    A: 'the characters as ASCII, then zero bytes to 128',
  }[suite.question.format]
  const fields: Array<[string, number, string]> = [
    ['suite', 0, `the suite's ${suite.suite.length} characters as ASCII`],
    ['0x00', suite.suite.length, 'one zero byte, the separator'],
    ['C', layout.counterAt, 'the counter, 8 bytes big-endian'],
    ['Q', layout.questionAt, question],
    ['P', layout.passwordAt, `the PIN's ${suite.password} hash`],
    ['S', layout.sessionAt, 'the session information'],
    ['T', layout.timeAt, 'the time step, 8 bytes big-endian'],
  ]
  const present = fields.filter(([, at]) => at >= 0)
  body.replaceChildren(
    ...present.map(([name, at, holds], i) => {
      const end = (present[i + 1]?.[1] ?? layout.length) - 1
      const row = el('tr')
      row.dataset.field = name
      const head = el('th', name)
      head.scope = 'row'
      row.append(head, el('td', at === end ? `${at}` : `${at}–${end} (${end - at + 1})`), el('td', holds))
      return row
    }),
  )
  caption.textContent = `${layout.length} bytes, hashed with HMAC-${suite.algorithm} under the key`
}

/** T as a step count and, for suites with a step length, the moment it starts. */
function renderTime(suite: OcraSuite, input: OcraInput): void {
  const detail = byId('ocra-time-detail', HTMLElement)
  const step = timeStepOf(suite, input)
  if (step === undefined || !suite.time) {
    detail.textContent = ''
    return
  }
  const start = Number(step) * suite.time.seconds * 1000
  const when = suite.time.seconds > 0 && start <= 8.64e15 ? `, from ${new Date(start).toISOString().replace('.000Z', 'Z')}` : ''
  detail.textContent = `T = ${step} (0x${step.toString(16)}) steps of ${plural(suite.time.count, UNITS[suite.time.unit])}${when}`
}

/** Checks the typed response with verifyOcra and says which counter or time step matched. */
function renderVerify(suite: OcraSuite, key: Uint8Array, input: OcraInput): void {
  const result = byId('ocra-verify-result', HTMLElement)
  delete result.dataset.delta
  // Spaces are how long responses are read out and copied ("2376 53"): they are not part of it.
  const typed = byId('ocra-typed', HTMLInputElement).value.replace(/\s/g, '')
  if (typed === '') {
    say(result, 'Type a response to check it against these inputs.', 'info')
    return
  }
  let delta: number | null
  try {
    const windows = {
      ...(suite.counter ? { counterWindow: readWindow('ocra-counter-window') } : {}),
      ...(suite.time ? { timeWindow: readWindow('ocra-time-window') } : {}),
    }
    delta = verifyOcra(suite.suite, key, typed, { ...input, ...windows })
  } catch (error) {
    showError(error)
    return
  }
  result.dataset.delta = String(delta)
  if (delta === null) {
    say(result, `No match: ${typed} is not the response to these inputs${suite.counter || suite.time ? ' in the window' : ''}.`, 'error')
  } else if (suite.counter) {
    const matched = BigInt(input.counter!) + BigInt(delta)
    say(result, `Match at counter ${matched} (delta ${delta}); the next counter is ${matched + 1n}.`, 'ok')
  } else if (suite.time) {
    const when = delta === 0 ? 'the given step' : `${plural(Math.abs(delta), 'step')} ${delta < 0 ? 'before' : 'after'} it`
    say(result, `Match at delta ${delta}: ${when} (T = ${timeStepOf(suite, input)! + BigInt(delta)}).`, 'ok')
  } else {
    say(result, 'Match: this is the response to these inputs.', 'ok')
  }
}

/** Recomputes the whole section from its fields. */
function update(): void {
  for (const id of FIELDS) byId(id, HTMLElement).removeAttribute('aria-invalid')
  for (const id of ['ocra-message', 'ocra-verify-result']) say(byId(id, HTMLElement), '', 'info')
  const response = byId('ocra-response', HTMLOutputElement)
  response.textContent = '—'
  let suite: OcraSuite | undefined
  try {
    suite = parseOcraSuite(byId('ocra-suite', HTMLInputElement).value.trim())
    say(byId('ocra-suite-message', HTMLElement), describeSuite(suite), 'info')
  } catch (error) {
    showError(error)
  }
  showInputs(suite)
  renderLayout(suite)
  let key: Uint8Array
  try {
    key = readOcraKey()
    say(byId('ocra-key-message', HTMLElement), `${key.length} bytes (${key.length * 8} bits)`, 'info')
  } catch (error) {
    showError(error)
    return
  }
  if (!suite) return
  let input: OcraInput
  try {
    input = readOcraInput(suite)
    renderTime(suite, input)
    response.textContent = ocra(suite.suite, key, input)
    // A whole HMAC (t = 0) is 40 to 128 hex digits: smaller type, so that it wraps in a few lines.
    response.toggleAttribute('data-long', response.textContent.length > 10)
  } catch (error) {
    showError(error)
    return
  }
  renderVerify(suite, key, input)
}

/** Wires the section's fields and buttons; everything is recomputed on each change. */
export function setUpOcra(): void {
  const suiteInput = byId('ocra-suite', HTMLInputElement)
  const pick = byId('ocra-suite-pick', HTMLSelectElement)
  byId('ocra', HTMLElement).addEventListener('input', (event) => {
    // A picked example becomes the suite typed (before update() sets the picker from it).
    if (event.target === pick && pick.value !== '') suiteInput.value = pick.value
    update()
  })
  byId('ocra-rfc-key', HTMLButtonElement).addEventListener('click', () => {
    let algorithm: OcraSuite['algorithm'] = 'SHA1'
    try {
      algorithm = parseOcraSuite(suiteInput.value.trim()).algorithm
    } catch {
      // An unreadable suite keeps its error; the SHA1 key is the RFC's first.
    }
    byId('ocra-key-format', HTMLSelectElement).value = 'hex'
    byId('ocra-key', HTMLInputElement).value = rfcKey(algorithm)
    update()
  })
  byId('ocra-new-question', HTMLButtonElement).addEventListener('click', () => {
    byId('ocra-question', HTMLInputElement).value = ocraChallenge(suiteInput.value.trim())
    update()
  })
  update()
}
