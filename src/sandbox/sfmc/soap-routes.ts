// The SOAP host: `POST /soap/Service.asmx` with SOAPAction Create, Update or Retrieve of
// DataExtension and DataExtensionField (specs/sfmc/docs/soap-*.md, sfmc.md §3.4–3.5). It works on
// the same data extensions as the REST routes, so a DE created here takes rows there.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { fieldXml, PARTNER_API_NS, readFieldXml } from '../../sfmc/soap.ts';
import { child, childText, childrenNamed, element, escapeXml, parseXml, path, type XmlElement } from '../../sfmc/xml.ts';
import type { SimContext } from './context.ts';
import { DefinitionError, DuplicateDataExtensionError, type StoredDataExtension } from './data-extension-store.ts';

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>';
const ENVELOPE_CLOSE = '</soap:Body></soap:Envelope>';

function send(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).type('text/xml; charset=utf-8').send(ENVELOPE_OPEN + body + ENVELOPE_CLOSE);
}

function fault(reply: FastifyReply, code: 'Client' | 'Server', message: string) {
  return send(reply, 500, `<soap:Fault><faultcode>soap:${code}</faultcode><faultstring>${escapeXml(message)}</faultstring></soap:Fault>`);
}

interface Result {
  ok: boolean;
  message: string;
  objectId?: string;
}

function resultXml(result: Result, ordinal: number, extra = ''): string {
  return (
    `<Results><StatusCode>${result.ok ? 'OK' : 'Error'}</StatusCode>${element('StatusMessage', result.message)}` +
    `<OrdinalID>${ordinal}</OrdinalID>${result.ok ? '' : '<ErrorCode>310007</ErrorCode>'}${element('NewObjectID', result.objectId)}${extra}</Results>`
  );
}

const overall = (results: Result[]) => (results.every((r) => r.ok) ? 'OK' : results.some((r) => r.ok) ? 'Has Error' : 'Error');

function readDefinitionError(error: unknown): Result {
  if (error instanceof DefinitionError || error instanceof DuplicateDataExtensionError) return { ok: false, message: error.message };
  throw error;
}

/** The SimpleFilterParts of a filter; a ComplexFilterPart is only taken with AND. */
function filterParts(filter: XmlElement | undefined): { property: string; value: string }[] | 'unsupported' {
  if (!filter) return [];
  if (filter.attributes.type === 'ComplexFilterPart') {
    if (childText(filter, 'LogicalOperator') !== 'AND') return 'unsupported';
    const left = filterParts(child(filter, 'LeftOperand'));
    const right = filterParts(child(filter, 'RightOperand'));
    return left === 'unsupported' || right === 'unsupported' ? 'unsupported' : [...left, ...right];
  }
  if (childText(filter, 'SimpleOperator') !== 'equals') return 'unsupported';
  return [{ property: childText(filter, 'Property') ?? '', value: childText(filter, 'Value') ?? '' }];
}

function dataExtensionProperties(de: StoredDataExtension): Record<string, string> {
  return { ObjectID: de.id, CustomerKey: de.def.key, Name: de.def.name, IsSendable: String(de.sendableField !== undefined) };
}

export function registerSoapRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.addContentTypeParser(['text/xml', 'application/soap+xml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post('/Service.asmx', async (req, reply) => {
    let body: XmlElement | undefined;
    let header: XmlElement | undefined;
    try {
      const envelope = path(parseXml(String(req.body ?? '')), 'Envelope');
      body = child(envelope, 'Body');
      header = child(envelope, 'Header');
    } catch (error) {
      return fault(reply, 'Client', `The request is not well-formed XML: ${(error as Error).message}`);
    }
    const token = ctx.tokens.check(childText(header, 'fueloauth') ?? '');
    if (!token) return fault(reply, 'Client', 'Login Failed');
    const mid = token.accountId;
    const request = body?.children[0];
    const action = String(req.headers.soapaction ?? '').replace(/"/g, '');
    if (!request) return fault(reply, 'Client', 'The SOAP Body is empty');

    if (action === 'Create' && request.name === 'CreateRequest') {
      const results = childrenNamed(request, 'Objects').map((object): Result => {
        if (object.attributes.type !== 'DataExtension') return { ok: false, message: `Create of ${object.attributes.type ?? 'an untyped object'} is not simulated` };
        const fieldElements = childrenNamed(child(object, 'Fields'), 'Field');
        const unreadable = fieldElements.find((f) => !readFieldXml(f));
        if (unreadable) return { ok: false, message: `Field '${childText(unreadable, 'Name') ?? ''}' has no name or an unknown FieldType.` };
        try {
          const de = ctx.des.create(mid, {
            key: childText(object, 'CustomerKey') || randomUUID(),
            name: childText(object, 'Name') ?? '',
            fields: fieldElements.map((f) => readFieldXml(f)!),
          });
          if (childText(object, 'IsSendable') === 'true') de.sendableField = childText(child(object, 'SendableDataExtensionField'), 'Name');
          return { ok: true, message: 'Data Extension created.', objectId: de.id };
        } catch (error) {
          return readDefinitionError(error);
        }
      });
      const xml = results.map((r, i) => resultXml(r, i)).join('');
      return send(reply, 200, `<CreateResponse xmlns="${PARTNER_API_NS}">${xml}<RequestID>${randomUUID()}</RequestID><OverallStatus>${overall(results)}</OverallStatus></CreateResponse>`);
    }

    if (action === 'Update' && request.name === 'UpdateRequest') {
      const results = childrenNamed(request, 'Objects').map((object): Result => {
        if (object.attributes.type !== 'DataExtension') return { ok: false, message: `Update of ${object.attributes.type ?? 'an untyped object'} is not simulated` };
        const key = childText(object, 'CustomerKey') ?? '';
        const de = ctx.des.byKey(mid, key);
        if (!de) return { ok: false, message: `Data extension '${key}' does not exist.` };
        try {
          for (const f of childrenNamed(child(object, 'Fields'), 'Field')) {
            const field = readFieldXml(f);
            if (!field) return { ok: false, message: `Field '${childText(f, 'Name') ?? ''}' has no name or an unknown FieldType.` };
            if (de.field(field.name)) return { ok: false, message: `Field '${field.name}' already exists; existing fields cannot be changed here.` };
            de.addField(field);
          }
          return { ok: true, message: 'Data Extension updated.', objectId: de.id };
        } catch (error) {
          return readDefinitionError(error);
        }
      });
      const xml = results.map((r, i) => resultXml(r, i)).join('');
      return send(reply, 200, `<UpdateResponse xmlns="${PARTNER_API_NS}">${xml}<RequestID>${randomUUID()}</RequestID><OverallStatus>${overall(results)}</OverallStatus></UpdateResponse>`);
    }

    if (action === 'Retrieve' && request.name === 'RetrieveRequestMsg') {
      const retrieve = child(request, 'RetrieveRequest');
      const objectType = childText(retrieve, 'ObjectType');
      const properties = childrenNamed(retrieve, 'Properties').map((p) => p.text.trim());
      const filter = filterParts(child(retrieve, 'Filter'));
      const respond = (status: string, results: string) =>
        send(reply, 200, `<RetrieveResponseMsg xmlns="${PARTNER_API_NS}"><OverallStatus>${status}</OverallStatus><RequestID>${randomUUID()}</RequestID>${results}</RetrieveResponseMsg>`);
      if (filter === 'unsupported') return respond('Error: the simulator takes equals filters joined with AND only', '');
      const only = (all: Record<string, string>) => properties.map((p) => (p in all ? element(p, all[p]) : '')).join('');

      if (objectType === 'DataExtension') {
        const matches = ctx.des.all(mid).filter((de) => filter.every((f) => dataExtensionProperties(de)[f.property] === f.value));
        return respond('OK', matches.map((de) => `<Results xsi:type="DataExtension">${only(dataExtensionProperties(de))}</Results>`).join(''));
      }
      if (objectType === 'DataExtensionField') {
        const keyFilter = filter.find((f) => f.property === 'DataExtension.CustomerKey');
        if (!keyFilter) return respond('Error: filter on DataExtension.CustomerKey', '');
        const de = ctx.des.byKey(mid, keyFilter.value);
        const fields = (de?.def.fields ?? []).filter((field) => filter.every((f) => f === keyFilter || (f.property === 'FieldType' ? field.type === f.value : f.property === 'Name' && field.name === f.value)));
        const xml = fields
          .map((field, ordinal) => {
            const fieldProperties = parseXml(fieldXml(field)).children[0]!.children.filter((c) => properties.includes(c.name));
            const rendered = fieldProperties.map((c) => element(c.name, c.text)).join('');
            const extra = (properties.includes('Ordinal') ? element('Ordinal', ordinal) : '') + (properties.includes('DataExtension.CustomerKey') ? `<DataExtension>${element('CustomerKey', de!.def.key)}</DataExtension>` : '');
            return `<Results xsi:type="DataExtensionField">${rendered}${extra}</Results>`;
          })
          .join('');
        return respond('OK', xml);
      }
      return respond(`Error: Retrieve of ${objectType ?? 'no ObjectType'} is not simulated`, '');
    }
    return fault(reply, 'Client', `SOAPAction '${action}' with ${request.name} is not simulated`);
  });
}
