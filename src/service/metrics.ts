/**
 * The service's Prometheus metrics (prom-client, on a registry of its own so that two services in one
 * process never share counters): requests by route and status, their latency, verifications by
 * outcome, and store errors. Labels are route templates and fixed words, never token ids, so the
 * number of series stays small whatever the traffic.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface Metrics {
  readonly registry: Registry
  /** One answered HTTP request. */
  request(method: string, route: string, status: number, seconds: number): void
  /** `count` verifications with `outcome`: 'ok', 'INVALID', 'REPLAYED', 'LOCKED' or an error code. */
  verified(outcome: string, count?: number): void
  /** A store error (STORE_UNAVAILABLE, STORE_CONFLICT) seen while serving. */
  storeError(code: string): void
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'otp_' })
  const requests = new Counter({
    name: 'otp_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'otp_http_request_duration_seconds',
    help: 'Time from a request to its answer, by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  })
  const verifications = new Counter({
    name: 'otp_verifications_total',
    help: "Codes verified, by outcome: ok, INVALID, REPLAYED, LOCKED, or the error's code",
    labelNames: ['outcome'] as const,
    registers: [registry],
  })
  const storeErrors = new Counter({
    name: 'otp_store_errors_total',
    help: 'Token store errors met while serving, by code',
    labelNames: ['code'] as const,
    registers: [registry],
  })
  return {
    registry,
    request(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) })
      latency.observe({ method, route }, seconds)
    },
    verified(outcome, count = 1) {
      verifications.inc({ outcome }, count)
    },
    storeError(code) {
      storeErrors.inc({ code })
    },
  }
}
