/**
 * A strict, streaming scanner of XML 1.0 documents without a DTD: the events a PSKC container reader
 * needs (start tags with their attributes, character data, end tags), from a document fed in pieces.
 *
 * It exists for speed: a PSKC file of 100,000 keys is a hundred megabytes of markup, and a general
 * parser that looks at every character one call at a time spends more on it than on decrypting the
 * keys. This one finds markup with indexOf and one sticky regular expression per tag, and checks the
 * characters of the whole document with one regular expression per piece.
 *
 * It checks what well-formedness asks of such a document: every character an XML Char; names as the
 * Name production; unique attributes, quoted values without '<'; start and end tags that match; one
 * root element, with only whitespace, comments and processing instructions around it; comments without
 * '--'; no ']]>' in character data; the XML declaration only at the very start; references to the five
 * predefined entities and to characters only (there is no DTD to declare others). A DOCTYPE is handed
 * to `doctype`, which refuses it. Line ends are normalised (CR LF and CR to LF) and attribute values
 * as the specification says (each whitespace character to a space). Namespaces are not processed: names
 * come as written, prefix included.
 *
 * Memory and time stay linear in the input: character data is handed over as it arrives, and a
 * construct cut by the end of a piece is looked at again only once a piece brings its end. A tag is at
 * most MAX_TAG characters long.
 */

/** What the scanner reports, in document order. */
export interface ScanHandlers {
  open(name: string, attributes: Record<string, string>): void
  /** Character data (entities replaced, CDATA sections included), in one or more pieces per run. */
  text(text: string): void
  close(name: string): void
  /** A DOCTYPE: the handler throws. */
  doctype(): void
}

/**
 * The longest start tag, attributes included: PSKC tags are under a kilobyte. A tag cut by the end of
 * a piece is looked at again for each '>' that comes (one may be inside a value), so this also bounds
 * that work.
 */
export const MAX_TAG = 8 * 1024

/** Characters that are not XML Chars (surrogates are checked apart, as pairs). */
// eslint-disable-next-line no-control-regex -- the control characters XML forbids are what these look for
const NOT_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/
// eslint-disable-next-line no-control-regex -- as above
const NOT_CHAR_NOR_SURROGATE = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const ASCII_NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*$/
// The Name production of XML 1.0 (fifth edition), combining marks (U+0300 to U+036F) included.
const NAME =
  // eslint-disable-next-line no-misleading-character-class
  /^[:A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}][:A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}\-.0-9\u00B7\u0300-\u036F\u203F-\u2040]*$/u
/** A start tag: its name, its attributes (checked one by one below), and '/' if it closes itself. */
// XML's whitespace is space, tab, CR and LF only (not \s, which has more).
const START_TAG = /<([^ \t\n\r/>=<"'&!?]+)((?:[ \t\n\r]+[^ \t\n\r/>=<"'&]+[ \t\n\r]*=[ \t\n\r]*(?:"[^"<]*"|'[^'<]*'))*)[ \t\n\r]*(\/?)>/y
const ATTRIBUTE = /[ \t\n\r]+([^ \t\n\r=]+)[ \t\n\r]*=[ \t\n\r]*(?:"([^"]*)"|'([^']*)')/g
const XML_DECLARATION =
  /^<\?xml[ \t\n\r]+version[ \t\n\r]*=[ \t\n\r]*(["'])1\.[0-9]+\1(?:[ \t\n\r]+encoding[ \t\n\r]*=[ \t\n\r]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\n\r]+standalone[ \t\n\r]*=[ \t\n\r]*(["'])(?:yes|no)\3)?[ \t\n\r]*\?>$/
const WHITESPACE_ONLY = /^[ \t\n\r]*$/
const ATTRIBUTE_WHITESPACE = /[\t\n\r]/
const ATTRIBUTE_WHITESPACE_ALL = /\r\n|[\t\n\r]/g
const LINE_ENDS = /\r\n?/g
const NOT_WHITESPACE = /[^ \t\n\r]/
const PI_TARGET = /^[^ \t\n\r]*/
const STARTS_WITH_WHITESPACE = /^[ \t\n\r]/
/** The attributes of every tag without any: one object, read only, rather than one each. */
const NO_ATTRIBUTES: Record<string, string> = Object.freeze({})
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' }

/** A scanner fed with `write`, ended with `end`; errors are thrown as `fail(reason, line, column)` makes them. */
export class XmlScanner {
  private buffer = ''
  /** Newlines in the text before `buffer`, and the length of the line `buffer` starts inside. */
  private lines = 0
  private column = 0
  private readonly open: string[] = []
  private sawRoot = false
  private started = false
  /**
   * The end of a pending construct ('-->', '?>', ']]>', '>' or ';') that must come before it is looked
   * at again ('' when none): a long comment arriving in many pieces is searched once, not once a piece.
   */
  private awaiting = ''
  /** A '<' in the next piece also ends what is pending (a tag, or text before a reference). */
  private ltEnds = false
  /** The last two characters written, where an awaited end may begin. */
  private tail = ''
  /** The last piece ended with a high surrogate, whose pair the next must begin with. */
  private pendingHigh = false
  /** Where the markup being reported starts in the buffer (for position()). */
  private at = 0

  constructor(
    private readonly handlers: ScanHandlers,
    private readonly fail: (reason: string, line: number, column: number) => Error,
  ) {}

  /** The line and column (1-based) of `at` in the buffer, for messages. */
  where(at = 0): { line: number; column: number } {
    let line = this.lines + 1
    let start = -1
    for (let i = this.buffer.indexOf('\n'); i !== -1 && i < at; i = this.buffer.indexOf('\n', i + 1)) {
      line++
      start = i
    }
    return { line, column: start === -1 ? this.column + at + 1 : at - start }
  }

  /** The line and column of the markup being reported. */
  position(): { line: number; column: number } {
    return this.where(this.at)
  }

  write(piece: string): void {
    if (piece === '') return
    if (!this.started && this.lines === 0 && this.column === 0 && this.buffer === '' && piece.charCodeAt(0) === 0xfeff) {
      piece = piece.slice(1) // a byte order mark
      if (piece === '') return
    }
    if ((this.pendingHigh || NOT_CHAR.test(piece)) && this.badCharacter(piece)) throw this.error('a character that XML does not allow', 0)
    const last = piece.charCodeAt(piece.length - 1)
    this.pendingHigh = last >= 0xd800 && last <= 0xdbff
    const edge = this.tail + piece
    this.tail = edge.slice(-2)
    this.buffer += piece
    if (this.awaiting !== '' && !edge.includes(this.awaiting) && !(this.ltEnds && piece.includes('<'))) return
    this.scan(false)
  }

  end(): void {
    if (this.pendingHigh) throw this.error('the document ends inside a character', 0)
    this.scan(true)
    if (this.buffer !== '') throw this.error('the document ends inside markup', 0)
    if (this.open.length > 0) throw this.error(`the document ends with ${this.open.at(-1)} still open`, 0)
    if (!this.sawRoot) throw this.error('no root element', 0)
  }

  private badCharacter(piece: string): boolean {
    if (NOT_CHAR_NOR_SURROGATE.test(piece)) return true
    // Surrogates come in pairs, which two pieces may share.
    const text = this.pendingHigh ? `\ud800${piece}` : piece
    const lone = LONE_SURROGATE.exec(text)
    return lone !== null && !(lone.index === text.length - 1 && text.charCodeAt(lone.index) <= 0xdbff)
  }

  private error(reason: string, at: number): Error {
    const { line, column } = this.where(at)
    return this.fail(reason, line, column)
  }

  /** Consumes what the buffer holds whole; leaves a construct cut short for the next piece (or fails, at the end). */
  private scan(final: boolean): void {
    const buffer = this.buffer
    let at = 0
    this.awaiting = ''
    this.ltEnds = false
    while (at < buffer.length) {
      const lt = buffer.indexOf('<', at)
      if (lt !== at) {
        const end = lt === -1 ? (final ? buffer.length : this.textEnd(buffer, at)) : lt
        if (end > at) this.characters(buffer, at, end)
        if (lt === -1) {
          at = end
          break
        }
      }
      const next = this.markup(buffer, lt, final)
      if (next === -1) {
        at = lt
        break
      }
      at = next
    }
    this.consume(at)
  }

  /** Where character data cut by the end of the piece can safely stop: before a reference, a CR or brackets not yet whole. */
  private textEnd(buffer: string, at: number): number {
    let end = buffer.length
    const amp = buffer.lastIndexOf('&')
    if (amp >= at && buffer.indexOf(';', amp) === -1) end = amp
    // ']]' may become ']]>', which text may not hold; a CR may be followed by the LF of the same line end.
    for (let held = 0; held < 2 && end > at && (buffer[end - 1] === ']' || buffer[end - 1] === '\r'); held++) end--
    if (end < buffer.length && buffer[end] === '&') {
      this.awaiting = ';'
      this.ltEnds = true
    }
    return end
  }

  private consume(at: number): void {
    const buffer = this.buffer
    let lastNewline = -1
    for (let i = buffer.indexOf('\n'); i !== -1 && i < at; i = buffer.indexOf('\n', i + 1)) {
      this.lines++
      lastNewline = i
    }
    this.column = lastNewline === -1 ? this.column + at : at - lastNewline - 1
    this.buffer = at === buffer.length ? '' : buffer.slice(at)
  }

  /** Character data between `at` and `end`. */
  private characters(buffer: string, at: number, end: number): void {
    let text = buffer.slice(at, end)
    if (this.open.length === 0) {
      if (!WHITESPACE_ONLY.test(text)) throw this.error('text outside the root element', at)
      return
    }
    if (text.includes(']]>')) throw this.error("']]>' in character data", at)
    if (text.includes('\r')) text = text.replace(LINE_ENDS, '\n')
    if (text.includes('&')) text = this.references(text, at)
    this.handlers.text(text)
  }

  /** `text` with its entity and character references replaced. */
  private references(text: string, at: number): string {
    return text.replace(/&([^;]*);|&/g, (whole, name: string | undefined) => {
      if (name === undefined) throw this.error("'&' that does not start a reference", at)
      if (name.startsWith('#')) {
        const code = /^#[0-9]{1,7}$/.test(name)
          ? Number(name.slice(1))
          : /^#x[0-9A-Fa-f]{1,6}$/.test(name)
            ? parseInt(name.slice(2), 16)
            : -1
        const valid =
          code === 0x9 ||
          code === 0xa ||
          code === 0xd ||
          (code >= 0x20 && code <= 0xd7ff) ||
          (code >= 0xe000 && code <= 0xfffd) ||
          (code >= 0x10000 && code <= 0x10ffff)
        if (!valid) throw this.error(`the character reference ${whole.slice(0, 16)} is not an XML character`, at)
        return String.fromCodePoint(code)
      }
      const value = PREDEFINED[name]
      if (value === undefined) throw this.error(`undefined entity: ${name.slice(0, 40)}`, at)
      return value
    })
  }

  /** The markup at `lt`: where it ends, or -1 when it is cut by the end of the buffer (not final). */
  private markup(buffer: string, lt: number, final: boolean): number {
    const second = buffer.charCodeAt(lt + 1)
    if (second === 0x2f /* / */) return this.endTag(buffer, lt, final)
    if (second === 0x3f /* ? */) return this.processingInstruction(buffer, lt, final)
    if (second === 0x21 /* ! */) return this.declaration(buffer, lt, final)
    if (Number.isNaN(second)) return this.incomplete(lt, final, '')
    return this.startTag(buffer, lt, final)
  }

  private incomplete(lt: number, final: boolean, awaiting: string, ltEnds = false): number {
    if (final) throw this.error('the document ends inside markup', lt)
    this.awaiting = awaiting
    this.ltEnds = ltEnds
    return -1
  }

  private name(name: string, at: number): void {
    if (!ASCII_NAME.test(name) && !NAME.test(name)) throw this.error(`${JSON.stringify(name.slice(0, 40))} is not an XML name`, at)
  }

  private startTag(buffer: string, lt: number, final: boolean): number {
    // Most tags are a bare name: `<name>` or `<name/>`, told by an ASCII name up to the '>'.
    const gt = buffer.indexOf('>', lt + 1)
    if (gt !== -1) {
      const selfClosing = buffer.charCodeAt(gt - 1) === 0x2f /* / */
      const name = buffer.slice(lt + 1, selfClosing ? gt - 1 : gt)
      if (ASCII_NAME.test(name)) {
        this.element(name, NO_ATTRIBUTES, selfClosing, lt)
        return gt + 1
      }
    }
    START_TAG.lastIndex = lt
    const match = START_TAG.exec(buffer)
    if (match === null) {
      // A whole tag holds no '<' after its first: one more, or a tag too long, means this one is malformed.
      const next = buffer.indexOf('<', lt + 1)
      if (next !== -1 || final || buffer.length - lt > MAX_TAG) throw this.error('a malformed start tag', lt)
      return this.incomplete(lt, final, '>', true)
    }
    if (match[0].length > MAX_TAG) throw this.error(`a start tag longer than ${MAX_TAG} characters`, lt)
    const name = match[1]!
    this.name(name, lt)
    const attributes: Record<string, string> = {}
    const list = match[2]!
    if (list !== '') {
      ATTRIBUTE.lastIndex = 0
      for (let attribute = ATTRIBUTE.exec(list); attribute !== null; attribute = ATTRIBUTE.exec(list)) {
        const attributeName = attribute[1]!
        this.name(attributeName, lt)
        if (Object.hasOwn(attributes, attributeName)) throw this.error(`the attribute ${attributeName} is given twice`, lt)
        let value = attribute[2] ?? attribute[3]!
        if (ATTRIBUTE_WHITESPACE.test(value)) value = value.replace(ATTRIBUTE_WHITESPACE_ALL, ' ')
        if (value.includes('&')) value = this.references(value, lt)
        attributes[attributeName] = value
      }
    }
    this.element(name, attributes, match[3] === '/', lt)
    return START_TAG.lastIndex
  }

  /** A start tag read whole, at `lt`. */
  private element(name: string, attributes: Record<string, string>, selfClosing: boolean, lt: number): void {
    this.at = lt
    if (this.open.length === 0) {
      if (this.sawRoot) throw this.error('a second root element', lt)
      this.sawRoot = true
    }
    this.started = true
    this.open.push(name)
    this.handlers.open(name, attributes)
    if (selfClosing) {
      this.open.pop()
      this.handlers.close(name)
    }
  }

  private endTag(buffer: string, lt: number, final: boolean): number {
    const gt = buffer.indexOf('>', lt + 2)
    if (gt === -1) {
      if (buffer.length - lt > MAX_TAG) throw this.error('a malformed end tag', lt)
      return this.incomplete(lt, final, '>', true)
    }
    const name = buffer.slice(lt + 2, gt).trimEnd()
    const expected = this.open.at(-1)
    if (expected === undefined || name !== expected) {
      throw this.error(
        expected === undefined ? `an end tag ${name.slice(0, 40)} without a start` : `${expected} is closed by ${name.slice(0, 40)}`,
        lt,
      )
    }
    if (gt > lt + 2 + name.length && NOT_WHITESPACE.test(buffer.slice(lt + 2 + name.length, gt)))
      throw this.error('a malformed end tag', lt)
    this.open.pop()
    this.at = lt
    this.handlers.close(name)
    return gt + 1
  }

  private processingInstruction(buffer: string, lt: number, final: boolean): number {
    const end = buffer.indexOf('?>', lt + 2)
    if (end === -1) return this.incomplete(lt, final, '?>')
    const body = buffer.slice(lt + 2, end)
    const target = PI_TARGET.exec(body)![0]
    if (target.toLowerCase() === 'xml') {
      if (this.started || lt !== 0 || this.lines !== 0 || this.column !== 0 || !XML_DECLARATION.test(buffer.slice(lt, end + 2))) {
        throw this.error('a malformed XML declaration, or one not at the very start', lt)
      }
    } else {
      this.name(target, lt)
      if (target.length < body.length && !STARTS_WITH_WHITESPACE.test(body.slice(target.length)))
        throw this.error('a malformed processing instruction', lt)
    }
    this.started = true
    return end + 2
  }

  private declaration(buffer: string, lt: number, final: boolean): number {
    const head = buffer.slice(lt, lt + 9)
    if (head.startsWith('<!--')) {
      const end = buffer.indexOf('-->', lt + 4)
      if (end === -1) return this.incomplete(lt, final, '-->')
      const body = buffer.slice(lt + 4, end)
      if (body.includes('--') || body.endsWith('-')) throw this.error("'--' inside a comment", lt)
      this.started = true
      return end + 3
    }
    if (head === '<![CDATA[') {
      if (this.open.length === 0) throw this.error('a CDATA section outside the root element', lt)
      const end = buffer.indexOf(']]>', lt + 9)
      if (end === -1) return this.incomplete(lt, final, ']]>')
      const text = buffer.slice(lt + 9, end)
      this.handlers.text(text.includes('\r') ? text.replace(LINE_ENDS, '\n') : text)
      return end + 3
    }
    if (head.startsWith('<!DOCTYPE')) {
      this.handlers.doctype()
      throw this.error('a DOCTYPE', lt)
    }
    // Too short to tell yet?
    if (!final && buffer.length - lt < 9 && ('<!--'.startsWith(head) || '<![CDATA['.startsWith(head) || '<!DOCTYPE'.startsWith(head))) {
      return this.incomplete(lt, final, '')
    }
    throw this.error('a malformed declaration', lt)
  }
}
