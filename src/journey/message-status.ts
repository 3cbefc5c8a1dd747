/**
 * The messageStatus outArgument. Business errors answer 200 with one of these exact strings
 * (the connector guide's "Error handling" table) so the contact continues the journey and a
 * decision split can route on it; a non-200 would eject the contact.
 */
export const messageStatus = {
  pending: 'Success: Message pending',
  missingPhone: 'Error: Missing phone number in request',
  invalidTextLength: 'Error: Invalid text length',
  invalidFrom: 'Error: Invalid from field',
  // Not in the guide's table: cases it does not cover, worded the same way.
  invalidPhone: 'Error: Invalid phone number in request',
  unknownChannel: 'Error: Unknown channel',
  unknownAccount: 'Error: Unknown Infobip account',
  invalidRequest: 'Error: Invalid request',
} as const;

export type MessageStatus = (typeof messageStatus)[keyof typeof messageStatus];
