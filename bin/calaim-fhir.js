#!/usr/bin/env node
// The calaim-fhir command: runs the TypeScript entry point (src/cli/main.ts) through tsx, a runtime dependency.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
