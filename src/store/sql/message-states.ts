import { sql } from 'kysely';
import type { MessageState } from '../schema.ts';

/**
 * A message state written into the SQL text rather than bound as a parameter. The claim and
 * sweep indexes are partial (only queued, or only sending messages: migration 0003). A planner
 * can only pick a partial index when the query implies its condition: with `state = ?` SQLite
 * has to re-prepare the statement for each new binding to see it, and PostgreSQL's generic plans
 * never do.
 */
export const literalState = (state: MessageState) => sql.lit(state);
