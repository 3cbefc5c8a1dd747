// How many SMS a text costs, for `details.messageCount` and the reports' `messageCount`.
// Deliberately simple (this is a simulator): GSM-7 default alphabet + extension table when every
// character fits, otherwise UCS-2. National language shift tables (content.language) and
// transliteration are not modelled.

// 3GPP TS 23.038 default alphabet (127 characters; 0x1B is the escape to the extension table).
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// Extension table: each of these costs two septets (ESC + code).
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const basic = new Set(GSM7_BASIC);
const extension = new Set(GSM7_EXTENSION);

/** Packs character costs into segments without splitting a character (ESC pair / surrogate pair). */
function countSegments(costs: number[], single: number, multi: number): number {
  const total = costs.reduce((a, b) => a + b, 0);
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > multi) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return segments;
}

export function smsSegmentCount(text: string): number {
  const chars = [...text];
  if (chars.every((c) => basic.has(c) || extension.has(c))) {
    return countSegments(chars.map((c) => (extension.has(c) ? 2 : 1)), 160, 153);
  }
  // UCS-2 on the wire is UTF-16: a code point above U+FFFF costs two code units.
  return countSegments(chars.map((c) => c.length), 70, 67);
}

/** Binary content: 140 octets fit one SMS, 134 per part once a concatenation header is needed. */
export function binarySegmentCount(hex: string): number {
  const octets = Math.ceil(hex.replace(/\s/g, '').length / 2);
  return octets <= 140 ? 1 : Math.ceil(octets / 134);
}
