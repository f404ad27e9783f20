/**
 * What the calling thread and the pool's workers say to each other: one task per shard of a batch
 * or per counter range of a resync scan, and one answer each.
 */
import type { ResyncScan } from '../core/otp.js'
import type { BackendChoice } from '../kernels/select.js'
import type { ShardShape } from './shard.js'

/** What every worker is started with. */
export interface WorkerData {
  /** The kernel the calling thread runs, so that every thread computes with the same one. */
  readonly backend: BackendChoice
}

/** Counters a worker scans per kernel call at most, between two looks at the cutoff (pieces are sized by time below it). */
export const COUNTERS_PER_CALL = 1 << 18

/**
 * Every task carries its call's cutoff: one Int32 in a SharedArrayBuffer. A task whose index is
 * above the cutoff stops at its next look. It starts at NO_CUTOFF; an abort lowers it to -1, and a
 * scan that matches in range r lowers it to r, so that only the ranges after r stop.
 */
export const NO_CUTOFF = 0x7fff_ffff

/** A fresh cutoff for one call. */
export function newCutoff(): Int32Array {
  const cutoff = new Int32Array(new SharedArrayBuffer(4))
  cutoff[0] = NO_CUTOFF
  return cutoff
}

/** Lowers the cutoff to `index`, unless it is lower already (another thread may lower it at once). */
export function lowerCutoff(cutoff: Int32Array, index: number): void {
  for (let seen = Atomics.load(cutoff, 0); seen > index;) {
    const was = Atomics.compareExchange(cutoff, 0, seen, index)
    if (was === seen) return
    seen = was
  }
}

/** Whether the task at `index` is past the cutoff: its result is no longer wanted. */
export function isCut(cutoff: Int32Array, index: number): boolean {
  return index > Atomics.load(cutoff, 0)
}

interface TaskBase {
  /** This task's place in its call, compared with the cutoff. */
  readonly index: number
  readonly cutoff: Int32Array
  /** Test hook (internal): the worker exits part-way through this task, as a crashed thread would. */
  readonly crash?: boolean
}

/** Verify or generate the rows of one shard (src/pool/shard.ts), moved here in `buffer`. */
export interface RowsTask extends TaskBase {
  readonly kind: 'verify' | 'generate'
  readonly shape: ShardShape
  readonly buffer: ArrayBuffer
}

/** Scan `count` counters from (hi, lo) for the first position of `codes`: one range of a resync. */
export interface ScanTask extends TaskBase, ResyncScan {
  readonly kind: 'scan'
}

export type Task = RowsTask | ScanTask

/** A task that saw the cutoff pass it and stopped early: its result is not wanted. */
export interface Stopped {
  readonly stopped: true
}

/**
 * The shard's own buffer, moved back with the results in its first column and its keys wiped.
 * (Piscina moves only a task's whole result, so it is the bare buffer.)
 */
export type RowsAnswer = ArrayBuffer

/** The offset of the first match in the range, or -1. */
export interface ScanAnswer {
  readonly offset: number
}

export type Answer = RowsAnswer | ScanAnswer | Stopped
