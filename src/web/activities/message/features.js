// The guide's "Additional features", shared by the channels: one entry per feature, with the
// channels it applies to and its fields (field names are the inArguments execute reads:
// journey/url-tracking.ts, journey/activity-options.ts, journey/callback-data.ts,
// journey/message-execute.ts). A new feature is one more entry here.

/** Channels with two-way messaging (the guide's "Trigger event on response"). */
const TWO_WAY = new Set(['sms', 'mms', 'rcs', 'viber', 'whatsapp']);

export const features = [
  {
    id: 'urlTracking',
    label: 'URL shortening & tracking',
    appliesTo: (channel) => channel.urlTracking,
    fields: [
      { name: 'urlShortening', label: 'Shorten and track URLs in the message', type: 'checkbox' },
      // Execute wants both flags given explicitly once the feature is on (the guide's "Missing … flag").
      { name: 'shortenUrl', label: 'Shorten URLs', type: 'checkbox', explicit: true, default: true, when: (v) => v.urlShortening === true },
      { name: 'trackClicks', label: 'Track clicks', type: 'checkbox', explicit: true, default: true, when: (v) => v.urlShortening === true },
      { name: 'removeProtocol', label: 'Remove https:// from URLs', type: 'checkbox', when: (v) => v.urlShortening === true },
      // The guide: the default domain or a custom domain added in the Configuration app (per Infobip account).
      { name: 'customDomain', label: 'Domain', type: 'select', blankLabel: "Infobip's default domain", options: (context) => context.customDomains().map((d) => [d, d]), when: (v) => v.urlShortening === true },
      { name: 'trackingUrl', label: 'Click notification URL', type: 'url', when: (v) => v.urlShortening === true },
    ],
  },
  {
    id: 'speedLimit',
    label: 'Sending speed limit',
    appliesTo: () => true,
    fields: [
      { name: 'speedLimit.enabled', label: 'Limit the sending speed', type: 'checkbox', help: 'Set per journey version and activity.' },
      { name: 'speedLimit.amount', label: 'Messages', type: 'number', required: true, when: (v) => v['speedLimit.enabled'] === true, help: '1 to 100,000.' },
      { name: 'speedLimit.timeUnit', label: 'per', type: 'select', required: true, options: [['MINUTE', 'minute'], ['HOUR', 'hour'], ['DAY', 'day']], when: (v) => v['speedLimit.enabled'] === true },
    ],
  },
  {
    id: 'sendWindow',
    label: 'Quiet hours (send window)',
    appliesTo: () => true,
    fields: [
      { name: 'sendWindow.enabled', label: "Send only within a window of the recipient's local time", type: 'checkbox', help: "The zone comes from the phone number's country unless a time zone is given." },
      { name: 'sendWindow.from', label: 'From (HH:MM)', type: 'text', placeholder: '09:00', required: true, when: (v) => v['sendWindow.enabled'] === true },
      { name: 'sendWindow.to', label: 'To (HH:MM)', type: 'text', placeholder: '20:00', required: true, when: (v) => v['sendWindow.enabled'] === true },
      { name: 'sendWindow.outside', label: 'Outside the window', type: 'select', options: [['wait', 'send at the next opening'], ['skip', 'skip and report']], when: (v) => v['sendWindow.enabled'] === true },
      { name: 'sendWindow.timeZone', label: 'Time zone (IANA, optional)', type: 'text', placeholder: 'Europe/Berlin', merge: true, when: (v) => v['sendWindow.enabled'] === true },
    ],
  },
  {
    id: 'delivery',
    label: 'Validity and journey stop',
    appliesTo: () => true,
    fields: [
      { name: 'validityPeriod', label: 'Validity period (minutes)', type: 'number', placeholder: '2880', help: 'A message not sent within it is reported expired, never sent late. 1 to 2,880; default 2,880 (48 h).' },
      { name: 'onJourneyStop', label: 'When the journey is stopped', type: 'select', options: [['cancel', 'cancel messages not yet sent'], ['keepSending', 'keep sending them']] },
    ],
  },
  {
    id: 'triggerEvent',
    label: 'Trigger Event on Response',
    appliesTo: (channel) => TWO_WAY.has(channel.id),
    fields: [
      { name: 'triggerEventOnResponse', label: 'Replies fire a journey event (two-way)', type: 'checkbox' },
      { name: 'eventDefinitionKey', label: "Wait Until Event's event definition key", type: 'text', required: true, when: (v) => v.triggerEventOnResponse === true },
    ],
  },
  {
    id: 'callbackData',
    label: 'Custom callback data',
    appliesTo: () => true,
    fields: [
      {
        name: 'callbackData',
        label: 'Callback data fields',
        type: 'list',
        itemLabel: 'field',
        help: 'Free text or merge fields; reserved names (ActivityId, BulkId, From, Message, JourneyName, ContactKey, MID, VersionId, VersionNumber, TemplateName) are refused. At most 4,000 characters in all.',
        item: [
          { name: 'name', label: 'Field name', type: 'text', required: true },
          { name: 'value', label: 'Field value', type: 'text', required: true, merge: true },
        ],
        toArguments: (list = []) => Object.fromEntries(list.map((f) => [`callbackData.${f.name}`, f.value])),
        fromArguments: (args) => [...args].filter(([k]) => k.startsWith('callbackData.')).map(([k, v]) => ({ name: k.slice('callbackData.'.length), value: v })),
      },
    ],
  },
  {
    id: 'dataExtension',
    label: 'Custom data extension',
    // The guide offers it for API Event entry sources only.
    appliesTo: (_channel, entry) => entry.type === 'APIEvent',
    fields: [
      { name: 'dataExtension.key', label: 'Data extension external key', type: 'text' },
      { name: 'dataExtension.contactKeyField', label: 'Contact key column', type: 'text', placeholder: 'ContactKey', when: (v) => Boolean(v['dataExtension.key']) },
    ],
  },
];
