// The Reports activity's configuration UI: pick one of this journey's mc-relay Message activities
// (from requestInteraction) and the report to fetch; the binding of its messageId
// (`{{Interaction.<activityKey>.messageId}}`) is written for the marketer. The engagement split
// (activities/split/) is the same page without the report type: its branches are the answer.
import { el } from '../shared/form-kit.js';
import { on, startActivity, trigger } from '../shared/journey.js';
// The report types execute accepts (src/journey/report-modes.ts), as the `reportType` inArgument names them.
import { reportModes } from '/ui/shared/report-modes.js';
import { reportTypeKey } from '/ui/shared/report-type-key.js';

const $ = (id) => document.getElementById(id);
const isSplit = document.body.dataset.activity === 'split';
const messageBase = new URL(location.pathname.replace(/\/activities\/(reports|split)\/.*$/, '/activities/message/'), location.origin).href;
const bindingOf = (key) => `{{Interaction.${key}.messageId}}`;
let payload;

/** Only our Message activities: their execute URL is this tenant's Message activity. */
const messageActivities = (interaction) =>
  (interaction?.activities ?? []).filter((a) => String(a.arguments?.execute?.url ?? '').startsWith(messageBase));

function render(activities, saved) {
  const select = $('message-activity');
  select.replaceChildren(
    el('option', { value: '', text: activities.length ? 'Choose a Message activity…' : 'No mc-relay Message activity in this journey yet' }),
    ...activities.map((a) => el('option', { value: a.key, text: a.name ? `${a.name} (${a.key})` : a.key })),
  );
  const savedKey = /^\{\{Interaction\.([^.]+)\.messageId\}\}$/.exec(saved.get('messageId') ?? '')?.[1];
  if (savedKey && !activities.some((a) => a.key === savedKey)) showError('message-activity', `The saved Message activity ${savedKey} is no longer in this journey: choose another.`);
  else select.value = savedKey ?? (activities.length === 1 ? activities[0].key : '');
  const type = savedReportMode(saved.get('reportType'));
  if (type === undefined) showError('report-type', `The saved report type "${saved.get('reportType')}" is not one this activity knows: choose one.`);
  $('report-types').replaceChildren(
    ...reportModes.map(({ id: value, label, help }) =>
      el('div', { class: 'slds-radio' },
        el('input', { type: 'radio', id: `type-${value}`, name: 'reportType', value, checked: value === type, 'aria-describedby': `type-${value}-help` }),
        el('label', { class: 'slds-radio__label', for: `type-${value}` }, el('span', { class: 'slds-radio_faux' }), el('span', { class: 'slds-form-element__label', text: label })),
        el('div', { class: 'slds-form-element__help mcr-hint', id: `type-${value}-help`, text: help }))),
  );
  updateBinding();
}

/** The mode a saved `reportType` names, by id or alias, as execute reads it; absent means Delivery. */
function savedReportMode(reportType) {
  if (reportType === undefined || String(reportType).trim() === '') return reportModes[0].id;
  return reportModes.find((mode) => mode.keys.includes(reportTypeKey(String(reportType))))?.id;
}

function updateBinding() {
  const key = $('message-activity').value;
  $('binding').textContent = key ? bindingOf(key) : '—';
}

/** A message under the field it is about ('message-activity' or 'report-type'), or none. */
function showError(field, message) {
  const help = $(`${field}-error`);
  help.textContent = message ?? '';
  help.hidden = !message;
  help.closest('.slds-form-element').classList.toggle('slds-has-error', Boolean(message));
}

on('clickedNext', () => {
  const key = $('message-activity').value;
  if (!key) {
    showError('message-activity', 'Choose the Message activity whose report you want');
    $('message-activity').focus();
    trigger('ready');
    return;
  }
  const reportType = document.querySelector('input[name="reportType"]:checked')?.value;
  if (!isSplit && !reportType) {
    showError('report-type', 'Choose the report to fetch');
    trigger('ready');
    return;
  }
  payload.arguments.execute.inArguments = isSplit ? [{ messageId: bindingOf(key) }] : [{ messageId: bindingOf(key) }, { reportType }];
  payload.metaData = { ...payload.metaData, isConfigured: true };
  trigger('updateActivity', payload);
});
$('message-activity').addEventListener('change', () => {
  showError('message-activity', undefined);
  updateBinding();
});
$('report-types').addEventListener('change', () => showError('report-type', undefined));

const started = await startActivity();
payload = started.payload;
const saved = new Map((payload.arguments?.execute?.inArguments ?? []).flatMap((entry) => Object.entries(entry)));
render(messageActivities(started.interaction), saved);
trigger('updateButton', { button: 'next', text: 'done', enabled: true });
$('app').setAttribute('aria-busy', 'false');
