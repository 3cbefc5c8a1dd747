// The Message activity's configuration UI. Step 1: channel and Infobip account. Step 2: the
// channel's form (channels.js), the recipient's phone fields, the shared features (features.js),
// a test send. Done validates with execute's own rules (the backend runs execute without storing)
// and hands Journey Builder the inArguments execute reads.
import { entryFields, isPhoneField, mergeFieldsIn, sampleValue, staleBindings } from '../shared/bindings.js';
import { createForm, el, mergePicker } from '../shared/form-kit.js';
import { ask, on, startActivity, trigger } from '../shared/journey.js';
import { LMS_MAX_BYTES, lmsBytes, smsInfo, worstCaseSegments } from '/ui/shared/counters.js';
import { channelForms } from './channels.js';
import { features } from './features.js';

const $ = (id) => document.getElementById(id);
const apiBase = `${location.pathname.replace(/index\.html$/, '')}api/`;
/** A valid international number standing in for the contact's phone while validating. */
const SAMPLE_PHONE = '+4915110000000';
const MERGE_TOKEN = /#\{([^{}]{1,128})\}/g;

const state = {
  payload: undefined,
  token: undefined,
  fields: [],
  entry: {},
  context: undefined,
  step: 'channel',
  channel: undefined,
  forms: { channel: undefined, features: [] },
  phoneOrder: [],
  saved: new Map(),
  senderListeners: [],
};

async function api(path, options = {}, retried = false) {
  const response = await fetch(`${apiBase}${path}`, {
    method: options.body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${state.token}`, ...(options.body ? { 'content-type': 'application/json' } : {}) },
    body: options.body ? JSON.stringify(options.body) : undefined,
  });
  // Journey Builder's user tokens expire (about 20 minutes): ask for a fresh one once, then retry.
  if (response.status === 401 && !retried) {
    state.token = (await ask('requestTokens', 'requestedTokens')).fuel2token;
    return api(path, options, true);
  }
  const body = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, body };
}

// ------------------------------------------------------------------ form context (used by form-kit)

const formContext = {
  mergeFields: () => state.fields.filter((f) => !isPhoneField(f)).map((f) => f.name),
  count: (kind, text, node) => renderCounter(kind, text, node),
  onChange: () => undefined,
  api,
  sender: () => $('sender').value.trim() || currentChannel()?.defaultSender || '',
  accountId: () => $('account').value,
  customDomains: () => currentAccount()?.customDomains ?? [],
  onSenderChange: (listener) => state.senderListeners.push(listener),
  attachMergePicker: (input, label) => input.after(mergePicker(input, formContext, label)),
};

const currentChannel = () => state.context?.channels.find((c) => c.id === state.channel);
const currentAccount = () => state.context?.accounts.find((a) => a.id === $('account').value);

/**
 * The chosen account's sender names for the channel's family (the Configuration app's channel
 * step), offered beside the sender field. A typed sender still goes: the names are optional and
 * Infobip accepts others.
 */
function offerSenderNames() {
  const channel = currentChannel();
  const names = channel ? (currentAccount()?.senders[channel.senderKind] ?? []) : [];
  const picker = $('sender-names');
  picker.replaceChildren(el('option', { value: '', text: 'Choose a configured sender name…' }), ...names.map((name) => el('option', { value: name, text: name })));
  picker.hidden = names.length === 0;
  showPickedSender();
}

/** The picker shows the sender when it is one of its names, else its prompt. */
function showPickedSender() {
  const picker = $('sender-names');
  const sender = $('sender').value.trim();
  picker.value = [...picker.options].some((o) => o.value !== '' && o.value === sender) ? sender : '';
}

// ------------------------------------------------------------------ live counter (SMS/LMS)

function renderCounter(kind, text, node) {
  const used = [...text.matchAll(MERGE_TOKEN)].map((m) => m[1].trim());
  const literal = text.replace(MERGE_TOKEN, '').replace(/\\#/g, '#');
  const lengths = used.map((name) => ({ name, maxLength: state.fields.find((f) => f.name === name)?.length ?? 0 }));
  node.classList.remove('mcr-warning');
  if (kind === 'lms') {
    const bytes = lmsBytes(literal);
    const worst = bytes + lengths.reduce((sum, f) => sum + 2 * f.maxLength, 0);
    node.textContent = `${bytes} of ${LMS_MAX_BYTES} bytes · ${LMS_MAX_BYTES - bytes} left`;
    if (used.length > 0 && worst > LMS_MAX_BYTES) {
      node.textContent += ` · Warning: with merge fields at their longest it can reach ${worst} bytes (over the limit).`;
      node.classList.add('mcr-warning');
    }
    return;
  }
  const language = state.forms.channel?.values().language;
  const info = smsInfo(literal, language);
  node.textContent = `${info.encoding} · ${info.segments} segment${info.segments === 1 ? '' : 's'} · ${info.remaining} characters left in this segment`;
  if (used.length > 0) {
    const worst = worstCaseSegments(literal, lengths, language);
    if (worst > info.segments) {
      node.textContent += ` · Warning: merge fields (${lengths.map((f) => `${f.name} up to ${f.maxLength}`).join(', ')}) can make it up to ${worst} segments.`;
      node.classList.add('mcr-warning');
    }
  }
}

// ------------------------------------------------------------------ inArguments

/** The saved inArguments as an ordered map (later entries win, as execute merges them). */
function argumentMap(inArguments) {
  const map = new Map();
  for (const entry of inArguments ?? []) for (const [k, v] of Object.entries(entry)) map.set(k, typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : v === undefined ? undefined : String(v));
  return map;
}

/** A form's values as inArguments: lists as JSON text, a definition's own mapping where it has one. */
function formArguments(form) {
  const values = form.values();
  const args = {};
  for (const f of form.fields) {
    if (!f.visible() || !(f.def.name in values)) continue;
    const value = values[f.def.name];
    if (f.def.toArguments) Object.assign(args, f.def.toArguments(value));
    else args[f.def.name] = typeof value === 'object' ? JSON.stringify(value) : value;
  }
  return args;
}

function restoreForm(form, args) {
  const values = {};
  for (const f of form.fields) values[f.def.name] = f.def.fromArguments ? f.def.fromArguments(args) : args.get(f.def.name);
  form.set(values);
}

const fieldByName = (name) => state.fields.find((f) => f.name === name);

/** Everything the activity saves, in order: phone fields in the marketer's order, then content, then the merge-field bindings. */
function buildInArguments() {
  const channel = currentChannel();
  const content = { ...formArguments(state.forms.channel), ...Object.assign({}, ...state.forms.features.map(formArguments)) };
  const name = $('activity-name').value.trim();
  const sender = $('sender').value.trim();
  const used = [...mergeFieldsIn(Object.values(content))];
  return [
    { channel: channel.id },
    { accountId: $('account').value },
    ...(name ? [{ activityName: name }] : []),
    ...(sender ? [{ sender }] : []),
    ...state.phoneOrder.filter((p) => p.selected).map((p) => ({ [`phone.${p.name}`]: fieldByName(p.name)?.binding })),
    ...Object.entries(content).map(([k, v]) => ({ [k]: v })),
    ...used.filter((n) => fieldByName(n)).map((n) => ({ [`field.${n}`]: fieldByName(n).binding })),
  ];
}

/** The same inArguments with each binding replaced by a sample value, as one contact would have them. */
function sampleArguments(inArguments) {
  return inArguments.map((entry) => {
    const [[k, v]] = Object.entries(entry);
    if (k.startsWith('phone.')) return { [k]: SAMPLE_PHONE };
    if (k.startsWith('field.')) return { [k]: sampleValue(fieldByName(k.slice(6))) };
    return entry;
  });
}

// ------------------------------------------------------------------ rendering

function renderStep1() {
  const { channels, accounts } = state.context;
  const list = $('channels');
  list.replaceChildren(
    ...channels.map((c) =>
      el('div', { class: 'slds-radio' },
        el('input', { type: 'radio', id: `channel-${c.id}`, name: 'channel', value: c.id, checked: c.id === state.channel }),
        el('label', { class: 'slds-radio__label', for: `channel-${c.id}` }, el('span', { class: 'slds-radio_faux' }), el('span', { class: 'slds-form-element__label', text: c.name })))),
  );
  $('account').replaceChildren(...accounts.map((a) => el('option', { value: a.id, text: `${a.name}${a.isDefault ? ' (default)' : ''}` })));
  const saved = state.saved.get('accountId');
  $('account').value = accounts.some((a) => a.id === saved) ? saved : (accounts.find((a) => a.isDefault) ?? accounts[0]).id;
  if (channels.length === 0) showSummary(['No channel is configured for this business unit: add a sender in the connector\'s tenant settings.']);
}

function renderPhones() {
  const box = $('phones');
  const phones = state.fields.filter(isPhoneField);
  const savedOrder = [...state.saved.keys()].filter((k) => k.startsWith('phone.')).map((k) => k.slice(6));
  if (state.phoneOrder.length === 0) {
    const ordered = [...savedOrder.filter((n) => phones.some((p) => p.name === n)), ...phones.map((p) => p.name).filter((n) => !savedOrder.includes(n))];
    state.phoneOrder = ordered.map((name) => ({ name, selected: savedOrder.length === 0 || savedOrder.includes(name) }));
  }
  box.replaceChildren(
    ...state.phoneOrder.map((p, i) =>
      el('li', { class: 'mcr-phone' },
        el('div', { class: 'slds-checkbox' },
          el('input', { type: 'checkbox', id: `phone-${p.name}`, checked: p.selected, 'data-phone': p.name }),
          el('label', { class: 'slds-checkbox__label', for: `phone-${p.name}` }, el('span', { class: 'slds-checkbox_faux' }), el('span', { class: 'slds-form-element__label', text: `${i + 1}. ${p.name}` }))),
        state.phoneOrder.length > 1 ? el('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-up': String(i), disabled: i === 0, text: 'Move up', 'aria-label': `Move ${p.name} up` }) : undefined)),
  );
  $('phones-help').textContent = phones.length === 0
    ? 'The entry source has no Phone field: add one (type Phone) to its data extension.'
    : phones.length > 1 ? 'The message goes to the first populated field, in this order.' : '';
}

function renderStep2() {
  const channel = currentChannel();
  $('channel-title').textContent = `${channel.name} message`;
  $('sender').placeholder = channel.defaultSender ? `Default: ${channel.defaultSender}` : '';
  offerSenderNames();
  if (!$('activity-name').value) $('activity-name').placeholder = `mc-relay ${channel.name}`;
  state.senderListeners = [];
  const container = $('channel-form');
  container.replaceChildren();
  state.forms.channel = createForm(channelForms[channel.id], container, formContext);
  const featureBox = $('features');
  featureBox.replaceChildren();
  state.forms.features = features
    .filter((f) => f.appliesTo(channel, state.entry))
    .map((f) => {
      const section = el('fieldset', { class: 'slds-form-element mcr-feature', 'data-feature': f.id }, el('legend', { class: 'slds-form-element__legend slds-form-element__label', text: f.label }));
      featureBox.append(section);
      return createForm(f.fields, section, formContext);
    });
  if (state.saved.get('channel') === channel.id) {
    restoreForm(state.forms.channel, state.saved);
    for (const form of state.forms.features) restoreForm(form, state.saved);
  } else {
    state.forms.channel.set({});
    for (const form of state.forms.features) form.set({});
  }
  renderPhones();
}

function show(step) {
  state.step = step;
  $('step-channel').hidden = step !== 'channel';
  $('step-message').hidden = step !== 'message';
  trigger('updateButton', { button: 'next', text: step === 'message' ? 'done' : 'next', enabled: true });
  trigger('updateButton', { button: 'back', visible: step === 'message' });
  if (step === 'message') $('channel-title').focus();
}

function showSummary(messages) {
  const box = $('errors');
  box.hidden = messages.length === 0;
  box.replaceChildren(...messages.map((m) => el('p', { text: m })));
}

function clearErrors() {
  showSummary([]);
  state.forms.channel?.clearErrors();
  for (const f of state.forms.features) f.clearErrors();
  for (const id of ['sender', 'activity-name']) setFieldError(id, undefined);
  $('phones-error').hidden = true;
}

function setFieldError(id, message) {
  const input = $(id);
  const help = $(`${id}-error`);
  input.closest('.slds-form-element').classList.toggle('slds-has-error', Boolean(message));
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  help.textContent = message ?? '';
  help.hidden = !message;
}

/** Puts an error next to the field it names; answers the element to focus, if any. */
function placeError(field, message) {
  if (field === 'sender' || field === 'activityName') {
    setFieldError(field === 'sender' ? 'sender' : 'activity-name', message);
    return $(field === 'sender' ? 'sender' : 'activity-name');
  }
  if (field === 'phone') {
    $('phones-error').textContent = message;
    $('phones-error').hidden = false;
    return $('phones').querySelector('input');
  }
  for (const form of [state.forms.channel, ...state.forms.features]) {
    if (form.showError(field, message)) return document.querySelector(`[data-field="${CSS.escape(field.replace(/\[(\d+)\]/g, '.$1'))}"] :is(input, select, textarea)`) ?? form.fields[0]?.node.querySelector('input, select, textarea');
  }
  return undefined;
}

// ------------------------------------------------------------------ validation and Done

/** Checks in the page first (required fields, phone, merge fields), then execute's own rules on the server. */
async function validate() {
  clearErrors();
  const errors = { ...state.forms.channel.missing(), ...Object.assign({}, ...state.forms.features.map((f) => f.missing())) };
  if (!state.phoneOrder.some((p) => p.selected)) errors.phone = 'Choose at least one phone field for the recipient';
  const inArguments = buildInArguments();
  const unknown = [...mergeFieldsIn(inArguments.filter((e) => !Object.keys(e)[0].startsWith('field.')).map((e) => Object.values(e)[0]))].filter((n) => !fieldByName(n));
  if (unknown.length > 0) errors.text = `Not a field of the entry source: ${unknown.map((n) => `#{${n}}`).join(', ')}`;
  let first;
  const unplaced = [];
  for (const [field, message] of Object.entries(errors)) {
    const target = placeError(field, message);
    if (!target) unplaced.push(message);
    first ??= target;
  }
  if (Object.keys(errors).length === 0) {
    const answer = await api('validate', { body: { inArguments: sampleArguments(inArguments) } });
    if (!answer.ok) {
      unplaced.push(answer.body.message ?? `Validation failed (${answer.status})`);
    } else if (!answer.body.ok) {
      const target = answer.body.field ? placeError(answer.body.field, answer.body.messageStatus) : undefined;
      if (!target) unplaced.push(answer.body.messageStatus);
      first = target;
      errors.server = answer.body.messageStatus;
    }
  }
  showSummary(unplaced.length > 0 || Object.keys(errors).length > 0 ? ['Fix the fields marked below before saving.', ...unplaced] : []);
  first?.focus();
  return unplaced.length === 0 && Object.keys(errors).length === 0 ? inArguments : undefined;
}

async function done() {
  const inArguments = await validate();
  if (!inArguments) {
    trigger('ready');
    return;
  }
  const payload = state.payload;
  payload.arguments.execute.inArguments = inArguments;
  payload.metaData = { ...payload.metaData, isConfigured: true };
  // The activity name is the Bulk ID in reports and the name Journey Builder shows on the canvas
  // and in requestInteraction, where the Reports activity lists Message activities by it.
  const name = $('activity-name').value.trim();
  if (name) payload.name = name;
  trigger('updateActivity', payload);
}

// ------------------------------------------------------------------ test send

async function testSend() {
  const to = $('test-to').value.trim();
  const result = $('test-result');
  if (!to) {
    result.textContent = 'Type the phone number to send the test to.';
    return;
  }
  const inArguments = sampleArguments(buildInArguments()).filter((e) => !Object.keys(e)[0].startsWith('phone.'));
  const samples = inArguments.filter((e) => Object.keys(e)[0].startsWith('field.')).map((e) => `${Object.keys(e)[0].slice(6)} = "${Object.values(e)[0]}"`);
  result.textContent = 'Sending…';
  const answer = await api('test-send', { body: { inArguments, to } });
  if (!answer.ok || !answer.body.ok) {
    result.textContent = `Not sent: ${answer.body.messageStatus ?? answer.body.message ?? answer.status}`;
    if (answer.body.field) placeError(answer.body.field, answer.body.messageStatus);
    return;
  }
  const sampleNote = samples.length > 0 ? ` Merge fields were filled with sample values: ${samples.join(', ')}.` : '';
  result.textContent = `Test message ${answer.body.messageId} queued.${sampleNote}`;
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const report = await api(`test-send/${answer.body.messageId}`);
    if (report.ok && report.body.statusGroupName !== 'NOT_AVAILABLE') {
      result.textContent = `Test message ${answer.body.messageId}: ${report.body.statusGroupName} (${report.body.statusName}).${sampleNote}`;
      return;
    }
  }
}

// ------------------------------------------------------------------ start

async function main() {
  const { payload, tokens, schema, trigger: entry } = await startActivity();
  state.payload = payload;
  state.token = tokens.fuel2token;
  state.fields = entryFields(schema);
  state.entry = { type: entry?.eventDefinition?.type };
  const inArguments = payload.arguments?.execute?.inArguments ?? [];
  state.saved = argumentMap(inArguments);
  state.channel = state.saved.get('channel');
  const context = await api('context');
  if (!context.ok) {
    showSummary([context.body.message ?? `The connector answered ${context.status}.`]);
    $('step-channel').hidden = true;
    return;
  }
  state.context = context.body;
  if (state.channel && !currentChannel()) showSummary([`This activity was saved for channel ${state.channel}, which this business unit no longer has configured.`]);
  $('activity-name').value = state.saved.get('activityName') ?? payload.name ?? '';
  $('sender').value = state.saved.get('sender') ?? '';
  const stale = staleBindings(inArguments, state.fields);
  if (stale) {
    const parts = [`This activity's fields are bound to another entry source (${stale.oldKeys.join(', ')}), e.g. after copying the journey.`];
    if (stale.rebound.length) parts.push(`These are re-bound to the current entry source when you click Done: ${stale.rebound.join(', ')}.`);
    if (stale.missing.length) parts.push(`Re-select these, which the current entry source does not have: ${stale.missing.join(', ')}.`);
    $('stale').replaceChildren(...parts.map((p) => el('p', { text: p })));
    $('stale').hidden = false;
  }
  renderStep1();
  trigger('updateSteps', [
    { key: 'channel', label: 'Channel', active: true },
    { key: 'message', label: 'Message', active: true },
  ]);
  show('channel');
  $('app').setAttribute('aria-busy', 'false');
}

on('clickedNext', () => {
  if (state.step === 'channel') {
    const picked = document.querySelector('input[name="channel"]:checked');
    if (!picked) {
      $('channel-error').hidden = false;
      document.querySelector('input[name="channel"]')?.focus();
      trigger('ready');
      return;
    }
    $('channel-error').hidden = true;
    if (picked.value !== state.channel || !state.forms.channel) {
      state.channel = picked.value;
      renderStep2();
    }
    trigger('nextStep');
  } else void done();
});
on('clickedBack', () => trigger('prevStep'));
on('gotoStep', (step) => {
  if (step.key === 'message' && !state.forms.channel) renderStep2();
  show(step.key === 'message' ? 'message' : 'channel');
});

$('phones').addEventListener('change', (event) => {
  const name = event.target.dataset.phone;
  const entry = state.phoneOrder.find((p) => p.name === name);
  if (entry) entry.selected = event.target.checked;
});
$('phones').addEventListener('click', (event) => {
  const index = Number(event.target.dataset?.up);
  if (!Number.isInteger(index) || index < 1) return;
  const [moved] = state.phoneOrder.splice(index, 1);
  state.phoneOrder.splice(index - 1, 0, moved);
  renderPhones();
  // The focus follows the moved field: its Move up, or its checkbox once at the top (a disabled button takes no focus).
  const row = $('phones').children[index - 1];
  const up = row?.querySelector('[data-up]');
  (up && !up.disabled ? up : row?.querySelector('input'))?.focus();
});
$('sender').addEventListener('change', () => state.senderListeners.forEach((l) => l()));
$('sender').addEventListener('input', showPickedSender);
$('sender-names').addEventListener('change', () => {
  if (!$('sender-names').value) return;
  $('sender').value = $('sender-names').value;
  $('sender').dispatchEvent(new Event('change'));
});
// Another account has other custom domains, sender names and templates: the forms already built follow it.
$('account').addEventListener('change', () => {
  offerSenderNames();
  for (const form of [state.forms.channel, ...state.forms.features]) form?.refresh();
  state.senderListeners.forEach((l) => l());
});
$('test-send').addEventListener('click', () => void testSend());

void main();
