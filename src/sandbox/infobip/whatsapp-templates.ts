// GET /whatsapp/2/senders/{sender}/templates (spec infobip-whatsapp-openapi.json,
// `get-whatsapp-templates`): every sender has the templates the spec documents in its examples
// of this answer (text, media, text header, buttons …), so the activity UI's template picker can
// be exercised without an Infobip account. The list is checked against the response schema at
// start-up, so it cannot drift from the contract.
import type { FastifyInstance } from 'fastify';
import { loadInfobipSpec, responseBodyValidator, responseExample } from '../openapi.ts';

const SPEC_FILE = 'infobip-whatsapp-openapi.json';
export const TEMPLATES_PATH = '/whatsapp/2/senders/{sender}/templates';

type Template = Record<string, unknown> & { name: string; language: string };

/** The templates of every documented example of the 200 answer, each name once. */
export function documentedTemplates(): { templates: Template[] } {
  const spec = loadInfobipSpec(SPEC_FILE);
  const paths = spec.doc.paths as Record<string, any>;
  const examples = paths[TEMPLATES_PATH].get.responses['200'].content['application/json'].examples as Record<string, { value: { templates: Template[] } }>;
  const byName = new Map<string, Template>();
  for (const { value } of Object.values(examples)) for (const t of value.templates) if (!byName.has(t.name)) byName.set(t.name, structuredClone(t));
  const answer = { templates: [...byName.values()] };
  const validate = responseBodyValidator(spec, TEMPLATES_PATH, 'get', 200);
  if (!validate(answer)) throw new Error(`${SPEC_FILE}: the documented templates do not match ${TEMPLATES_PATH}'s response schema`);
  return answer;
}

export function whatsappTemplatesRoute(apiKeys: ReadonlySet<string>) {
  const answer = documentedTemplates();
  const unauthorized = responseExample(loadInfobipSpec(SPEC_FILE), TEMPLATES_PATH, 'get', 401);
  return async (app: FastifyInstance) => {
    app.get<{ Params: { sender: string } }>('/whatsapp/2/senders/:sender/templates', async (req, reply) => {
      const key = /^App\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      if (key === undefined || !apiKeys.has(key)) return reply.code(401).send(unauthorized);
      return answer;
    });
  };
}
