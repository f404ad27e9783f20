/**
 * OCRA (RFC 6287) for the entries: the API bound to a kernel chosen at each call, so that an entry
 * whose kernel changes (the browser's, once WASM has loaded) answers on the current one.
 */
import type { Kernel } from '../kernel.js'
import { ocraApi, type OcraApi } from './ocra.js'

export { ocraApi, ocraCode, MAX_OCRA_CANDIDATES, type OcraApi, type MutualOcraInput, type VerifyMutualOcraInput } from './ocra.js'
export { ocraChallenge } from './challenge.js'
export { parseOcraSuite, type OcraLayout, type OcraSuite, type QuestionFormat } from './suite.js'
export type { OcraInput, VerifyOcraInput } from './message.js'

/** The OCRA functions over `kernel()`, rebound when it returns another kernel. */
export function ocraOver(kernel: () => Kernel): OcraApi {
  let bound: Kernel | undefined
  let api: OcraApi | undefined
  const current = (): OcraApi => {
    const k = kernel()
    if (k !== bound) {
      bound = k
      api = ocraApi(k)
    }
    return api!
  }
  return {
    ocra: (suite, secret, input) => current().ocra(suite, secret, input),
    verifyOcra: (suite, secret, code, input) => current().verifyOcra(suite, secret, code, input),
    ocraServerResponse: (suite, secret, input) => current().ocraServerResponse(suite, secret, input),
    ocraClientResponse: (suite, secret, input) => current().ocraClientResponse(suite, secret, input),
    verifyOcraServerResponse: (suite, secret, code, input) => current().verifyOcraServerResponse(suite, secret, code, input),
    verifyOcraClientResponse: (suite, secret, code, input) => current().verifyOcraClientResponse(suite, secret, code, input),
  }
}
