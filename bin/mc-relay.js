#!/usr/bin/env node
// Launcher for `npx mc-relay <command>`. The CLI is TypeScript; tsx (a runtime dependency) loads it
// in-process, so there is no build step. Its import resolves from this file, so any cwd works.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
// exitCode rather than process.exit(), so buffered stdout is flushed before the process ends.
process.exitCode = await main(process.argv.slice(2));
