/**
 * The XML scanner of PSKC files against saxes, a well-tried strict XML parser: on documents made of
 * random pieces of markup, well-formed and not, fed in random pieces, both accept the same documents
 * and report the same elements, attributes and text.
 */
import fc from 'fast-check'
import { SaxesParser } from 'saxes'
import { describe, expect, it } from 'vitest'
import { XmlScanner } from '../src/io/pskc/xml-scan.js'

type Outcome = { ok: true; events: string[] } | { ok: false }

/**
 * Events as one list: text runs joined, so that how each parser cuts its text does not matter, and
 * the whitespace around the root element left out (saxes reports it, the scanner does not).
 */
function collector() {
  const events: string[] = []
  let text = ''
  let depth = 0
  const flush = () => {
    if (text !== '') events.push(`text ${JSON.stringify(text)}`)
    text = ''
  }
  return {
    events,
    open(name: string, attributes: Record<string, string>) {
      flush()
      depth++
      events.push(`open ${name} ${JSON.stringify(Object.entries(attributes).sort())}`)
    },
    text(piece: string) {
      if (depth > 0) text += piece
    },
    close(name: string) {
      flush()
      depth--
      events.push(`close ${name}`)
    },
  }
}

function bySaxes(pieces: string[]): Outcome {
  const events = collector()
  const parser = new SaxesParser()
  parser.on('opentag', (tag) => events.open(tag.name, tag.attributes as Record<string, string>))
  parser.on('text', (text) => events.text(text))
  parser.on('cdata', (text) => events.text(text))
  parser.on('closetag', (tag) => events.close(tag.name))
  parser.on('doctype', () => {
    throw new Error('doctype')
  })
  try {
    for (const piece of pieces) parser.write(piece)
    parser.close()
    return { ok: true, events: events.events }
  } catch {
    return { ok: false }
  }
}

function byScanner(pieces: string[]): Outcome {
  const events = collector()
  const scanner = new XmlScanner(
    {
      open: (name, attributes) => events.open(name, attributes),
      text: (text) => events.text(text),
      close: (name) => events.close(name),
      doctype() {
        throw new Error('doctype')
      },
    },
    (reason) => new Error(reason),
  )
  try {
    for (const piece of pieces) scanner.write(piece)
    scanner.end()
    return { ok: true, events: events.events }
  } catch {
    return { ok: false }
  }
}

/** Cuts `text` at the given places. */
function cut(text: string, at: number[]): string[] {
  const places = [...new Set(at.map((n) => n % (text.length + 1)))].sort((a, b) => a - b)
  const pieces: string[] = []
  let from = 0
  for (const place of places) {
    pieces.push(text.slice(from, place))
    from = place
  }
  pieces.push(text.slice(from))
  return pieces
}

const name = fc.constantFrom('a', 'b', 'pskc:Key', 'x-1', '_y.z', 'é', '1a', 'a b', ':', 'xml', 'aé·', '-a')
const value = fc.constantFrom(
  'v',
  '',
  'a&amp;b',
  '&lt;&#65;&#x42;',
  '&bogus;',
  '&#0;',
  '&',
  '<',
  'a\tb\nc\r\nd',
  '"',
  "'",
  '>',
  '&#x1F642;',
)
const text = fc.constantFrom(
  'hello',
  ' ',
  '\n  ',
  '&amp;&lt;&gt;&quot;&apos;',
  '&#x41;&#66;',
  '&#xD800;',
  '&nope;',
  'a & b',
  ']]>',
  ']]',
  'x]y',
  '\r\n',
  '\r',
  'é🙂',
  '\u0001',
  '\uFFFE',
  '\t',
  '>',
)
const attribute = fc
  .tuple(name, fc.constantFrom('"', "'"), value, fc.constantFrom(' ', '\n', '', '  '))
  .map(([n, q, v, space]) => `${space}${n}=${q}${v}${q}`)
const markup: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(name, fc.array(attribute, { maxLength: 3 }), fc.constantFrom('>', '/>', ' >', ' />'))
    .map(([n, a, end]) => `<${n}${a.join('')}${end}`),
  fc.tuple(name, fc.constantFrom('>', ' >', '\n>', ' x>')).map(([n, end]) => `</${n}${end}`),
  text,
  fc.constantFrom(
    '<!-- c -->',
    '<!-- a--b -->',
    '<!--->',
    '<!-- x --->',
    '<![CDATA[ <a> & ]]>',
    '<![CDATA[x]]]>',
    '<?pi data?>',
    '<?pi?>',
    '<?xml version="1.0"?>',
    '<?XML version="1.0"?>',
    '<!DOCTYPE a>',
    '<!ELEMENT a>',
    '<',
    '< a>',
    '<a',
    '<a b>',
    '<a b="1" b="2">',
    '<a b="1"c="2">',
  ),
)

/** A document: maybe a declaration, then a root element around random markup, or random markup alone. */
const document = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        '',
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '\uFEFF<?xml version="1.0"?>',
        ' <?xml version="1.0"?>',
        '<!-- lead -->',
      ),
      name,
      fc.array(markup, { maxLength: 12 }),
      fc.constantFrom('', '\n', '<!-- tail -->', '<?pi?>', 'text', '<b/>'),
    )
    .map(([head, root, body, tail]) => `${head}<${root}>${body.join('')}</${root}>${tail}`),
  fc.array(markup, { maxLength: 12 }).map((parts) => parts.join('')),
)

describe('XmlScanner', () => {
  it('accepts what saxes accepts, refuses what it refuses, and reports the same events, however the document is cut', () => {
    fc.assert(
      fc.property(document, fc.array(fc.nat(400), { maxLength: 6 }), (xml, places) => {
        const expected = bySaxes([xml])
        expect(byScanner([xml])).toEqual(expected)
        expect(byScanner(cut(xml, places))).toEqual(expected)
        expect(byScanner(xml.split(''))).toEqual(expected)
      }),
      { numRuns: 4000 },
    )
  })

  it('reads a well-formed document of every construct', () => {
    const xml =
      '\uFEFF<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<!-- c --><?pi x?>' +
      '<r a="1 &amp; &#x32;" b=\'x\ty\'>t&lt;&#233;<![CDATA[<raw>]]><e/><f g="h"></f ></r>\n'
    expect(byScanner([xml])).toEqual(bySaxes([xml]))
    expect(byScanner([xml])).toEqual({
      ok: true,
      events: ['open r [["a","1 & 2"],["b","x y"]]', 'text "t<é<raw>"', 'open e []', 'close e', 'open f [["g","h"]]', 'close f', 'close r'],
    })
  })

  it('refuses a lone surrogate, which saxes lets through, and reads a pair cut between two pieces', () => {
    for (const lone of ['\ud83d', '\ude42', '\ude42\ud83d']) {
      expect(byScanner([`<a>${lone}</a>`]).ok).toBe(false)
      expect(byScanner(['<a>', lone, '</a>']).ok).toBe(false)
    }
    expect(byScanner(['<a>\ud83d', '</a>']).ok).toBe(false)
    expect(byScanner(['<a>\ud83d']).ok).toBe(false)
    expect(byScanner(['<a x="\ud83d', '\ude42">\ud83d', '\ude42</a>'])).toEqual({
      ok: true,
      events: ['open a [["x","\u{1f642}"]]', 'text "\u{1f642}"', 'close a'],
    })
  })

  it('stays linear on long constructs fed a character at a time, whatever they hold', () => {
    const quiet = { open() {}, text() {}, close() {}, doctype() {} }
    const fail = (reason: string) => new Error(reason)
    // Each case: its opening, the character repeated 200,000 times, its closing. Quadratic work
    // (the whole construct searched again for each piece) would not finish within the test's time.
    const cases: Array<[string, string, string]> = [
      ['<r><!--', '>', '--></r>'],
      ['<r><?pi ', '>', '?></r>'],
      ['<r><![CDATA[', '>', ']]></r>'],
      ['<r>', ']', '</r>'],
      ['<r>&amp', 'x', ';</r>'],
      ['<r>', 'x', '</r>'],
    ]
    for (const [open, repeated, close] of cases) {
      let texts = 0
      const scanner = new XmlScanner({ ...quiet, text: () => void texts++ }, fail)
      scanner.write(open)
      for (let i = 0; i < 200_000; i++) scanner.write(repeated)
      // The reference is not whole: an error, once it is read whole.
      if (repeated === 'x' && open.endsWith('&amp')) expect(() => (scanner.write(close), scanner.end())).toThrow(/undefined entity/)
      else {
        scanner.write(close)
        scanner.end()
      }
    }
  })
})
