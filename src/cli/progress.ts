// A progress bar on stderr while many members are evaluated (terminals only).
import type { CliIo } from './io.js';

const WIDTH = 30;
const EVERY_MS = 100;

export function progressBar(io: CliIo, total: number, label: string): { tick: () => void; done: () => void } {
  if (!io.errIsTty || total < 2) return { tick: () => undefined, done: () => undefined };
  let count = 0;
  let last = 0;
  const draw = () => {
    const filled = Math.round((count / total) * WIDTH);
    io.err(`\r  ${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${count}/${total}`);
  };
  return {
    tick: () => {
      count++;
      const now = Date.now();
      if (now - last >= EVERY_MS || count === total) {
        last = now;
        draw();
      }
    },
    done: () => io.err('\n'),
  };
}
