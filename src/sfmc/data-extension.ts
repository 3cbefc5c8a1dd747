/** A data extension as SFMC defines it (SOAP DataExtension / DataExtensionField). */
export type DataExtensionFieldType = 'Text' | 'Number' | 'Date' | 'Boolean' | 'EmailAddress' | 'Phone' | 'Decimal' | 'Locale';

export interface DataExtensionField {
  name: string;
  type: DataExtensionFieldType;
  maxLength?: number;
  isPrimaryKey?: boolean;
  isNullable?: boolean;
  scale?: number;
  defaultValue?: string;
}

export interface DataExtensionDefinition {
  key: string;
  name: string;
  fields: DataExtensionField[];
}
