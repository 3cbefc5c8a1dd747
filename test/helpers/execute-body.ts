import { fillExample, loadExample } from '../../src/sandbox/journey-builder.ts';

export type ExecuteBody = Record<string, unknown> & { inArguments: Record<string, unknown>[] };

const smsTemplate = loadExample('sms');

/** The SMS example execute body (examples/execute/sms.json) for one contact. */
export function smsExecuteBody(contactKey: string, phone: string): ExecuteBody {
  return fillExample(smsTemplate, { contactKey, phone }) as ExecuteBody;
}

const isPhone = (name: string) => name === 'phone' || name.startsWith('phone.');

/**
 * A copy of `body` with changed inArguments: `set` replaces an argument in place (or appends it),
 * `remove` drops arguments, `phones` replaces every phone argument, in order, where the first was.
 */
export function withArguments(
  body: ExecuteBody,
  change: { set?: Record<string, unknown>; remove?: string[]; phones?: Record<string, unknown>[] },
): ExecuteBody {
  let args = body.inArguments.map((entry) => ({ ...entry }));
  for (const [name, value] of Object.entries(change.set ?? {})) {
    const entry = args.find((e) => name in e);
    if (entry) entry[name] = value;
    else args.push({ [name]: value });
  }
  args = args.filter((e) => !Object.keys(e).some((k) => change.remove?.includes(k)));
  if (change.phones) {
    const at = args.findIndex((e) => Object.keys(e).some(isPhone));
    args = args.filter((e) => !Object.keys(e).some(isPhone));
    args.splice(at < 0 ? args.length : at, 0, ...change.phones);
  }
  return { ...body, inArguments: args };
}

/** A copy of `body` with top-level fields changed; an `undefined` value removes the field. */
export function withFields(body: ExecuteBody, fields: Record<string, unknown>): ExecuteBody {
  const copy: Record<string, unknown> = { ...body, ...fields };
  for (const [k, v] of Object.entries(fields)) if (v === undefined) delete copy[k];
  return copy as ExecuteBody;
}
