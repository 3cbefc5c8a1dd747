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
  /** The document exactly as published (examples and prose are read from here). */
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
  ajv().addSchema(forValidation(doc), spec.id);
  specs.set(file, spec);
  return spec;
}

/**
 * The copy of a document that is registered with Ajv: the published document with two readings
 * of OpenAPI/generator conventions that plain JSON Schema would get wrong. The document itself
 * (spec.doc) stays verbatim.
 */
function forValidation(doc: JsonObject): JsonObject {
  const copy = withDiscriminatorDispatch(doc);
  relaxOpaqueMapValues(copy);
  return copy;
}

const ANNOTATIONS = new Set(['type', 'description', 'example', 'examples', 'title', 'format', 'readOnly', 'writeOnly']);

/**
 * Infobip's generator writes a Java `Map<String, Object>` as `additionalProperties: {type: object}`,
 * where Java's `Object` means "any value". The documents' own examples put strings there (Zalo
 * ZNS `templateData: {"customer_name": "John Smith"}`, WhatsApp flow button `data`), which JSON
 * Schema would reject. Such bare `{type: object}` map values (no properties, no composition) are
 * read as "any JSON value".
 */
function relaxOpaqueMapValues(node: Json): void {
  if (Array.isArray(node)) return node.forEach(relaxOpaqueMapValues);
  if (!isJsonObject(node)) return;
  const values = node['additionalProperties'];
  if (isJsonObject(values) && values['type'] === 'object' && Object.keys(values).every((k) => ANNOTATIONS.has(k))) {
    node['additionalProperties'] = {};
  }
  // (Examples are walked too: harmless, the registered copy's examples are never read.)
  for (const value of Object.values(node)) relaxOpaqueMapValues(value);
}

// Where the dispatching schemas made by withDiscriminatorDispatch live in the registered copy.
const DISPATCH_KEY = 'x-mc-relay-discriminated';
const COMPONENT_PREFIX = '#/components/schemas/';

type JsonObject = { [key: string]: Json };
const isJsonObject = (node: Json | undefined): node is JsonObject => node !== null && typeof node === 'object' && !Array.isArray(node);

/**
 * Infobip's documents model polymorphic payloads (RCS/Viber/Kakao/Zalo `content`, RCS
 * suggestions, MMS segments, WhatsApp template header/buttons …) the OpenAPI way: a base schema
 * carries `discriminator: {propertyName, mapping}` and each subtype is `allOf: [base, own fields]`,
 * with no `oneOf` anywhere. JSON Schema ignores `discriminator`, so validating against the base
 * alone would only check `type` and wave through a Viber TEXT without `text`. This returns a copy
 * of the document (the original stays verbatim) in which every place that *uses* such a base as a
 * value's schema points instead to a dispatcher: the base plus, per mapping entry,
 * `if {type: const} then {$ref: subtype}`. The subtypes' own `allOf: [base, …]` keep pointing at
 * the plain base, so the dispatch never recurses.
 */
function withDiscriminatorDispatch(doc: JsonObject): JsonObject {
  const copy = structuredClone(doc);
  const components = copy['components'];
  const schemas = isJsonObject(components) ? components['schemas'] : undefined;
  if (!isJsonObject(schemas)) return copy;

  const dispatch: JsonObject = {};
  const redirect = new Map<string, string>(); // base $ref → dispatcher $ref
  const parentOf = new Map<string, Set<string>>(); // subtype $ref → bases it is a mapping target of
  for (const [name, schema] of Object.entries(schemas)) {
    const discriminator = isJsonObject(schema) ? schema['discriminator'] : undefined;
    if (!isJsonObject(schema) || !isJsonObject(discriminator) || schema['oneOf'] || schema['anyOf']) continue;
    const property = discriminator['propertyName'];
    const mapping = discriminator['mapping'];
    if (typeof property !== 'string' || !isJsonObject(mapping)) continue;
    const ref = COMPONENT_PREFIX + escapePointer(name);
    // Mapping values are $refs here; OpenAPI also allows a bare schema name.
    const targets = Object.entries(mapping)
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([value, target]): [string, string] => [value, target.startsWith('#') ? target : COMPONENT_PREFIX + escapePointer(target)]);
    redirect.set(ref, `#/${DISPATCH_KEY}/${escapePointer(name)}`);
    for (const [, target] of targets) parentOf.set(target, (parentOf.get(target) ?? new Set()).add(ref));
    dispatch[name] = {
      allOf: [
        { $ref: ref },
        ...targets.map(([value, target]) => ({
          if: { properties: { [property]: { const: value } }, required: [property] },
          then: { $ref: target },
        })),
      ],
    };
  }
  if (redirect.size === 0) return copy;

  // `inherits`: the bases whose $ref here is inheritance (a direct allOf member of one of their
  // own subtypes), not a use of the base as a value's schema.
  const rewrite = (node: Json, inherits?: Set<string>): void => {
    if (Array.isArray(node)) return node.forEach((item) => rewrite(item));
    if (!isJsonObject(node)) return;
    const ref = node['$ref'];
    if (typeof ref === 'string' && redirect.has(ref) && !inherits?.has(ref)) node['$ref'] = redirect.get(ref)!;
    for (const value of Object.values(node)) rewrite(value);
  };
  for (const [key, value] of Object.entries(copy)) {
    if (key !== 'components') rewrite(value);
  }
  for (const [group, members] of Object.entries(components as JsonObject)) {
    if (!isJsonObject(members)) continue;
    for (const [name, schema] of Object.entries(members)) {
      const bases = group === 'schemas' ? parentOf.get(COMPONENT_PREFIX + escapePointer(name)) : undefined;
      if (!isJsonObject(schema)) continue;
      for (const [key, value] of Object.entries(schema)) {
        if (key === 'allOf' && Array.isArray(value)) value.forEach((item) => rewrite(item, bases));
        else rewrite(value);
      }
    }
  }
  copy[DISPATCH_KEY] = dispatch;
  return copy;
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

// The `schema` node itself is compiled rather than what its $ref points at, so a body declared as
// a discriminated base gets the dispatching rewrite (see withDiscriminatorDispatch).
function mediaSchemaPointer(spec: OpenApiSpec, owner: string, mediaType: string): string {
  const media = resolve(spec, `${owner}/content/${escapePointer(mediaType)}`).pointer;
  resolve(spec, `${media}/schema`); // throws when there is none
  return `${media}/schema`;
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

/** Every documented example of the body Infobip POSTs for a webhook, by name. */
export function webhookExamples(spec: OpenApiSpec, name: string, method = 'post', mediaType = 'application/json'): { name: string; value: Json }[] {
  const { node } = resolve(spec, `/webhooks/${escapePointer(name)}/${method}/requestBody/content/${escapePointer(mediaType)}`);
  const media = node as { example?: Json; examples?: { [name: string]: { value?: Json } } };
  const named = Object.entries(media.examples ?? {})
    .filter(([, e]) => e.value !== undefined)
    .map(([example, e]) => ({ name: example, value: structuredClone(e.value as Json) }));
  return media.example !== undefined ? [{ name: 'example', value: structuredClone(media.example) }, ...named] : named;
}

/** First documented example (`example` or `examples[*].value`) of the response object at `pointer`. */
function exampleOf(spec: OpenApiSpec, pointer: string, mediaType: string): Json {
  const { node } = resolve(spec, `${pointer}/content/${escapePointer(mediaType)}`);
  const media = node as { example?: Json; examples?: { [name: string]: { value?: Json } } };
  const example = media.example ?? Object.values(media.examples ?? {})[0]?.value;
  if (example === undefined) throw new Error(`${spec.file}: no ${mediaType} example at ${pointer}`);
  return structuredClone(example);
}

/** Every documented request example of an operation (`examples[*]`, or the single `example`), by name. */
export function requestExamples(spec: OpenApiSpec, path: string, method: string, mediaType = 'application/json'): { name: string; value: Json }[] {
  const { node } = resolve(spec, `${operationPointer(path, method)}/requestBody/content/${escapePointer(mediaType)}`);
  const media = node as { example?: Json; examples?: { [name: string]: { value?: Json } } };
  const named = Object.entries(media.examples ?? {})
    .filter(([, e]) => e.value !== undefined)
    .map(([name, e]) => ({ name, value: structuredClone(e.value as Json) }));
  return media.example !== undefined ? [{ name: 'example', value: structuredClone(media.example) }, ...named] : named;
}

/** The documented example of an operation's response for one status code. */
export function responseExample(spec: OpenApiSpec, path: string, method: string, status: number | string, mediaType = 'application/json'): Json {
  return exampleOf(spec, `${operationPointer(path, method)}/responses/${status}`, mediaType);
}

/** The example of a shared response in `components.responses`, e.g. `ApiError429`. */
export function componentResponseExample(spec: OpenApiSpec, name: string, mediaType = 'application/json'): Json {
  return exampleOf(spec, `/components/responses/${escapePointer(name)}`, mediaType);
}

/** Whether an operation documents a request body of `mediaType`. */
export function hasRequestBody(spec: OpenApiSpec, path: string, method: string, mediaType = 'application/json'): boolean {
  return exists(() => mediaSchemaPointer(spec, `${operationPointer(path, method)}/requestBody`, mediaType));
}

/** Whether the document defines the webhook `name` with a body of `mediaType`. */
export function hasWebhook(spec: OpenApiSpec, name: string, method = 'post', mediaType = 'application/json'): boolean {
  return exists(() => mediaSchemaPointer(spec, `/webhooks/${escapePointer(name)}/${method}/requestBody`, mediaType));
}

function exists(lookup: () => unknown): boolean {
  try {
    lookup();
    return true;
  } catch {
    return false;
  }
}

/** Whether an operation documents a response for `status`. */
export function hasResponse(spec: OpenApiSpec, path: string, method: string, status: number | string): boolean {
  return exists(() => resolve(spec, `${operationPointer(path, method)}/responses/${status}`));
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
    // `if`/`then` (discriminator dispatch) also reports a summary "must match "then" schema";
    // the errors of the `then` branch itself already name the property.
    if (error.keyword === 'if') continue;
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
