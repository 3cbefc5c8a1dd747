import fc from 'fast-check';

/**
 * fast-check run options: a modest number of runs, and a seed printed before the run (fast-check
 * prints it again, with the shrunk counterexample, on failure). `FC_SEED=<n>` replays a run.
 */
export function propertyRuns(name: string, numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`${name}: fast-check seed ${seed} (replay with FC_SEED=${seed}), ${numRuns} runs`);
  return { seed, numRuns, endOnFailure: false };
}

/** Strings as users and attackers type them: any Unicode, lone surrogates, controls, long runs. */
export const anyText = (maxLength = 200): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ maxLength }),
    fc.constantFrom('', ' ', '\u0000', '\uD800', '\uDFFF\uD800', '%%', '{{contactKey}}', '%%=v(@x)=%%', '<script>alert(1)</script>', "' OR 1=1 --", '__proto__', 'constructor'),
    fc.integer({ min: 0, max: 20_000 }).map((n) => 'x'.repeat(n)),
  );

/** Any JSON value, with the text above in its strings. */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 }).chain((v) => fc.oneof(fc.constant(v), anyText()));

/** An object whose keys are mostly `known` (so validation gets past the first field) and whose values are anything. */
export function looseObject(known: readonly string[], values: fc.Arbitrary<unknown> = anyJson): fc.Arbitrary<Record<string, unknown>> {
  const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: anyText(20) });
  return fc.dictionary(key, values, { maxKeys: known.length + 2 });
}
