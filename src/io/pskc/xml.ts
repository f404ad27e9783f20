/**
 * A streaming reader of PSKC key containers, over the saxes XML parser.
 *
 * A container holds its header (EncryptionKey, MACMethod) and then any number of KeyPackages. Each
 * child of the container is built as a small element tree and handed over when it closes, then
 * dropped, so a file of 100,000 key packages is never one tree in memory.
 *
 * Safe against hostile files: a DOCTYPE is refused outright, so there is no DTD, no entity of our
 * own (saxes knows only the five XML entities and character references, and refuses any other), no
 * external entity and no billion laughs. Sizes are capped: the document (MAX_PSKC_BYTES), the text
 * of one element (MAX_ELEMENT_TEXT, far above any key's base64), the elements in one child of the
 * container (MAX_ELEMENTS_PER_PACKAGE) and the nesting depth (MAX_DEPTH).
 *
 * Elements are matched by local name, whatever their prefix: real files declare the PSKC namespace
 * as the default, as `pskc:`, or under other prefixes, and no two PSKC elements share a local name.
 */
import { isUtf8 } from 'node:buffer'
import { SaxesParser } from 'saxes'
import { OtpError, describe } from '../../core/errors.js'

/** The largest PSKC document read: 256 MiB (in bytes, or UTF-16 units for a string). */
export const MAX_PSKC_BYTES = 256 * 1024 * 1024
/** The longest text of one element, in characters: a 1024-byte secret, encrypted, is under 1.5 KB of base64. */
export const MAX_ELEMENT_TEXT = 64 * 1024
/** The most elements in one child of the container (a key package has about twenty). */
export const MAX_ELEMENTS_PER_PACKAGE = 10_000
/** The deepest nesting of elements (PSKC needs about eight). */
export const MAX_DEPTH = 64

const NOT_WHITESPACE = /\S/

/** The feed size: strings and bytes go to the parser in slices of this many units. */
const CHUNK = 1 << 20

/** One element: its local name, its attributes by local name, its text (trimmed) and its child elements. */
export interface XmlElement {
  name: string
  attributes: Record<string, string>
  text: string
  children: XmlElement[]
}

/** What a container reader is told, in document order. */
export interface ContainerHandlers {
  /** A direct child of KeyContainer, other than a Signature, once it has closed. */
  child(element: XmlElement): void
  /** The container has a `<Signature>` (XML Signature, RFC 6030 section 7). */
  signature(): void
}

/** The local part of a qualified name: `pskc:Key` and `Key` are both `Key`. */
function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1)
}

/** A container reader that is fed the document in pieces: `write` each, then `close`. */
export interface ContainerReader {
  /** Feeds the next piece: text, or UTF-8 bytes (a character may be split across pieces). */
  write(piece: string | Uint8Array): void
  /** Ends the document: anything left open is an error. */
  close(): void
}

/**
 * Reads a PSKC document, handing each direct child of its KeyContainer to `handlers` as it closes.
 *
 * @throws OtpError INVALID_PSKC for anything that is not a well-formed container within the limits.
 */
export function readContainer(input: string | Uint8Array, handlers: ContainerHandlers): void {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw invalid(`expected the document as a string or a Uint8Array, got ${describe(input)}`)
  }
  checkSize(input.length)
  const reader = containerReader(handlers)
  for (let at = 0; at < input.length; at += CHUNK) {
    reader.write(typeof input === 'string' ? input.slice(at, at + CHUNK) : input.subarray(at, at + CHUNK))
  }
  reader.close()
}

function checkSize(length: number): void {
  if (length > MAX_PSKC_BYTES) {
    throw invalid(`the document is ${length} bytes long or more, above the limit of ${MAX_PSKC_BYTES} (256 MiB)`)
  }
}

/**
 * A reader of a PSKC document fed in pieces, handing each direct child of its KeyContainer to
 * `handlers` as it closes; the pieces may be any size, and count towards MAX_PSKC_BYTES.
 */
export function containerReader(handlers: ContainerHandlers): ContainerReader {
  const parser = new SaxesParser({ position: true })
  const where = (): string => `line ${parser.line}, column ${parser.column}`
  /** The bytes of a character cut at the end of the last piece, to go in front of the next one. */
  let carried: Buffer | undefined
  let fed = 0
  let depth = 0
  let sawRoot = false
  /** The open elements of the child being built (empty when not inside one, or inside a skipped one). */
  const stack: XmlElement[] = []
  /** The depth of a child whose content is skipped (Signature), or 0. */
  let skipping = 0
  let elements = 0

  parser.on('doctype', () => {
    throw invalid(`a DOCTYPE is not allowed (${where()}): PSKC needs no DTD, and entity declarations are how XML bombs work`)
  })
  parser.on('error', (error) => {
    throw invalid(`not well-formed XML: ${error.message}`)
  })
  parser.on('opentag', (tag) => {
    depth++
    if (depth > MAX_DEPTH) throw invalid(`elements are nested more than ${MAX_DEPTH} deep (${where()})`)
    const name = localName(tag.name)
    if (depth === 1) {
      if (name !== 'KeyContainer') throw invalid(`expected the root element KeyContainer, got ${short(name)}`)
      sawRoot = true
      return
    }
    if (skipping !== 0) return
    if (depth === 2) {
      if (name === 'Signature') {
        handlers.signature()
        skipping = depth
        return
      }
      elements = 0
    }
    if (++elements > MAX_ELEMENTS_PER_PACKAGE) {
      throw invalid(`a ${stack[0]?.name ?? name} holds more than ${MAX_ELEMENTS_PER_PACKAGE} elements (${where()})`)
    }
    // PSKC attributes are unqualified (Algorithm, Id, Length, ...): saxes's object is used as it is.
    const element: XmlElement = { name, attributes: tag.attributes as Record<string, string>, text: '', children: [] }
    stack[stack.length - 1]?.children.push(element)
    stack.push(element)
  })
  const addText = (text: string): void => {
    const open = stack[stack.length - 1]
    if (open === undefined) return
    // Indentation before and between child elements: trimmed away anyway, so never concatenated.
    if (open.text === '' && !NOT_WHITESPACE.test(text)) return
    if (open.text.length + text.length > MAX_ELEMENT_TEXT) {
      throw invalid(`the text of a ${open.name} element is longer than ${MAX_ELEMENT_TEXT} characters (${where()})`)
    }
    open.text += text
  }
  parser.on('text', addText)
  parser.on('cdata', addText)
  parser.on('closetag', () => {
    if (skipping !== 0) {
      if (depth === skipping) skipping = 0
      depth--
      return
    }
    depth--
    const element = stack.pop()
    if (element === undefined) return
    element.text = element.text.trim()
    if (stack.length === 0) handlers.child(element)
  })

  // Checked whole by isUtf8, then decoded, rather than by a fatal TextDecoder in streaming mode:
  // the same strictness, several times faster on a file of a hundred megabytes.
  const decode = (bytes: Uint8Array, stream: boolean): string => {
    let buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    if (carried !== undefined) {
      buffer = Buffer.concat([carried, buffer])
      carried = undefined
    }
    const end = stream ? wholeCharacters(buffer) : buffer.length
    // A copy: the caller may reuse its bytes before the next piece comes.
    if (end < buffer.length) carried = Buffer.from(buffer.subarray(end))
    const whole = buffer.subarray(0, end)
    if (!isUtf8(whole)) throw invalid('the document is not valid UTF-8')
    return whole.toString('utf8')
  }
  return {
    write(piece) {
      if (typeof piece !== 'string' && !(piece instanceof Uint8Array)) {
        throw invalid(`expected the document as strings or Uint8Arrays, got ${describe(piece)}`)
      }
      fed += piece.length
      checkSize(fed)
      parser.write(typeof piece === 'string' ? piece : decode(piece, true))
    },
    close() {
      parser.write(decode(new Uint8Array(0), false))
      parser.close()
      if (!sawRoot) throw invalid('expected a KeyContainer element, found none')
    },
  }
}

/**
 * The length of `bytes` without a UTF-8 sequence cut short at its end (a character whose first byte
 * says it needs more bytes than follow). Anything else malformed is left for isUtf8 to refuse.
 */
function wholeCharacters(bytes: Uint8Array): number {
  const length = bytes.length
  for (let at = length - 1; at >= 0 && at >= length - 4; at--) {
    const byte = bytes[at]!
    if ((byte & 0xc0) === 0x80) continue // a continuation byte: its lead comes before it
    const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return at + needs > length ? at : length
  }
  return length
}

/** The only child element named `name`, or undefined; two of them are an error (which one is meant?). */
export function child(element: XmlElement, name: string, where: string): XmlElement | undefined {
  let found: XmlElement | undefined
  for (const candidate of element.children) {
    if (candidate.name !== name) continue
    if (found !== undefined) throw invalid(`${where}: ${element.name} has more than one ${name}`)
    found = candidate
  }
  return found
}

/** Keeps names read from a file short in messages. */
export function short(text: string): string {
  return `'${text.length > 80 ? `${text.slice(0, 80)}...` : text}'`
}

export function invalid(reason: string, cause?: unknown): OtpError {
  return new OtpError('INVALID_PSKC', `parsePskc: ${reason}`, cause === undefined ? undefined : { cause })
}
