// One row of benchmark figures, from autocannon results or from our own latency samples.
import type { Result } from 'autocannon';
import type { CpuUse } from './cpu.js';

export interface Figures {
  requests: number;
  seconds: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Cores busy during the measured run, per process group (Linux only). */
  cpu?: CpuUse;
}

export function summarize(latenciesMs: number[], seconds: number, errors: number): Figures {
  const sorted = Float64Array.from(latenciesMs).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
  return { requests: sorted.length, seconds, reqPerSec: sorted.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), errors };
}

export function fromAutocannon(result: Result): Figures {
  const ok = result['2xx'];
  return {
    requests: ok,
    seconds: result.duration,
    reqPerSec: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}
