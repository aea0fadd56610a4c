// Where the command line writes: stdout for results, stderr for progress and errors (injectable for tests).

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Progress bars only on a terminal. */
  errIsTty: boolean;
}

// Output piped into `head` and the like: stop quietly when the reader goes away.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTty: Boolean(process.stderr.isTTY),
};

/** Thrown for bad arguments or input: the message is printed and the command exits with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 2,
  ) {
    super(message);
  }
}
