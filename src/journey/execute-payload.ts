import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ActivityArguments } from './activity-arguments.ts';

/** What Journey Builder sends to execute, once the JWT is verified (sfmc.md §1.4). */
const ExecutePayload = Type.Object({
  inArguments: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  activityId: Type.String({ minLength: 1 }),
  activityObjectID: Type.Optional(Type.String()),
  journeyId: Type.Optional(Type.String()),
  definitionInstanceId: Type.Optional(Type.String()),
  activityInstanceId: Type.Optional(Type.String()),
  keyValue: Type.String({ minLength: 1 }),
  mode: Type.Optional(Type.Number()),
});
export type ExecutePayload = Static<typeof ExecutePayload>;

const checkExecutePayload = TypeCompiler.Compile(ExecutePayload);

export type ParsedExecute = { ok: true; payload: ExecutePayload; args: ActivityArguments } | { ok: false; problem: string };

/**
 * Validates the payload and merges its inArguments (an array of one-key objects) in order:
 * the order of phone fields decides which one is used.
 */
export function parseExecutePayload(value: unknown): ParsedExecute {
  if (!checkExecutePayload.Check(value)) {
    const error = checkExecutePayload.Errors(value).First();
    const field = error?.path.replace(/^\//, '').replaceAll('/', '.') || 'body';
    return { ok: false, problem: `${field} ${error?.message.toLowerCase() ?? 'is invalid'}` };
  }
  return { ok: true, payload: value, args: ActivityArguments.fromInArguments(value.inArguments) };
}

/** Journey Builder's retries repeat these three values; a new contact or run changes one. */
export function executeIdentity(payload: ExecutePayload): string {
  return [payload.activityId, payload.activityInstanceId || payload.definitionInstanceId || '', payload.keyValue].join('\u0000');
}
