import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * AES-256-GCM sealing of secrets at rest, with key rotation. The sealed form is
 * `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url): the key id tells which master key opens it,
 * so values sealed before a rotation still open while the old key is listed as a previous one
 * (MC_RELAY_PREVIOUS_MASTER_KEYS), and `mc-relay reseal-secrets` finds the ones left to re-seal.
 * `v1.<iv>.<tag>.<ciphertext>` (no key id) is the format before rotation existed: every key is tried.
 */
export class SecretBox {
  readonly #current: { id: string; key: Buffer };
  readonly #byId: Map<string, Buffer>;

  /** `keys[0]` seals; every key opens. */
  constructor(keys: Buffer | Buffer[]) {
    const list = Array.isArray(keys) ? keys : [keys];
    if (list.length === 0) throw new Error('a secret box needs a master key');
    for (const key of list) if (key.length !== 32) throw new Error('the master key must be 32 bytes (AES-256)');
    this.#byId = new Map(list.map((key) => [keyId(key), key]));
    this.#current = { id: keyId(list[0]!), key: list[0]! };
  }

  /** Id of the key that seals: values sealed with another one are due for re-sealing. */
  get currentKeyId(): string {
    return this.#current.id;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v2', this.#current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const parts = sealed.split('.');
    if (parts[0] === 'v2' && parts.length === 5) {
      const key = this.#byId.get(parts[1]!);
      if (!key) throw new Error(`sealed with master key ${parts[1]}, which is neither the current key nor a previous one (MC_RELAY_PREVIOUS_MASTER_KEYS)`);
      return decrypt(key, parts[2]!, parts[3]!, parts[4]!);
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      for (const key of this.#byId.values()) {
        try {
          return decrypt(key, parts[1]!, parts[2]!, parts[3]!);
        } catch {
          // not this key: the authentication tag tells
        }
      }
      throw new Error('no master key opens this sealed secret');
    }
    throw new Error('not a sealed secret');
  }

  /** True when `sealed` is not sealed with the current key (v1, or an older key's id). */
  needsReseal(sealed: string): boolean {
    return !sealed.startsWith(`v2.${this.#current.id}.`);
  }
}

function decrypt(key: Buffer, iv: string, tag: string, ciphertext: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

/** A short public name for a key: a hash prefix, which reveals nothing usable about the key. */
function keyId(key: Buffer): string {
  return createHash('sha256').update('mc-relay master key id').update(key).digest('base64url').slice(0, 8);
}

/** Reads a master key given as 64 hex characters or base64 of 32 bytes. */
export function parseMasterKey(text: string, name = 'MC_RELAY_MASTER_KEY'): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes, as 64 hex characters or base64`);
  return key;
}

/** MC_RELAY_PREVIOUS_MASTER_KEYS: comma-separated keys that still open, never seal. */
export function parsePreviousMasterKeys(text: string | undefined): Buffer[] {
  return (text ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '')
    .map((k) => parseMasterKey(k, 'each of MC_RELAY_PREVIOUS_MASTER_KEYS'));
}

/**
 * The embedded default only: a key generated once into the data folder, readable by its owner
 * alone. A shared PostgreSQL deployment must pass MC_RELAY_MASTER_KEY instead, so that every
 * instance holds the same key.
 */
export function loadOrCreateKeyFile(path: string): Buffer {
  if (!existsSync(path)) {
    writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  chmodSync(path, 0o600);
  return parseMasterKey(readFileSync(path, 'utf8'));
}
