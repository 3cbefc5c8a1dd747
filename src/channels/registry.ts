import type { Channel } from './channel.ts';
import { sms } from './sms.ts';

/** The one list of channels. Adding a channel is adding its module here. */
const channels: readonly Channel[] = [sms];

const byId = new Map(channels.map((c) => [c.id, c]));

/** Finds a channel by id or by the name marketers use ("SMS", "sms"). */
export function findChannel(idOrName: string): Channel | undefined {
  return byId.get(idOrName.toLowerCase());
}

export function channel(id: string): Channel {
  const found = byId.get(id);
  if (!found) throw new Error(`unknown channel ${id}`);
  return found;
}
