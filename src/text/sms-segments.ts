/**
 * How many units fit in one SMS and how a message is cut into segments.
 * Numbers from research/encoding.md §1: one user-data field is 140 octets; the user data header
 * (UDH) takes octets from it, and a 7-bit message pads the UDH to a septet boundary.
 */

const USER_DATA_OCTETS = 140;
/** UDHL, the length octet in front of the information elements. */
const UDH_LENGTH_OCTETS = 1;
/** Concatenation IE with an 8-bit reference: 00 03 ref total index. */
const CONCAT_IE_OCTETS = 5;
/** National language single/locking shift IE: 24|25 01 NLI. */
const NATIONAL_IE_OCTETS = 3;

function udhOctets(concatenated: boolean, nationalIes: number): number {
  const ies = (concatenated ? CONCAT_IE_OCTETS : 0) + NATIONAL_IE_OCTETS * nationalIes;
  return ies === 0 ? 0 : UDH_LENGTH_OCTETS + ies;
}

/** Septets per GSM-7 segment: 160/153 plain, 155/149 with one shift table, 152/146 with two. */
export function gsm7Capacity(concatenated: boolean, nationalIes: number): number {
  return Math.floor((USER_DATA_OCTETS * 8 - udhOctets(concatenated, nationalIes) * 8) / 7);
}

/** UTF-16 code units per UCS-2 segment: 70 single, 67 concatenated. */
export function ucs2Capacity(concatenated: boolean): number {
  return Math.floor((USER_DATA_OCTETS - udhOctets(concatenated, 0)) / 2);
}

export interface Split {
  /** Units in each segment; empty for empty text. */
  parts: number[];
  /** Sum of the parts. */
  units: number;
  /** Units still free in the last segment (in the single segment for empty text). */
  remaining: number;
}

/**
 * Cuts a message into segments. `costs` holds the units of each character: 1 or 2 septets
 * (ESC pairs) or 1 or 2 UTF-16 code units (surrogate pairs). A character never straddles two
 * segments, so a segment is closed early when the next character does not fit, which is why
 * the total divided by the capacity can under-count.
 */
export function splitUnits(costs: readonly number[], single: number, concatenated: number): Split {
  let units = 0;
  for (const cost of costs) units += cost;
  if (units <= single) return { parts: units === 0 ? [] : [units], units, remaining: single - units };
  const parts: number[] = [];
  let used = 0;
  for (const cost of costs) {
    if (used + cost > concatenated) {
      parts.push(used);
      used = 0;
    }
    used += cost;
  }
  parts.push(used);
  return { parts, units, remaining: concatenated - used };
}
