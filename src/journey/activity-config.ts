/**
 * The two Journey Builder activities and the config.json Journey Builder fetches for each
 * (custom-activity-config.md; sfmc.md §1.2). Both are REST activities whose execute is
 * JWT-signed; their outArguments are declared in `schema` as visible Text so that decision
 * splits and later activities can use them.
 */
export interface ActivityDefinition {
  id: 'message' | 'reports';
  name: string;
  description: string;
  category: 'message' | 'customer' | 'flow';
  outArguments: string[];
  /** Journey Builder's execute timeout; ours answers in milliseconds, so the retries matter more. */
  timeoutMs: number;
}

export const activities: readonly ActivityDefinition[] = [
  {
    id: 'message',
    name: 'mc-relay Message',
    description: 'Send SMS and other Infobip channels',
    category: 'message',
    outArguments: ['messageId', 'messageStatus'],
    timeoutMs: 20_000,
  },
  {
    id: 'reports',
    name: 'mc-relay Reports',
    description: 'Get the delivery report of a message sent by an mc-relay Message activity',
    category: 'customer',
    outArguments: ['statusName', 'statusGroupName', 'errorName', 'doneAt', 'sentAt', 'seenAt', 'plannedAt'],
    timeoutMs: 20_000,
  },
];

export function findActivity(id: string): ActivityDefinition | undefined {
  return activities.find((a) => a.id === id);
}

export const lifecycleCalls = ['save', 'validate', 'publish', 'stop', 'unpublish'] as const;

/** config.json for one activity of one tenant; `baseUrl` ends with a slash. */
export function activityConfig(activity: ActivityDefinition, baseUrl: string): Record<string, unknown> {
  const signed = (call: string) => ({ url: `${baseUrl}${call}`, verb: 'POST', useJwt: true });
  return {
    workflowApiVersion: '1.1',
    metaData: {
      icon: `${baseUrl}icon.svg`,
      category: activity.category,
      expressionBuilderPrefix: activity.name,
      isConfigured: false,
      configOnDrop: true,
    },
    type: 'REST',
    lang: { 'en-US': { name: activity.name, description: activity.description } },
    arguments: {
      execute: {
        inArguments: [],
        outArguments: activity.outArguments.map((name) => ({ [name]: '' })),
        url: `${baseUrl}execute`,
        verb: 'POST',
        body: '',
        header: '',
        format: 'json',
        useJwt: true,
        timeout: activity.timeoutMs,
        // Journey Builder retries timeouts and 5xx; execute is idempotent, so retries are safe.
        retryCount: 3,
        retryDelay: 1000,
        // The documented cap; more needs Salesforce to enable it per account.
        concurrentRequests: 10,
      },
    },
    configurationArguments: Object.fromEntries(lifecycleCalls.map((call) => [call, signed(call)])),
    wizardSteps: [{ label: 'Configure', key: 'configure' }],
    userInterfaces: { configModal: { height: 640, width: 900, fullscreen: false } },
    copySettings: { allowCopy: true, displayCopyNotification: true },
    schema: {
      arguments: {
        execute: {
          inArguments: [],
          outArguments: activity.outArguments.map((name) => ({
            [name]: { dataType: 'Text', isNullable: false, direction: 'out', access: 'visible' },
          })),
        },
      },
    },
  };
}
