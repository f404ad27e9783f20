/** Verifies a typed code with the library and says which delta of the window matched. */
import { verifyHotp, verifyTotp } from 'otp-wasm'
import { byId, messageOf, say } from './dom.js'
import { counterArg, isTimed, type Params } from './params.js'
import { timeStep } from './steps.js'

function stepsWord(n: number): string {
  return n === 1 ? '1 step' : `${n} steps`
}

/** Updates the verify section for the parameters `p` (the window's label follows the type). */
export function renderVerify(p: Params): void {
  const codeInput = byId('verify-code', HTMLInputElement)
  const windowInput = byId('verify-window', HTMLInputElement)
  const result = byId('verify-result', HTMLElement)
  byId('verify-window-label', HTMLLabelElement).textContent = isTimed(p) ? 'Window (steps either way)' : 'Look-ahead (counters after C)'
  delete result.dataset.delta
  const code = codeInput.value.trim()
  if (code === '') {
    say(result, 'Type a code to check it against the window.', 'info')
    return
  }
  const window = windowInput.valueAsNumber
  const options = { digits: p.digits, algorithm: p.algorithm, window: Number.isFinite(window) ? window : Number.NaN }
  const timing = { time: p.time, period: p.period, t0: p.t0 }
  let delta: number | null
  try {
    delta =
      p.type === 'steam'
        ? verifyTotp(p.key, code, { encoding: 'steam', window: options.window, ...timing })
        : p.type === 'totp'
          ? verifyTotp(p.key, code, { ...options, ...timing })
          : verifyHotp(p.key, code, counterArg(p.counter), options)
  } catch (error) {
    say(result, messageOf(error), 'error', windowInput)
    return
  }
  windowInput.removeAttribute('aria-invalid')
  result.dataset.delta = delta === null ? 'null' : String(delta)
  if (delta === null) {
    say(result, `No match: ${code} is none of the codes in the window.`, 'error')
  } else if (isTimed(p)) {
    const when = delta === 0 ? 'the current step' : delta < 0 ? `${stepsWord(-delta)} ago` : `${stepsWord(delta)} ahead`
    say(result, `Match at delta ${delta}: ${when} (T = ${timeStep(p.time, p.t0, p.period) + BigInt(delta)}).`, 'ok')
  } else {
    const matched = p.counter + BigInt(delta)
    say(result, `Match at delta ${delta}: counter ${matched}; the next code will use counter ${matched + 1n}.`, 'ok')
  }
}
