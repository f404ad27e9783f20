/**
 * What the routes share: the verifier, the metrics and the limits, handed to each route plugin by
 * app.ts (a file of its own, so that the routes and the app that registers them import no circle).
 */
import type { Verifier } from '../verifier/index.js'
import type { Metrics } from './metrics.js'

/** What the routes share. */
export interface RouteContext {
  readonly verifier: Verifier
  readonly metrics: Metrics
  readonly importBodyLimit: number
  readonly batchChunk: number
  readonly batchLineLimit: number
  /** Whether shutdown has begun (readiness fails, new requests get 503). */
  closing(): boolean
}
