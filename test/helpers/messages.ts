import type { Kysely, Selectable } from 'kysely';
import type { Database, MessagesTable } from '../../src/store/schema.ts';

export async function countMessages(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('messages').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function messageById(db: Kysely<Database>, id: string): Promise<Selectable<MessagesTable> | undefined> {
  return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
}
