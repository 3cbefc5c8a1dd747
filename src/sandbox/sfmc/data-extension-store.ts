// Data extensions and their rows, per business unit (MID). Rows behave like a SQL table with a
// primary key, because that is what SFMC uses underneath: insert of an existing key is a PK
// violation, upsert merges into the existing row, NOT NULL columns reject missing values.
import { randomUUID } from 'node:crypto';
import type { DataExtensionDefinition, DataExtensionField } from './types.ts';
import { convertFieldValue } from './field-values.ts';

export type Row = Record<string, unknown>;
export type WriteMode = 'insert' | 'upsert';
export interface RowError {
  errorCode: string;
  message: string;
}

const FIELD_TYPES = new Set(['Text', 'Number', 'Date', 'Boolean', 'EmailAddress', 'Phone', 'Decimal', 'Locale']);
const TEXT_TYPES = new Set(['Text', 'EmailAddress', 'Phone', 'Locale']);

export class DefinitionError extends Error {}

function checkDefinition(def: DataExtensionDefinition): void {
  if (!def || typeof def.key !== 'string' || !def.key) throw new DefinitionError('key is required');
  if (typeof def.name !== 'string' || !def.name) throw new DefinitionError('name is required');
  if (!Array.isArray(def.fields) || def.fields.length === 0) throw new DefinitionError('fields must be a non-empty array');
  const seen = new Set<string>();
  for (const f of def.fields) {
    if (!f || typeof f.name !== 'string' || !f.name) throw new DefinitionError('every field needs a name');
    if (!FIELD_TYPES.has(f.type)) throw new DefinitionError(`field '${f.name}': unknown type '${String(f.type)}'`);
    if (seen.has(f.name.toLowerCase())) throw new DefinitionError(`duplicate field '${f.name}'`);
    seen.add(f.name.toLowerCase());
    // SOAP Create rejects a Text primary key without MaxLength (sfmc.md §3.4).
    if (f.isPrimaryKey && f.type === 'Text' && f.maxLength === undefined) {
      throw new DefinitionError(`primary-key Text field '${f.name}' requires maxLength`);
    }
  }
}

export class StoredDataExtension {
  readonly id = randomUUID();
  readonly pkFields: DataExtensionField[];
  /** Keyed by the primary-key values (or a sequence number when the DE has no primary key). */
  rows = new Map<string, Row>();
  /** Set when the DE was created sendable (SOAP `SendableDataExtensionField`). */
  sendableField: string | undefined;
  private readonly byLowerName: Map<string, DataExtensionField>;
  private seq = 0;

  constructor(readonly def: DataExtensionDefinition) {
    this.pkFields = def.fields.filter((f) => f.isPrimaryKey);
    // Column names are case-insensitive in SFMC (SQL Server collation).
    this.byLowerName = new Map(def.fields.map((f) => [f.name.toLowerCase(), f]));
  }

  field(name: string): DataExtensionField | undefined {
    return this.byLowerName.get(name.toLowerCase());
  }

  /**
   * SOAP Update adding a field: existing rows get its default (or null), so a required field
   * without a default cannot be added to a data extension that has rows, as in SFMC.
   */
  addField(field: DataExtensionField): void {
    checkDefinition({ key: this.def.key, name: this.def.name, fields: [...this.def.fields, field] });
    if (field.isPrimaryKey) throw new DefinitionError(`field '${field.name}': a primary key cannot be added to an existing data extension`);
    if (field.isNullable === false && field.defaultValue === undefined && this.rows.size > 0) {
      throw new DefinitionError(`field '${field.name}': a required field needs a default value when the data extension has rows`);
    }
    const copy = { ...field };
    this.def.fields.push(copy);
    this.byLowerName.set(copy.name.toLowerCase(), copy);
    const initial = copy.defaultValue === undefined ? null : convertFieldValue(copy, copy.defaultValue);
    for (const row of this.rows.values()) row[copy.name] = initial && initial.ok ? initial.value : null;
  }

  nullable(f: DataExtensionField): boolean {
    return !f.isPrimaryKey && f.isNullable !== false;
  }

  /** Writes one item into `target`; returns why it was rejected, or null. */
  write(item: Row, mode: WriteMode, target: Map<string, Row> = this.rows): RowError | null {
    const provided: Row = {};
    for (const [name, raw] of Object.entries(item)) {
      const field = this.field(name);
      if (!field) {
        return { errorCode: 'ColumnNotFound', message: `The column name '${name}' does not exist in data extension '${this.def.key}'.` };
      }
      if (raw === undefined) continue;
      const converted = convertFieldValue(field, raw);
      if (!converted.ok) return { errorCode: converted.errorCode, message: converted.message };
      provided[field.name] = converted.value;
    }
    if (mode === 'upsert' && this.pkFields.length === 0) {
      return { errorCode: 'PrimaryKeyMissing', message: `Data extension '${this.def.key}' has no primary key, so rows cannot be upserted.` };
    }
    const missingPk = this.pkFields.find((f) => provided[f.name] === undefined || provided[f.name] === null);
    if (missingPk) {
      return { errorCode: 'PrimaryKeyMissing', message: `The primary key column '${missingPk.name}' is missing or empty.` };
    }
    const rowKey = this.pkFields.length ? this.rowKey(provided) : `#${++this.seq}`;
    const existing = target.get(rowKey);
    if (existing && mode === 'insert') return this.duplicateKey(provided);
    // On update the stored key keeps its original spelling (keys compare case-insensitively).
    const row = existing ? { ...existing, ...provided, ...this.pkOf(existing) } : this.newRow(provided);
    const nullViolation = this.def.fields.find((f) => !this.nullable(f) && (row[f.name] === null || row[f.name] === undefined));
    if (nullViolation) {
      return {
        errorCode: 'RequiredValueMissing',
        message: `Cannot insert the value NULL into column '${nullViolation.name}'; the column does not allow nulls.`,
      };
    }
    target.set(rowKey, row);
    return null;
  }

  /** All-or-nothing batch (hub/v1 rowset): applied to a copy that replaces the rows only if every item passes. */
  writeAtomically(items: Row[], mode: WriteMode): { index: number; error: RowError }[] {
    const copy = new Map(this.rows);
    const errors: { index: number; error: RowError }[] = [];
    items.forEach((item, index) => {
      const error = this.write(item, mode, copy);
      if (error) errors.push({ index, error });
    });
    if (errors.length === 0) this.rows = copy;
    return errors;
  }

  private newRow(provided: Row): Row {
    const row: Row = {};
    for (const f of this.def.fields) {
      if (f.name in provided) row[f.name] = provided[f.name];
      else if (f.defaultValue !== undefined) {
        const d = convertFieldValue(f, f.defaultValue);
        row[f.name] = d.ok ? d.value : null;
      } else row[f.name] = null;
    }
    return row;
  }

  private pkOf(row: Row): Row {
    return Object.fromEntries(this.pkFields.map((f) => [f.name, row[f.name]]));
  }

  /** Text keys compare case-insensitively, like SQL Server's default collation. */
  private rowKey(row: Row): string {
    return JSON.stringify(this.pkFields.map((f) => (TEXT_TYPES.has(f.type) ? String(row[f.name]).toLowerCase() : String(row[f.name]))));
  }

  /** Same wording as the PK-violation example in getResultsDataExtensionAsync.md. */
  private duplicateKey(row: Row): RowError {
    const value = this.pkFields.map((f) => String(row[f.name])).join(', ');
    return {
      errorCode: 'UnexpectedError',
      message:
        `Violation of PRIMARY KEY constraint 'PK_${this.id}'. Cannot insert duplicate key in object '${this.def.key}'. ` +
        `The duplicate key value is (${value}).\r\nThe statement has been terminated.`,
    };
  }
}

export class DuplicateDataExtensionError extends Error {}

export class DataExtensionStore {
  private readonly byMid = new Map<string, Map<string, StoredDataExtension>>();

  create(mid: string, def: DataExtensionDefinition): StoredDataExtension {
    checkDefinition(def);
    const bu = this.byMid.get(mid) ?? new Map<string, StoredDataExtension>();
    this.byMid.set(mid, bu);
    // External keys are unique per BU and case-insensitive [INFERRED: SQL Server collation].
    const k = def.key.toLowerCase();
    if (bu.has(k)) throw new DuplicateDataExtensionError(`data extension '${def.key}' already exists in MID ${mid}`);
    const copy: DataExtensionDefinition = { key: def.key, name: def.name, fields: def.fields.map((f) => ({ ...f })) };
    const de = new StoredDataExtension(copy);
    bu.set(k, de);
    return de;
  }

  /** Every data extension of a business unit, in creation order. */
  all(mid: string): StoredDataExtension[] {
    return [...(this.byMid.get(mid)?.values() ?? [])];
  }

  byKey(mid: string, key: string): StoredDataExtension | undefined {
    return this.byMid.get(mid)?.get(key.toLowerCase());
  }

  byId(mid: string, id: string): StoredDataExtension | undefined {
    for (const de of this.byMid.get(mid)?.values() ?? []) if (de.id.toLowerCase() === id.toLowerCase()) return de;
    return undefined;
  }

  /** A path segment as SFMC takes it: "key:{externalKey}" or the DE's id (GUID). */
  resolve(mid: string, ref: string): StoredDataExtension | undefined {
    return ref.startsWith('key:') ? this.byKey(mid, ref.slice(4)) : this.byId(mid, ref);
  }
}
