// SFMC's SOAP API, for what REST does not document: creating data extensions and reading their
// fields (sfmc.md §3.4–3.5, specs/sfmc/docs/soap-*.md). `POST {soap_instance_url}Service.asmx`,
// `SOAPAction: Create|Retrieve|Update`, the access token in the `fueloauth` header.
import { request } from 'undici';
import { outboundAgent } from '../security/outbound-url.ts';
import type { DataExtensionDefinition, DataExtensionField, DataExtensionFieldType, Sendable } from './data-extension.ts';
import type { SfmcToken } from './oauth.ts';
import { child, childText, childrenNamed, element, escapeXml, parseXml, path, type XmlElement } from './xml.ts';

export const PARTNER_API_NS = 'http://exacttarget.com/wsdl/partnerAPI';
export type SoapAction = 'Create' | 'Retrieve' | 'Update';

const agent = outboundAgent({ connections: 4, headersTimeout: 30_000, bodyTimeout: 30_000, connect: { timeout: 10_000 } });

export class SoapError extends Error {}

export function soapEnvelope(accessToken: string, bodyXml: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Header><fueloauth xmlns="http://exacttarget.com">${escapeXml(accessToken)}</fueloauth></soapenv:Header>` +
    `<soapenv:Body>${bodyXml}</soapenv:Body></soapenv:Envelope>`
  );
}

/** One field as `<Field>` of a DataExtension (soap-dataextensionfield.md names). */
export function fieldXml(field: DataExtensionField): string {
  const required = field.isPrimaryKey === true || field.isNullable === false;
  return (
    '<Field>' +
    element('Name', field.name) +
    element('FieldType', field.type) +
    element('MaxLength', field.maxLength) +
    element('Scale', field.scale) +
    element('IsPrimaryKey', field.isPrimaryKey === true) +
    element('IsRequired', required) +
    element('DefaultValue', field.defaultValue) +
    '</Field>'
  );
}

const FIELD_TYPES = new Set<DataExtensionFieldType>(['Text', 'Number', 'Date', 'Boolean', 'EmailAddress', 'Phone', 'Decimal', 'Locale']);

/** A `<Field>` (or a retrieved DataExtensionField) read back; undefined when it has no name or an unknown type. */
export function readFieldXml(el: XmlElement): DataExtensionField | undefined {
  const name = childText(el, 'Name');
  const type = childText(el, 'FieldType') as DataExtensionFieldType | undefined;
  if (!name || !type || !FIELD_TYPES.has(type)) return undefined;
  const number = (tag: string) => {
    const text = childText(el, tag);
    return text ? Number(text) : undefined;
  };
  const isPrimaryKey = childText(el, 'IsPrimaryKey') === 'true';
  const field: DataExtensionField = { name, type, isPrimaryKey, isNullable: !isPrimaryKey && childText(el, 'IsRequired') !== 'true' };
  const maxLength = number('MaxLength');
  const scale = number('Scale');
  const defaultValue = childText(el, 'DefaultValue');
  if (maxLength !== undefined) field.maxLength = maxLength;
  if (scale !== undefined) field.scale = scale;
  if (defaultValue) field.defaultValue = defaultValue;
  return field;
}

/** Sends one request; answers the SOAP Body's first element, or throws SoapError with SFMC's words. */
export async function soapRequest(token: SfmcToken, action: SoapAction, bodyXml: string): Promise<XmlElement> {
  let status: number;
  let text: string;
  try {
    const response = await request(new URL('Service.asmx', token.soapBaseUrl), {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: action },
      body: soapEnvelope(token.accessToken, bodyXml),
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    throw new SoapError(`SOAP ${action} failed: ${(error as Error).message}`);
  }
  let body: XmlElement | undefined;
  try {
    body = path(parseXml(text), 'Envelope', 'Body');
  } catch {
    throw new SoapError(`SOAP ${action} answered HTTP ${status} with no SOAP envelope`);
  }
  const fault = child(body, 'Fault');
  if (fault) throw new SoapError(`SOAP ${action} fault: ${childText(fault, 'faultstring') ?? 'no reason given'}`);
  const first = body?.children[0];
  if (!first || status !== 200) throw new SoapError(`SOAP ${action} answered HTTP ${status}`);
  return first;
}

/** Results with StatusCode Error become a SoapError naming SFMC's StatusMessage. */
function checkResults(response: XmlElement, action: SoapAction): void {
  const failed = childrenNamed(response, 'Results').find((r) => childText(r, 'StatusCode') === 'Error');
  if (failed) throw new SoapError(`SOAP ${action}: ${childText(failed, 'StatusMessage') ?? 'error'} (ErrorCode ${childText(failed, 'ErrorCode') ?? '?'})`);
  const overall = childText(response, 'OverallStatus');
  if (overall && overall !== 'OK' && overall !== 'MoreDataAvailable') throw new SoapError(`SOAP ${action}: ${overall}`);
}

function retrieveXml(objectType: string, properties: string[], filter?: { property: string; value: string }): string {
  const filterXml = filter
    ? `<Filter xsi:type="SimpleFilterPart">${element('Property', filter.property)}<SimpleOperator>equals</SimpleOperator>${element('Value', filter.value)}</Filter>`
    : '';
  return (
    `<RetrieveRequestMsg xmlns="${PARTNER_API_NS}"><RetrieveRequest>${element('ObjectType', objectType)}` +
    properties.map((p) => element('Properties', p)).join('') +
    `${filterXml}</RetrieveRequest></RetrieveRequestMsg>`
  );
}

export interface DataExtensionSummary {
  key: string;
  name: string;
  isSendable: boolean;
}

/** Every data extension of the business unit (the app's data-extension pickers). */
export async function retrieveDataExtensions(token: SfmcToken, customerKey?: string): Promise<DataExtensionSummary[]> {
  const response = await soapRequest(
    token,
    'Retrieve',
    retrieveXml('DataExtension', ['CustomerKey', 'Name', 'IsSendable'], customerKey === undefined ? undefined : { property: 'CustomerKey', value: customerKey }),
  );
  checkResults(response, 'Retrieve');
  return childrenNamed(response, 'Results').map((r) => ({
    key: childText(r, 'CustomerKey') ?? '',
    name: childText(r, 'Name') ?? '',
    isSendable: childText(r, 'IsSendable') === 'true',
  }));
}

/** The fields of one data extension, by its external key. */
export async function retrieveFields(token: SfmcToken, customerKey: string): Promise<DataExtensionField[]> {
  const response = await soapRequest(
    token,
    'Retrieve',
    retrieveXml('DataExtensionField', ['Name', 'FieldType', 'MaxLength', 'Scale', 'IsPrimaryKey', 'IsRequired', 'DefaultValue', 'DataExtension.CustomerKey'], {
      property: 'DataExtension.CustomerKey',
      value: customerKey,
    }),
  );
  checkResults(response, 'Retrieve');
  return childrenNamed(response, 'Results').flatMap((r) => readFieldXml(r) ?? []);
}

export async function createDataExtension(token: SfmcToken, definition: DataExtensionDefinition, sendable?: Sendable): Promise<void> {
  const sendableXml = sendable
    ? `<IsSendable>true</IsSendable><SendableDataExtensionField>${element('Name', sendable.field)}</SendableDataExtensionField>` +
      `<SendableSubscriberField>${element('Name', sendable.subscriberField)}</SendableSubscriberField>`
    : '<IsSendable>false</IsSendable>';
  const response = await soapRequest(
    token,
    'Create',
    `<CreateRequest xmlns="${PARTNER_API_NS}"><Objects xsi:type="DataExtension">` +
      element('CustomerKey', definition.key) +
      element('Name', definition.name) +
      sendableXml +
      `<Fields>${definition.fields.map(fieldXml).join('')}</Fields></Objects></CreateRequest>`,
  );
  checkResults(response, 'Create');
}

/** Adds fields to an existing data extension (SOAP `Update` of the DataExtension with the new Fields only). */
export async function addFields(token: SfmcToken, customerKey: string, fields: DataExtensionField[]): Promise<void> {
  const response = await soapRequest(
    token,
    'Update',
    `<UpdateRequest xmlns="${PARTNER_API_NS}"><Objects xsi:type="DataExtension">${element('CustomerKey', customerKey)}` +
      `<Fields>${fields.map(fieldXml).join('')}</Fields></Objects></UpdateRequest>`,
  );
  checkResults(response, 'Update');
}
