import { errors, jwtVerify } from 'jose';

/**
 * Journey Builder signs execute (and, when it honours useJwt there, lifecycle) bodies as a
 * compact HS256 JWS with the installed package's JWT signing secret. Only HS256 is accepted, so
 * `alg: none` and algorithm confusion fail; `exp`, when present, must be in the future.
 */
export async function verifyJourneyJwt(token: string, key: CryptoKey): Promise<Record<string, unknown> | undefined> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
    return payload as Record<string, unknown>;
  } catch (error) {
    if (error instanceof errors.JOSEError || error instanceof TypeError) return undefined;
    throw error;
  }
}
