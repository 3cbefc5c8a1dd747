import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { reportModes } from '../journey/report-modes.ts';
import { reportTypeKey } from '../journey/report-type-key.ts';

/**
 * Server modules the activity UIs run in the browser too, so the UI counts and checks exactly as
 * execute does (one implementation, no copy). Each is bundled once, on first request, into an ES
 * module with esbuild (already installed as tsx's compiler). Entry points are pure modules: no
 * Node built-ins.
 */
const ENTRIES: Record<string, string> = {
  'counters.js': fileURLToPath(new URL('./shared/counters.ts', import.meta.url)),
  'report-type-key.js': fileURLToPath(new URL('../journey/report-type-key.ts', import.meta.url)),
};

/**
 * Server lists the UIs offer, served as ES modules of JSON constants: the browser offers exactly
 * what execute accepts, and adding an entry to the server's list is the only edit. (Their modules
 * hold database lookups, so they are not bundled: only the data the page needs is written out.)
 */
const DATA: Record<string, () => Record<string, unknown>> = {
  // `keys`: every name a saved `reportType` may use for the mode, as report-type-key.js reads it.
  'report-modes.js': () => ({ reportModes: reportModes.map(({ id, label, help, aliases }) => ({ id, label, help, keys: [id, ...aliases].map(reportTypeKey) })) }),
};

const built = new Map<string, Promise<string>>();

/** The module's JavaScript, or undefined for a name that is not shared. */
export function browserModule(name: string): Promise<string> | undefined {
  const data = DATA[name];
  if (data) return Promise.resolve(dataModule(data()));
  const entry = ENTRIES[name];
  if (!entry) return undefined;
  let module = built.get(name);
  if (!module) {
    module = build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, minify: true }).then(
      (result) => result.outputFiles[0]!.text,
    );
    // A failed build is not cached: the next request tries again (and the error reaches the log).
    module.catch(() => built.delete(name));
    built.set(name, module);
  }
  return module;
}

function dataModule(exports: Record<string, unknown>): string {
  return Object.entries(exports).map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};\n`).join('');
}
