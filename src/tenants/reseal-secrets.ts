import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { SEALED_COLUMNS, selectSealedValues } from '../store/sql/selectSealedValues.ts';
import { updateSealedValue } from '../store/sql/updateSealedValue.ts';
import type { SecretBox } from './secret-box.ts';

export interface ResealReport {
  /** Sealed values read, by table. */
  checked: Record<string, number>;
  /** …re-sealed with the current key. */
  resealed: Record<string, number>;
  /** …changed by someone else between read and write (run again to finish them). */
  skipped: number;
}

const PAGE = 200;

/**
 * Re-seals every secret with the box's current master key: the second step of a rotation, after
 * every instance runs with the new key and lists the old one as previous. Values already sealed
 * with the current key are left alone, so the run can be repeated and interrupted safely.
 */
export async function resealSecrets(db: Kysely<Database>, box: SecretBox): Promise<ResealReport> {
  const report: ResealReport = { checked: {}, resealed: {}, skipped: 0 };
  for (const where of SEALED_COLUMNS) {
    report.checked[where.table] = 0;
    report.resealed[where.table] = 0;
    for (let afterId = ''; ; ) {
      const page = await selectSealedValues(db, where, afterId, PAGE);
      for (const { id, sealed } of page) {
        report.checked[where.table]!++;
        if (!box.needsReseal(sealed)) continue;
        if (await updateSealedValue(db, where, id, sealed, box.seal(box.open(sealed)))) report.resealed[where.table]!++;
        else report.skipped++;
      }
      if (page.length < PAGE) break;
      afterId = page[page.length - 1]!.id;
    }
  }
  return report;
}
