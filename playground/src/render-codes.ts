/** Writes the codes table and the time left in the current TOTP step. */
import { byId } from './dom.js'
import { secondsLeft, type Codes } from './codes.js'
import { isTimed, type Params } from './params.js'

const ROWS = ['previous', 'current', 'next'] as const

/** Fills the table; a row with no code (before counter 0, past 2^64 - 1) shows a dash. */
export function renderCodes(p: Params, codes: Codes | undefined): void {
  const name = isTimed(p) ? 'T' : 'C'
  byId('step-heading', HTMLTableCellElement).textContent = isTimed(p) ? 'Time step T' : 'Counter C'
  for (const row of ROWS) {
    const at = codes?.[row]
    byId(`${row}-step`, HTMLTableCellElement).textContent = at ? `${name} = ${at.counter}` : '—'
    byId(`${row}-code`, HTMLTableCellElement).textContent = at ? at.code : '—'
  }
  const bar = byId('step-left', HTMLProgressElement)
  if (isTimed(p) && codes) {
    const left = secondsLeft(p)
    bar.max = p.period
    bar.value = left
    byId('seconds-left', HTMLLabelElement).textContent = `${Math.ceil(left)} s left in step ${codes.current.counter}`
  }
}
