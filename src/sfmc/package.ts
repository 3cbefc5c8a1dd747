// The data-extension half of the guide's SFMC package, as JSON: what `mc-relay package` prints and
// the admin API downloads. Built from the one registry of data extensions (reports/data-extensions.ts).
import { readFileSync } from 'node:fs';
import { packageDataExtensions } from '../reports/data-extensions.ts';
import type { DataExtensionField } from './data-extension.ts';

/** The connector's version (package.json): a package says which connector it was made for. */
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface PackageField {
  name: string;
  fieldType: DataExtensionField['type'];
  maxLength?: number;
  scale?: number;
  isPrimaryKey: boolean;
  isRequired: boolean;
  defaultValue?: string;
  ordinal: number;
}

export interface PackageDataExtensionJson {
  name: string;
  customerKey: string;
  isSendable: boolean;
  sendableDataExtensionField?: string;
  sendableSubscriberField?: string;
  fields: PackageField[];
}

/**
 * Field properties are named as SOAP's DataExtensionField names them (FieldType, MaxLength,
 * IsRequired, Ordinal), camel-cased. `keys` overrides external keys by data extension id (a
 * tenant's own keys); the package's defaults otherwise.
 */
export function buildPackage(keys: Record<string, string> = {}): { name: string; version: string; dataExtensions: PackageDataExtensionJson[] } {
  return {
    name: 'mc-relay',
    version: VERSION,
    dataExtensions: packageDataExtensions.map((de) => ({
      name: de.name,
      customerKey: keys[de.id] ?? de.defaultKey,
      isSendable: de.sendable !== undefined,
      ...(de.sendable ? { sendableDataExtensionField: de.sendable.field, sendableSubscriberField: de.sendable.subscriberField } : {}),
      fields: de.fields.map((f, ordinal) => ({
        name: f.name,
        fieldType: f.type,
        ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}),
        ...(f.scale !== undefined ? { scale: f.scale } : {}),
        isPrimaryKey: f.isPrimaryKey === true,
        isRequired: f.isPrimaryKey === true || f.isNullable === false,
        ...(f.defaultValue !== undefined ? { defaultValue: f.defaultValue } : {}),
        ordinal,
      })),
    })),
  };
}
