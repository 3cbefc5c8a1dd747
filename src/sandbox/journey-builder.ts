import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { request } from 'undici';

/**
 * Plays Journey Builder's side of execute: fills an example body (examples/execute/*.json) with
 * one contact's journey data and signs it as Journey Builder does (HS256, package secret).
 */
export type JourneyData = Record<string, string>;

export function loadExample(name: string): string {
  return readFileSync(new URL(`../../examples/execute/${name}.json`, import.meta.url), 'utf8');
}

/** Replaces `{{name}}` placeholders with JSON-escaped values; the result is the decoded execute body. */
export function fillExample(template: string, data: JourneyData): Record<string, unknown> {
  const filled = template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = data[name];
    return value === undefined ? whole : JSON.stringify(value).slice(1, -1);
  });
  return JSON.parse(filled) as Record<string, unknown>;
}

export class ExecuteSigner {
  /** Imported once: jose re-imports a raw secret on every signature. */
  readonly #key: Promise<CryptoKey>;

  constructor(jwtSecret: string) {
    this.#key = crypto.subtle.importKey('raw', new TextEncoder().encode(jwtSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  }

  async sign(body: Record<string, unknown>, expiresInSeconds = 3600): Promise<string> {
    return new SignJWT(body).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setExpirationTime(`${expiresInSeconds}s`).sign(await this.#key);
  }
}

export async function postExecute(activityUrl: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await request(`${activityUrl}execute`, { method: 'POST', headers: { 'content-type': 'application/jwt' }, body: token });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}
