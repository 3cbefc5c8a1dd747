// GET /zalo/1/sender/{sender}/templates and …/templates/{templateName} (spec
// infobip-zalo-openapi.json, `get-zalo-templates`, `get-zalo-template`): every sender has the
// templates of the documented list example (900025 pending review, 900026 enabled) plus the id
// the send example uses (322307), so the activity UI's Zalo template picker and its registered
// placeholders can be exercised without an Infobip account. The spec documents no example of a
// template's details, so their properties are ours; both answers are checked against the
// response schemas at start-up, so they cannot drift from the contract.
import type { FastifyInstance } from 'fastify';
import { componentResponseExample, loadInfobipSpec, responseBodyValidator, responseExample } from '../openapi.ts';

const SPEC_FILE = 'infobip-zalo-openapi.json';
const LIST_PATH = '/zalo/1/sender/{sender}/templates';
const DETAIL_PATH = '/zalo/1/sender/{sender}/templates/{templateName}';

type Template = { templateName: number; displayName: string; status: string; createdTime: string };
type Property = { name: string; required: boolean; type: string; minLength: number; maxLength: number; acceptNull: boolean };

const property = (name: string, maxLength: number): Property => ({ name, required: true, type: 'STRING', minLength: 1, maxLength, acceptNull: false });

/** The placeholders registered for each template (ZNS names them; the values are what a send fills). */
const PROPERTIES: Record<number, Property[]> = {
  900025: [property('otp', 6)],
  900026: [property('customer_name', 30), property('order_code', 30), property('date', 20)],
  322307: [property('customer_name', 30), property('order_code', 30)],
};

function registeredTemplates(): Template[] {
  const spec = loadInfobipSpec(SPEC_FILE);
  const documented = (responseExample(spec, LIST_PATH, 'get', 200) as { results: Template[] }).results;
  const templates = [...documented, { templateName: 322307, displayName: 'Order shipped', status: 'ENABLE', createdTime: '2023-02-01T09:00:00.000+0000' }];
  const validateList = responseBodyValidator(spec, LIST_PATH, 'get', 200);
  if (!validateList(listAnswer(templates, 'ALL'))) throw new Error(`${SPEC_FILE}: the simulated templates do not match ${LIST_PATH}'s response schema`);
  const validateDetail = responseBodyValidator(spec, DETAIL_PATH, 'get', 200, '*/*');
  for (const t of templates) if (!validateDetail(detailAnswer(t))) throw new Error(`${SPEC_FILE}: template ${t.templateName} does not match ${DETAIL_PATH}'s response schema`);
  return templates;
}

/** The spec's `status` filter names differ from a template's status (ENABLED vs ENABLE …). */
const STATUS_OF_FILTER: Record<string, string> = { ENABLED: 'ENABLE', PENDING_REVIEW: 'PENDING_REVIEW', REJECTED: 'REJECT', DISABLED: 'DISABLE' };

function listAnswer(templates: Template[], filter: string) {
  const results = filter === 'ALL' ? templates : templates.filter((t) => t.status === STATUS_OF_FILTER[filter]);
  return { results, paging: { page: 0, size: results.length, totalPages: 1, totalResults: results.length } };
}

function detailAnswer(t: Template) {
  return { templateName: t.templateName, displayName: t.displayName, status: t.status, templateProperties: PROPERTIES[t.templateName] ?? [], templateButtons: [], templateTag: 'TRANSACTION' };
}

export function zaloTemplatesRoute(apiKeys: ReadonlySet<string>) {
  const templates = registeredTemplates();
  const spec = loadInfobipSpec(SPEC_FILE);
  const unauthorized = componentResponseExample(spec, 'ApiError401');
  const badRequest = responseExample(spec, LIST_PATH, 'get', 400);
  const notFound = { errorCode: 'E404', description: 'Template not found.', action: 'Check the sender and the template id.', violations: [], resources: [] };
  const digits = (s: string) => /^\d{1,19}$/.test(s);
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', async (req, reply) => {
      const key = /^App\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      if (key === undefined || !apiKeys.has(key)) return reply.code(401).send(unauthorized);
    });
    app.get<{ Params: { sender: string }; Querystring: { status?: string } }>('/zalo/1/sender/:sender/templates', async (req, reply) => {
      const filter = req.query.status ?? 'ENABLED';
      if (!digits(req.params.sender) || (filter !== 'ALL' && !(filter in STATUS_OF_FILTER))) return reply.code(400).send(badRequest);
      return listAnswer(templates, filter);
    });
    app.get<{ Params: { sender: string; templateName: string } }>('/zalo/1/sender/:sender/templates/:templateName', async (req, reply) => {
      if (!digits(req.params.sender) || !digits(req.params.templateName)) return reply.code(400).send(badRequest);
      const template = templates.find((t) => String(t.templateName) === req.params.templateName);
      if (!template) return reply.code(404).send(notFound);
      return detailAnswer(template);
    });
  };
}
