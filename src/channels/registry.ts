import type { Channel } from './channel.ts';
import { kakaoAlim } from './kakao-alim.ts';
import { kakaoChingu } from './kakao-chingu.ts';
import { lms } from './lms.ts';
import { mms } from './mms.ts';
import { rcs } from './rcs.ts';
import { sms } from './sms.ts';
import { viber } from './viber.ts';
import { whatsapp } from './whatsapp.ts';
import { zalo } from './zalo.ts';

/**
 * The one list of channels. Adding a channel is adding its module here. The order is the user
 * guide's (its per-channel sections): the Message activity's step 1 lists them in this order.
 */
const channels: readonly Channel[] = [sms, lms, mms, rcs, viber, whatsapp, kakaoChingu, kakaoAlim, zalo];

const normalise = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');
const byName = new Map<string, Channel>();
for (const c of channels) for (const name of [c.id, c.name, ...c.aliases]) byName.set(normalise(name), c);

/** Finds a channel by id, by the name marketers use ("SMS", "Kakao Alim") or an alias. */
export function findChannel(idOrName: string): Channel | undefined {
  return byName.get(normalise(idOrName));
}

export function channel(id: string): Channel {
  const found = byName.get(normalise(id));
  if (!found) throw new Error(`unknown channel ${id}`);
  return found;
}

export function allChannels(): readonly Channel[] {
  return channels;
}
