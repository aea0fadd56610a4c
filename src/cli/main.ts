// calaim-fhir <command> [arguments]: the command table; each command lives in its own module.
import { eligibilityCommand, ELIGIBILITY_USAGE } from './eligibility.js';
import { CliError, processIo, type CliIo } from './io.js';

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  eligibility: { run: eligibilityCommand, usage: ELIGIBILITY_USAGE },
};

const USAGE = `usage: calaim-fhir <command> [arguments]\n\ncommands:\n${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.split('\n')[0]}`)
  .join('\n')}\n`;

/** Returns the exit code. */
export async function main(args: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h') {
    io.out(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`calaim-fhir: unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    io.err(`calaim-fhir ${name}: ${err.message}\n`);
    return err.code;
  }
}
