// Loads Infobip's published OpenAPI 3.1 documents (specs/infobip/, verbatim copies) and hands out
// Ajv validators for parts of them. The simulators validate against the documents themselves so
// that our idea of "a valid request" can never drift from Infobip's contract by hand-retyping.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export is typed as the module object.
const addFormats = addFormatsModule.default;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface OpenApiSpec {
  /** File name inside specs/infobip/. */
  readonly file: string;
  /** The $id the whole document is registered under in the shared Ajv instance. */
  readonly id: string;
  readonly doc: { [key: string]: Json };
}

/** Infobip's violation item shape (schema `ApiErrorViolation`). */
export interface Violation {
  property: string;
  violation: string;
}

const SPEC_BASE_ID = 'https://mc-relay.invalid/specs/infobip/';

// One Ajv instance for every loaded document: documents are added whole under their own $id and
// validators are compiled lazily from JSON pointers into them, so `#/components/...` refs resolve.
let sharedAjv: Ajv2020 | undefined;
const specs = new Map<string, OpenApiSpec>();
const validators = new Map<string, ValidateFunction>();

function ajv(): Ajv2020 {
  // strict: false because OpenAPI adds keywords JSON Schema does not know (discriminator, example,
  // x-*); allErrors so a 400 lists every violation at once, as Infobip's API does.
  sharedAjv ??= addFormats(new Ajv2020({ strict: false, allErrors: true }));
  return sharedAjv;
}

/** Loads (once) `specs/infobip/<file>` and registers it with the shared Ajv instance. */
export function loadInfobipSpec(file = 'infobip-sms-openapi.json'): OpenApiSpec {
  const cached = specs.get(file);
  if (cached) return cached;
  const url = new URL(`../../specs/infobip/${file}`, import.meta.url);
  const doc = JSON.parse(readFileSync(url, 'utf8')) as { [key: string]: Json };
  const spec: OpenApiSpec = { file, id: SPEC_BASE_ID + file, doc };
  acceptUnknownFormats(doc);
  ajv().addSchema(doc, spec.id);
  specs.set(file, spec);
  return spec;
}

// The documents use OpenAPI-only formats (e.g. "int32" variants, vendor formats). Ajv would log a
// warning per unknown format; registering them as "anything goes" documents that choice instead.
function acceptUnknownFormats(node: Json): void {
  if (Array.isArray(node)) return node.forEach(acceptUnknownFormats);
  if (node === null || typeof node !== 'object') return;
  const format = node['format'];
  if (typeof format === 'string' && !ajv().formats[format]) ajv().addFormat(format, true);
  for (const value of Object.values(node)) acceptUnknownFormats(value);
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Resolves a JSON pointer in the document, following a local `$ref` on each object reached. */
function resolve(spec: OpenApiSpec, pointer: string): { pointer: string; node: Json } {
  let node: Json = spec.doc;
  let at = '';
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !(key in node)) {
      throw new Error(`${spec.file}: nothing at ${at}/${raw}`);
    }
    node = node[key];
    at += '/' + raw;
    const ref = node !== null && typeof node === 'object' && !Array.isArray(node) ? node['$ref'] : undefined;
    if (typeof ref === 'string' && ref.startsWith('#/')) ({ pointer: at, node } = resolve(spec, ref.slice(1)));
  }
  return { pointer: at, node };
}

/** Compiled (and cached) validator for the schema at a JSON pointer of a loaded document. */
export function schemaValidator(spec: OpenApiSpec, pointer: string): ValidateFunction {
  const key = `${spec.id}#${pointer}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv().getSchema(key);
    if (!validate) throw new Error(`${spec.file}: no schema at ${pointer}`);
    validators.set(key, validate);
  }
  return validate;
}

function mediaSchemaPointer(spec: OpenApiSpec, owner: string, mediaType: string): string {
  return resolve(spec, `${owner}/content/${escapePointer(mediaType)}/schema`).pointer;
}

const operationPointer = (path: string, method: string) => `/paths/${escapePointer(path)}/${method.toLowerCase()}`;

/** Validator for an operation's request body, e.g. `requestBodyValidator(spec, '/sms/3/messages', 'post')`. */
export function requestBodyValidator(spec: OpenApiSpec, path: string, method: string, mediaType = 'application/json'): ValidateFunction {
  return schemaValidator(spec, mediaSchemaPointer(spec, `${operationPointer(path, method)}/requestBody`, mediaType));
}

/** Validator for an operation's response body for one status code. */
export function responseBodyValidator(spec: OpenApiSpec, path: string, method: string, status: number | string, mediaType = 'application/json'): ValidateFunction {
  return schemaValidator(spec, mediaSchemaPointer(spec, `${operationPointer(path, method)}/responses/${status}`, mediaType));
}

/** Validator for the body Infobip POSTs to us for a webhook, e.g. `receive-outbound-sms-message-reports-v3`. */
export function webhookBodyValidator(spec: OpenApiSpec, name: string, method = 'post', mediaType = 'application/json'): ValidateFunction {
  return schemaValidator(spec, mediaSchemaPointer(spec, `/webhooks/${escapePointer(name)}/${method}/requestBody`, mediaType));
}

/** First documented example (`example` or `examples[*].value`) of the response object at `pointer`. */
function exampleOf(spec: OpenApiSpec, pointer: string, mediaType: string): Json {
  const { node } = resolve(spec, `${pointer}/content/${escapePointer(mediaType)}`);
  const media = node as { example?: Json; examples?: { [name: string]: { value?: Json } } };
  const example = media.example ?? Object.values(media.examples ?? {})[0]?.value;
  if (example === undefined) throw new Error(`${spec.file}: no ${mediaType} example at ${pointer}`);
  return structuredClone(example);
}

/** The documented example of an operation's response for one status code. */
export function responseExample(spec: OpenApiSpec, path: string, method: string, status: number | string, mediaType = 'application/json'): Json {
  return exampleOf(spec, `${operationPointer(path, method)}/responses/${status}`, mediaType);
}

/** The example of a shared response in `components.responses`, e.g. `ApiError429`. */
export function componentResponseExample(spec: OpenApiSpec, name: string, mediaType = 'application/json'): Json {
  return exampleOf(spec, `/components/responses/${escapePointer(name)}`, mediaType);
}

/** Whether an operation documents a response for `status`. */
export function hasResponse(spec: OpenApiSpec, path: string, method: string, status: number | string): boolean {
  try {
    resolve(spec, `${operationPointer(path, method)}/responses/${status}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ajv errors → Infobip violations: `/messages/0/destinations/0/to` becomes
 * `messages[0].destinations[0].to`; for `required` (and `additionalProperties`) the offending
 * property is appended so the caller learns which field is missing.
 */
export function toViolations(errors: ErrorObject[] | null | undefined): Violation[] {
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const error of errors ?? []) {
    const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const params = error.params as { missingProperty?: string; additionalProperty?: string };
    const extra = params.missingProperty ?? params.additionalProperty;
    if (extra !== undefined) segments.push(extra);
    const property = segments.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
    const violation = error.message ?? error.keyword;
    const key = `${property}\u0000${violation}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ property, violation });
    }
  }
  return out;
}
