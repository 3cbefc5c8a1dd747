/**
 * Where Marketing Cloud frames our pages from: Journey Builder (activity UIs) and the App
 * Switcher (the Configuration app). Only these may frame them (CSP `frame-ancestors`); we send no
 * X-Frame-Options, whose DENY/SAMEORIGIN would stop Marketing Cloud itself.
 */
export const MARKETING_CLOUD_FRAME_ANCESTORS = "'self' https://*.exacttarget.com https://*.marketingcloudapps.com https://*.marketingcloudapis.com";

/** A source expression: a scheme, host or keyword, never a `;` or `,` that would add a directive or header. */
const SOURCE = /^('self'|'none'|[a-z][a-z0-9+.-]*:(\/\/[a-z0-9*.-]+(:(\d+|\*))?(\/[^\s;,']*)?)?|[a-z0-9*.-]+(:(\d+|\*))?)$/i;

/**
 * The `frame-ancestors` sources: the operator's list (MC_RELAY_FRAME_ANCESTORS, space-separated
 * CSP sources) or Marketing Cloud's. The sandbox (private URLs allowed) adds loopback, where its
 * Journey Builder stand-in runs.
 */
export function frameAncestors(configured: string | undefined, allowPrivateUrls: boolean): string {
  const sources = configured?.trim() || MARKETING_CLOUD_FRAME_ANCESTORS;
  const wrong = sources.split(/\s+/).find((s) => !SOURCE.test(s));
  if (wrong) throw new Error(`MC_RELAY_FRAME_ANCESTORS takes space-separated CSP sources such as https://*.exacttarget.com, got "${wrong}"`);
  return allowPrivateUrls ? `${sources} http://127.0.0.1:* http://localhost:*` : sources;
}
