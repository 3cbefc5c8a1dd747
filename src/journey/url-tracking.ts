import type { ActivityArguments } from './activity-arguments.ts';
import { messageStatus } from './message-status.ts';

/** Infobip's `options.tracking` (`UrlOptions`): the guide's "URL shortening & tracking". */
export interface UrlTracking {
  shortenUrl: boolean;
  trackClicks: boolean;
  removeProtocol: boolean;
  customDomain?: string;
  trackingUrl?: string;
}

/** Infobip clips nothing here: a domain is a DNS name (≤ 253), a URL is kept to 2,048 characters. */
const MAX_DOMAIN_LENGTH = 253;
const MAX_TRACKING_URL_LENGTH = 2048;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/**
 * Reads the activity's URL shortening & tracking settings. `urlShortening: true` turns the
 * feature on; the two flags must then be given explicitly, as the guide's activity requires
 * (its "Missing shortenUrl flag" / "Missing trackClicks flag" statuses).
 */
export function readUrlTracking(args: ActivityArguments): { ok: true; tracking: UrlTracking | undefined } | { ok: false; messageStatus: string } {
  const enabled = args.flag('urlShortening');
  if (enabled === undefined || enabled === false) return { ok: true, tracking: undefined };
  if (enabled === null) return { ok: false, messageStatus: messageStatus.missingShortenUrl };
  const shortenUrl = args.flag('shortenUrl');
  if (shortenUrl === undefined || shortenUrl === null) return { ok: false, messageStatus: messageStatus.missingShortenUrl };
  const trackClicks = args.flag('trackClicks');
  if (trackClicks === undefined || trackClicks === null) return { ok: false, messageStatus: messageStatus.missingTrackClicks };
  const removeProtocol = args.flag('removeProtocol') ?? false;
  const customDomain = args.text('customDomain')?.trim();
  if (customDomain !== undefined && (customDomain.length > MAX_DOMAIN_LENGTH || !DOMAIN.test(customDomain))) {
    return { ok: false, messageStatus: messageStatus.invalidCustomDomainLength };
  }
  const trackingUrl = args.text('trackingUrl')?.trim();
  if (trackingUrl !== undefined && (trackingUrl.length > MAX_TRACKING_URL_LENGTH || !/^https?:\/\/\S+$/.test(trackingUrl))) {
    return { ok: false, messageStatus: messageStatus.invalidTrackingUrlLength };
  }
  return {
    ok: true,
    tracking: {
      shortenUrl,
      trackClicks,
      removeProtocol: removeProtocol === true,
      ...(customDomain ? { customDomain } : {}),
      ...(trackingUrl ? { trackingUrl } : {}),
    },
  };
}
