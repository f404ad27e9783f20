/**
 * PSKC files written by an independent implementation, python-pskc (Debian python3-pskc), for the
 * round trips of test/io-pskc.test.ts. `hasPythonPskc` says whether /usr/bin/python3 has it; the
 * committed files under test/vectors/pskc/python-pskc-*.pskcxml were written by `writePythonPskc`
 * with the tokens and keys of PYTHON_PSKC_FIXTURE (see test/vectors/pskc/README.md).
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const PYTHON = '/usr/bin/python3'

export const hasPythonPskc: boolean = (() => {
  if (!existsSync(PYTHON)) return false
  try {
    execFileSync(PYTHON, ['-c', 'import pskc'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

export interface PythonToken {
  id: string
  type: 'hotp' | 'totp'
  secretHex: string
  algorithm: 'SHA1' | 'SHA256' | 'SHA512'
  digits: number
  counter?: number
  period?: number
  drift?: number
  serial?: string
  manufacturer?: string
  issuer?: string
  account?: string
}

export type PythonProtection =
  { kind: 'plain' } | { kind: 'password'; password: string; iterations: number } | { kind: 'key'; keyHex: string }

/** The tokens and keys of the committed python-pskc fixtures. */
export const PYTHON_PSKC_FIXTURE = {
  tokens: [
    {
      id: 'h1',
      type: 'hotp',
      secretHex: '3132333435363738393031323334353637383930',
      algorithm: 'SHA1',
      digits: 6,
      counter: 7,
      serial: 'SN-0001',
      manufacturer: 'Acme',
      issuer: 'Example',
      account: 'alice@example.com',
    },
    {
      id: 't1',
      type: 'totp',
      secretHex: '3132333435363738393031323334353637383930313233343536373839303132',
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
      drift: -3,
      serial: 'SN-0002',
      issuer: 'Example',
      account: 'bob',
    },
    {
      id: 't2',
      type: 'totp',
      secretHex:
        '31323334353637383930313233343536373839303132333435363738393031323334353637383930313233343536373839303132333435363738393031323334',
      algorithm: 'SHA512',
      digits: 10,
      period: 30,
    },
  ] satisfies PythonToken[],
  password: 'correct horse battery staple',
  iterations: 12_000,
  keyHex: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
}

const PROGRAM = String.raw`
import binascii, json, sys
import pskc
spec = json.load(sys.stdin)
p = pskc.PSKC()
for t in spec['tokens']:
    args = dict(id=t['id'], secret=binascii.unhexlify(t['secretHex']),
                algorithm='urn:ietf:params:xml:ns:keyprov:pskc:' + t['type'],
                response_length=t['digits'], response_encoding='DECIMAL',
                algorithm_suite='HMAC-' + t['algorithm'])
    for ours, theirs in (('counter', 'counter'), ('period', 'time_interval'), ('drift', 'time_drift'),
                         ('serial', 'serial'), ('manufacturer', 'manufacturer'), ('issuer', 'issuer'),
                         ('account', 'key_userid')):
        if t.get(ours) is not None:
            args[theirs] = t[ours]
    p.add_key(**args)
# python-pskc cannot encrypt a negative drift, so TimeDrift stays plain
fields = ['secret', 'counter', 'time_interval']
protection = spec['protection']
if protection['kind'] == 'password':
    p.encryption.setup_pbkdf2(protection['password'], iterations=protection['iterations'], fields=fields)
elif protection['kind'] == 'key':
    key = binascii.unhexlify(protection['keyHex'])
    p.encryption.setup_preshared_key(key=key, key_name='Pre-shared-key', algorithm='aes%d-cbc' % (len(key) * 8), fields=fields)
p.write(sys.stdout)
`

/** A PSKC file that python-pskc writes for these tokens (encrypting secret, counter and interval). */
export function writePythonPskc(tokens: PythonToken[], protection: PythonProtection): string {
  return execFileSync(PYTHON, ['-c', PROGRAM], { input: JSON.stringify({ tokens, protection }), encoding: 'utf8' })
}

/** What python-pskc reads from a PSKC file: each key's fields, the secret in hex. */
export function readWithPythonPskc(xml: string, protection: PythonProtection): Array<Record<string, unknown>> {
  const program = String.raw`
import binascii, json, sys, io
import pskc
spec = json.loads(sys.argv[1])
p = pskc.PSKC(io.BytesIO(sys.stdin.buffer.read()))
if spec['kind'] == 'password':
    p.encryption.derive_key(spec['password'])
elif spec['kind'] == 'key':
    p.encryption.key = binascii.unhexlify(spec['keyHex'])
out = []
for k in p.keys:
    out.append(dict(id=k.id, algorithm=k.algorithm, secretHex=binascii.hexlify(k.secret).decode(),
                    digits=k.response_length, suite=k.algorithm_suite, counter=k.counter,
                    period=k.time_interval, drift=k.time_drift, serial=k.serial,
                    manufacturer=k.manufacturer, issuer=k.issuer, account=k.key_userid))
print(json.dumps(out))
`
  return JSON.parse(execFileSync(PYTHON, ['-c', program, JSON.stringify(protection)], { input: xml, encoding: 'utf8' })) as Array<
    Record<string, unknown>
  >
}
