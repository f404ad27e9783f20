/** The OtpError a call throws; the test fails when it throws nothing, or something else. */
import { expect } from 'vitest'
import { OtpError } from '../../src/core/errors.js'

export function otpErrorOf(run: () => unknown): OtpError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(OtpError)
    return error as OtpError
  }
  throw new Error('expected an OtpError, and nothing was thrown')
}
