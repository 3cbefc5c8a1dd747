// Request-body validators built from the published swagger at run time, so the simulator checks
// the shapes SFMC publishes instead of a hand-typed copy that could drift from them.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const SWAGGER_URL = new URL('../../../specs/sfmc/sfmc-rest-swagger.json', import.meta.url);
const SWAGGER_ID = 'sfmc-swagger';

type JsonSchema = Record<string, unknown> & { required?: string[] };

function loadDefinitions(): Record<string, JsonSchema> {
  return (JSON.parse(readFileSync(SWAGGER_URL, 'utf8')) as { definitions: Record<string, JsonSchema> }).definitions;
}

export interface BodyValidator {
  (body: unknown): boolean;
  /** Readable summary of the last failure. */
  lastError(): string;
}

function wrap(validate: ValidateFunction): BodyValidator {
  const fn = ((body: unknown) => validate(body)) as BodyValidator;
  fn.lastError = () => describe(validate.errors ?? []);
  return fn;
}

function describe(errors: ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || 'body'} ${e.message ?? 'is invalid'}`).join('; ');
}

export function buildValidators(): { tokenRequest: BodyValidator; authorizationCodeTokenRequest: BodyValidator; dataExtensionRows: BodyValidator; postEvent: BodyValidator } {
  const definitions = loadDefinitions();
  // The swagger's definitions use non-JSON-Schema types ("guid", "datetime") and a "$ref" property
  // name, so the document as a whole fails meta-validation; the two definitions used here are fine.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajv.addSchema({ $id: SWAGGER_ID, definitions });

  // RequestAccessToken is one schema for both grant types. Its `required` lists `code` and
  // `redirect_uri`, which its own descriptions say are "Required for web app and public app
  // integrations" only; a client_credentials body (access-token-s2s.md) has neither.
  const AUTH_CODE_ONLY = new Set(['code', 'redirect_uri']);
  const tokenDef = definitions.RequestAccessToken;
  const clientCredentials: JsonSchema = { ...tokenDef, required: (tokenDef.required ?? []).filter((p) => !AUTH_CODE_ONLY.has(p)) };

  return {
    tokenRequest: wrap(ajv.compile({ type: 'object', allOf: [clientCredentials] })),
    // The authorization-code grant (web app integrations) needs every property the definition lists.
    authorizationCodeTokenRequest: wrap(ajv.compile({ type: 'object', allOf: [tokenDef] })),
    // RequestDataExtensionRows has no top-level "type", so a JSON array would pass `required`;
    // the body is documented as an object (`{"items":[…]}`), hence the object wrapper.
    dataExtensionRows: wrap(ajv.compile({ type: 'object', allOf: [{ $ref: `${SWAGGER_ID}#/definitions/RequestDataExtensionRows` }] })),
    postEvent: wrap(ajv.compile({ type: 'object', allOf: [{ $ref: `${SWAGGER_ID}#/definitions/RequestPostEvent` }] })),
  };
}
