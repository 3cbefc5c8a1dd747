import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { insertClicks } from '../store/sql/insertClicks.ts';
import { insertWriteback } from '../store/sql/insertWriteback.ts';
import { selectMessagesForReports } from '../store/sql/selectMessagesForReports.ts';
import type { ClickReport } from './click-webhook.ts';
import type { RecordOutcome } from './record-reports.ts';

/**
 * Stores click reports of one tenant in one transaction: every click of a known message is kept
 * (a click reported again changes nothing), and a message's first click is queued for the Unified
 * URL Tracking data extension.
 */
export function recordClicks(db: Kysely<Database>, tenantId: string, clicks: ClickReport[], now = Date.now()): Promise<RecordOutcome> {
  return db.transaction().execute(async (trx) => {
    const messages = await selectMessagesForReports(trx, tenantId, [...new Set(clicks.map((c) => c.messageId))]);
    const unknownMessageIds = clicks.filter((c) => !messages.has(c.messageId)).map((c) => c.messageId);
    const rows = clicks
      .filter((c) => messages.has(c.messageId))
      .map((c) => {
        const message = messages.get(c.messageId)!;
        return {
          message_id: c.messageId,
          url: c.url,
          tenant_id: tenantId,
          channel: message.channel,
          notification_type: c.notificationType,
          recipient: c.recipient ?? message.destination,
          clicked_at: c.clickedAt,
          device_type: c.deviceType ?? null,
          os: c.os ?? null,
          device_name: c.deviceName ?? null,
          callback_data: c.callbackData ?? message.callbackData,
          created_at: now,
        };
      });
    const changed = await insertClicks(trx, rows);
    await insertWriteback(trx, changed.map((messageId) => ({ tenantId, reportType: 'urlClick', messageId })), now);
    return { unknownMessageIds, changed: changed.length };
  });
}
