// "Create / update data extensions": the guide's package choices (Create a New Item / Update with
// Package Item / Use Current Installed Item) as one safe action. Missing data extensions are
// created, missing fields are added, nothing is ever deleted or changed, and the answer says what
// was done to each data extension.
import { packageDataExtensions } from '../reports/data-extensions.ts';
import type { DataExtensionField } from './data-extension.ts';
import { addFields, createDataExtension, retrieveDataExtensions, retrieveFields, SoapError } from './soap.ts';
import type { SfmcToken } from './oauth.ts';

export interface ProvisionOutcome {
  id: string;
  name: string;
  key: string;
  action: 'created' | 'fieldsAdded' | 'upToDate' | 'failed';
  /** Fields added to an existing data extension. */
  addedFields: string[];
  /** Existing fields whose type differs from the package's; left as they are, for the user to look at. */
  differingFields: string[];
  error?: string;
}

/**
 * A field added to a data extension that may hold rows must accept them without a value: a
 * required field is added as nullable (SFMC refuses a required field without a default on a
 * populated data extension), keeping its default value where the package has one.
 */
function addable(field: DataExtensionField): DataExtensionField {
  return { ...field, isPrimaryKey: false, isNullable: true };
}

async function provisionOne(token: SfmcToken, de: (typeof packageDataExtensions)[number], key: string): Promise<ProvisionOutcome> {
  const outcome: ProvisionOutcome = { id: de.id, name: de.name, key, action: 'upToDate', addedFields: [], differingFields: [] };
  const existing = await retrieveDataExtensions(token, key);
  if (existing.length === 0) {
    await createDataExtension(token, { key, name: de.name, fields: de.fields }, de.sendable);
    return { ...outcome, action: 'created' };
  }
  const current = new Map((await retrieveFields(token, key)).map((f) => [f.name.toLowerCase(), f]));
  const missing = de.fields.filter((f) => !current.has(f.name.toLowerCase()));
  outcome.differingFields = de.fields.filter((f) => current.has(f.name.toLowerCase()) && current.get(f.name.toLowerCase())!.type !== f.type).map((f) => f.name);
  if (missing.length === 0) return outcome;
  await addFields(token, key, missing.map(addable));
  return { ...outcome, action: 'fieldsAdded', addedFields: missing.map((f) => f.name) };
}

/** Every data extension of the package under the tenant's keys (by data extension id; package defaults otherwise). */
export async function provisionDataExtensions(token: SfmcToken, keys: Record<string, string>): Promise<ProvisionOutcome[]> {
  const outcomes: ProvisionOutcome[] = [];
  for (const de of packageDataExtensions) {
    const key = keys[de.id] ?? de.defaultKey;
    try {
      outcomes.push(await provisionOne(token, de, key));
    } catch (error) {
      if (!(error instanceof SoapError)) throw error;
      outcomes.push({ id: de.id, name: de.name, key, action: 'failed', addedFields: [], differingFields: [], error: error.message });
    }
  }
  return outcomes;
}
