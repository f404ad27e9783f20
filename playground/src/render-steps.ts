/** Writes the steps of the current code into the page's list, one item per step of RFC 4226 section 5.3. */
import { el } from './dom.js'
import { isTimed, type Params } from './params.js'
import { STEAM_CHARACTERS, type HotpSteps } from './steps.js'

const hex2 = (b: number) => b.toString(16).padStart(2, '0')
const hex8 = (n: number) => n.toString(16).padStart(8, '0')
const bytesHex = (bytes: Uint8Array) => Array.from(bytes, hex2).join(' ')

/** One step: what it is, and its value in monospace; `data-step` names it for tests and styles. */
function step(name: string, what: string, ...value: Array<string | Node>): HTMLLIElement {
  const item = el('li')
  item.dataset.step = name
  item.append(el('span', what, 'what'))
  const code = el('code')
  code.append(...value)
  item.append(code)
  return item
}

/** HS as rows of 16 bytes, the offset nibble's byte and the four bytes it selects marked. */
function hmacBytes(s: HotpSteps): HTMLElement {
  const block = el('span', undefined, 'hex-block')
  const last = s.hmac.length - 1
  s.hmac.forEach((byte, i) => {
    const cell = el('span', hex2(byte), 'byte')
    if (i >= s.offset && i < s.offset + 4) cell.classList.add('picked')
    if (i === last) cell.classList.add('last')
    cell.title = `HS[${i}]`
    block.append(cell, i % 16 === 15 || i === last ? el('br') : ' ')
  })
  return block
}

/** Replaces the list's items with the steps `s` of the code computed from `p`. */
export function renderSteps(list: HTMLOListElement, p: Params, s: HotpSteps, engineCode: string, backend: string): void {
  const last = s.hmac.length - 1
  const items: HTMLLIElement[] = []
  if (isTimed(p)) {
    items.push(step('time-step', 'Time step T (RFC 6238 section 4.2)', `floor((${p.time} − ${p.t0}) / ${p.period}) = ${s.counter}`))
  }
  items.push(
    step('counter', 'Counter C as 8 big-endian bytes (section 5.2)', `${s.counter} = ${bytesHex(s.counterBytes)}`),
    step('hmac', `HS = HMAC-${p.algorithm}(K, C), ${s.hmac.length} bytes (step 1)`, hmacBytes(s)),
    step(
      'offset',
      'Offset: the low 4 bits of the last byte (step 2)',
      `HS[${last}] = 0x${hex2(s.hmac[last]!)} → 0x${hex2(s.hmac[last]!)} & 0xf = ${s.offset}`,
    ),
    step(
      'word',
      `The 4 bytes HS[${s.offset}..${s.offset + 3}]`,
      `${bytesHex(s.hmac.subarray(s.offset, s.offset + 4))} = 0x${hex8(s.word)}`,
    ),
    step('value', '31-bit value Snum: the top bit masked', `0x${hex8(s.word)} & 0x7fffffff = 0x${hex8(s.value)} = ${s.value}`),
    s.steamDigits
      ? step(
          'steam',
          'Steam Guard: Snum in base 26, least significant digit first, each digit a character of ' + STEAM_CHARACTERS,
          `${s.value} → ${s.steamDigits.join(', ')} → ${s.code}`,
        )
      : step('modulo', `Modulo 10^${p.digits} (step 3)`, `${s.value} mod ${10 ** p.digits} = ${s.remainder} → ${s.code}`),
  )
  const agree = s.code === engineCode
  const check = step(
    'check',
    'Check against the engine',
    agree ? `the ${backend} engine gives ${engineCode} too ✓` : `the ${backend} engine gives ${engineCode}: they differ ✗`,
  )
  check.dataset.agree = String(agree)
  items.push(check)
  list.replaceChildren(...items)
}
