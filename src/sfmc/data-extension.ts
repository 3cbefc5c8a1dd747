/** A data extension as SFMC defines it (SOAP DataExtension / DataExtensionField). */
export type DataExtensionFieldType = 'Text' | 'Number' | 'Date' | 'Boolean' | 'EmailAddress' | 'Phone' | 'Decimal' | 'Locale';

export interface DataExtensionField {
  name: string;
  type: DataExtensionFieldType;
  /** Text-like: max characters. Decimal: precision (total digits). */
  maxLength?: number;
  isPrimaryKey?: boolean;
  /** Defaults to true, except for primary-key fields, which are never nullable. */
  isNullable?: boolean;
  /** Decimal only: digits after the point. */
  scale?: number;
  /** Applied when a new row omits the field, as SFMC's column default does. */
  defaultValue?: string;
}

export interface DataExtensionDefinition {
  /** External key (CustomerKey). */
  key: string;
  name: string;
  fields: DataExtensionField[];
}

/** A sendable data extension's relation to subscribers (SOAP `SendableDataExtensionField` / `SendableSubscriberField`). */
export interface Sendable {
  field: string;
  subscriberField: 'Subscriber Key';
}
