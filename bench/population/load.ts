// Loads a generated population through the server's own write pipeline (validation, hooks, index extraction) in-process.
//
// It writes as the system, like the server's demo-data load. The referral workflow still applies to a new Task
// (created as draft or requested, server-kept elements added), so a Task generated in a later status is created as
// requested and then moved to its status by a second, system write: two versions, as a real history would have.
import type { Resource, Task } from '@medplum/fhirtypes';
import { systemContext } from '../../src/context.js';
import type { Repository } from '../../src/storage/repository.js';
import { populationBatches, type PopulationSpec } from './generate.js';

export interface LoadOptions {
  /** The write pipeline as src/server.ts wires it (RunningServer.repo). */
  repo: Repository;
  spec: PopulationSpec;
  /** Resources per database transaction (whole members, so a Task's ServiceRequest is in its transaction). */
  batchSize?: number;
  /** Transactions in flight at once (each holds a pool connection). */
  concurrency?: number;
  /** Called after each committed transaction with the running total. */
  onProgress?: (loaded: number) => void;
}

export interface LoadResult {
  resources: number;
  /** Writes, including the second version of Tasks past requested. */
  writes: number;
  seconds: number;
  perSecond: number;
}

const CREATED_AS = new Set<Task['status']>(['draft', 'requested']);

export async function loadPopulation(options: LoadOptions): Promise<LoadResult> {
  const { repo, spec, batchSize = 250, concurrency = 4, onProgress } = options;
  const ctx = systemContext('bench-load');
  const started = performance.now();
  let loaded = 0;
  let writes = 0;
  const write = async (batch: Resource[]) => {
    await repo.transaction(ctx, async (tx) => {
      for (const resource of batch) {
        // The generator's ids are kept (as a PUT would), so the benchmark can compose queries without reading ids back.
        const options = { id: resource.id, method: 'PUT' as const };
        const task = resource.resourceType === 'Task' ? (resource as Task) : undefined;
        if (!task || CREATED_AS.has(task.status)) {
          await tx.create(ctx, resource, options);
          writes++;
          continue;
        }
        const { statusReason: _reason, businessStatus: _business, ...opening } = task;
        const created = await tx.create(ctx, { ...opening, status: 'requested', lastModified: task.authoredOn }, options);
        await tx.update(ctx, { ...task, extension: created.extension, restriction: created.restriction });
        writes += 2;
      }
    });
    loaded += batch.length;
    onProgress?.(loaded);
  };
  const batches = populationBatches(spec, batchSize);
  // Organizations first and alone: every later batch refers to them.
  const first = batches.next();
  if (!first.done) await write(first.value);
  const worker = async () => {
    for (let next = batches.next(); !next.done; next = batches.next()) await write(next.value);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { resources: loaded, writes, seconds, perSecond: loaded / seconds };
}
