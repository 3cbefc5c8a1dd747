import type { ActivityDefinition } from '../../journey/activity-config.ts';

export const activityIcon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64"><rect width="64" height="64" rx="12" fill="#0b5cab"/><path d="M14 20h36a4 4 0 0 1 4 4v16a4 4 0 0 1-4 4H30l-10 8v-8h-6a4 4 0 0 1-4-4V24a4 4 0 0 1 4-4z" fill="#fff"/></svg>`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The configuration UI is its own piece of work; until it lands, the modal says so. */
export function placeholderPage(activity: ActivityDefinition): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(activity.name)}</title></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem"><h1>${escapeHtml(activity.name)}</h1>
<p>${escapeHtml(activity.description)}.</p>
<p>The configuration screen is not built yet: configure this activity's inArguments as the README describes.</p></body></html>`;
}
