// CPU accounting per phase from /proc (Linux): the server process, the benchmark process, our PostgreSQL backends, and everything else.
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

export interface CpuSnapshot {
  at: number;
  /** CPU time in ms per process group. */
  server: number;
  bench: number;
  /** Per backend pid, so a backend that closes during the run cannot turn the sum negative. */
  postgres: Map<number, number>;
  /** All CPUs' busy time (every process on the machine), in ms. */
  machine: number;
}

export interface CpuUse {
  /** Average cores busy per group over the phase. */
  serverCores: number;
  benchCores: number;
  postgresCores: number;
  /** Cores busy with processes outside this benchmark (other work on the machine distorts the figures). */
  otherCores: number;
}

function processMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
  } catch {
    return 0;
  }
}

function machineMs(): number {
  try {
    const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = cpu.split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) * TICK_MS;
  } catch {
    return 0;
  }
}

export function snapshot(serverPid: number | undefined, postgresPids: number[]): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    server: serverPid === undefined ? 0 : processMs(serverPid),
    bench: (usage.user + usage.system) / 1000,
    postgres: new Map(postgresPids.map((pid) => [pid, processMs(pid)])),
    machine: machineMs(),
  };
}

export function cpuUse(before: CpuSnapshot, after: CpuSnapshot, serverInBench: boolean): CpuUse {
  const wall = after.at - before.at;
  const server = serverInBench ? 0 : after.server - before.server;
  const bench = after.bench - before.bench;
  let postgres = 0;
  for (const [pid, ms] of after.postgres) if (ms > 0) postgres += ms - (before.postgres.get(pid) ?? 0);
  const other = Math.max(0, after.machine - before.machine - server - bench - postgres);
  return { serverCores: server / wall, benchCores: bench / wall, postgresCores: postgres / wall, otherCores: other / wall };
}
