// The Configuration app in the browser: four steps (Authorize, Infobip accounts, Channels,
// Finish) over the app's API. No framework, no inline script (the page's CSP forbids it); text
// from the server or the user is only ever set as textContent. The session token lives in
// sessionStorage: the app runs in an SFMC iframe, where third-party cookies are not reliable.

const tenantKey = location.pathname.split('/')[2];
const SESSION_KEY = `mc-relay-session:${tenantKey}`;
const STEPS = ['Authorize', 'Infobip accounts', 'Channels', 'Finish'];
const SENDER_KINDS = [
  ['sms', 'SMS Sender Name'],
  ['viber', 'Viber Sender Name'],
  ['kakao', 'Kakao Sender Name'],
  ['rcs', 'RCS Sender Name'],
  ['zalo', 'Zalo Sender Name'],
];
const SCOPES = ['message:send', 'account-management:manage', 'numbers:manage', 'subscriptions:manage', 'application-entity:manage', 'whatsapp:manage', 'omni-failover:manage'];

const state = { step: 0, reached: 0, config: null, options: null, scopes: {}, accountId: null, dataExtensions: null };
const main = document.getElementById('main');

// ---------------------------------------------------------------- DOM helpers

/** Creates an element; string children become text nodes, never markup. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'className') el.className = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}

/** An SLDS form element with its label and the place its error is shown. */
function field(id, label, input, help) {
  input.id = id;
  input.classList.add('slds-input');
  const error = h('div', { className: 'slds-form-element__help', id: `${id}-error`, hidden: true });
  input.setAttribute('aria-describedby', `${id}-error`);
  return h(
    'div',
    { className: 'slds-form-element slds-m-bottom_small', 'data-field': id },
    h('label', { className: 'slds-form-element__label', for: id }, label),
    h('div', { className: 'slds-form-element__control' }, input),
    help ? h('div', { className: 'slds-form-element__help mcr-reason' }, help) : null,
    error,
  );
}

function input(attrs = {}) {
  return h('input', { type: 'text', autocomplete: 'off', ...attrs });
}

/** Shows an API problem next to the field it names, or above the form. */
function showProblem(form, problem) {
  clearProblems(form);
  const holder = problem.field && form.querySelector(`[data-field="${CSS.escape(problem.field)}"]`);
  if (holder) {
    holder.classList.add('slds-has-error');
    const error = holder.querySelector('.slds-form-element__help[id$="-error"]');
    error.textContent = problem.message;
    error.hidden = false;
    holder.querySelector('input, select')?.setAttribute('aria-invalid', 'true');
    holder.querySelector('input, select')?.focus();
  } else {
    form.prepend(alertBox('error', problem.message));
  }
}

function clearProblems(form) {
  for (const el of form.querySelectorAll('.slds-has-error')) el.classList.remove('slds-has-error');
  for (const el of form.querySelectorAll('.slds-form-element__help[id$="-error"]')) {
    el.hidden = true;
    el.textContent = '';
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.mcr-alert')) el.remove();
}

const ALERT_THEMES = { success: 'slds-theme_success', warning: 'slds-alert_warning', error: 'slds-alert_error' };

function alertBox(kind, text) {
  return h('div', { className: `slds-notify slds-notify_alert ${ALERT_THEMES[kind]} mcr-alert slds-m-bottom_small`, role: kind === 'error' ? 'alert' : 'status' }, h('h2', {}, text));
}

/** Element.append would write null as the text "null": absent parts are skipped. */
function appendAll(el, ...children) {
  el.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
}

function notice(kind, text) {
  const holder = document.getElementById('notice');
  holder.replaceChildren(alertBox(kind, text));
}

function button(label, onclick, variant = 'neutral', attrs = {}) {
  return h('button', { type: 'button', className: `slds-button slds-button_${variant}`, onclick, ...attrs }, label);
}

/** Runs an action with its button disabled, so a double click sends one request. */
async function busy(btn, action) {
  btn.disabled = true;
  main.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    btn.disabled = false;
    main.setAttribute('aria-busy', 'false');
  }
}

// ---------------------------------------------------------------- API

class ApiProblem extends Error {
  constructor(status, body) {
    super(body.message || `HTTP ${status}`);
    this.status = status;
    this.field = body.field;
  }
}

async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  const token = sessionStorage.getItem(SESSION_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`api/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 401 && path !== 'session') {
    sessionStorage.removeItem(SESSION_KEY);
    state.config = null;
    state.reached = 0;
    go(0);
    notice('warning', answer.message || 'Your session has ended. Sign in again.');
  }
  if (!response.ok) throw new ApiProblem(response.status, answer);
  return answer;
}

/** Submits a form's action; an API problem is shown next to its field. */
async function submit(form, btn, action) {
  clearProblems(form);
  try {
    return await busy(btn, action);
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    if (error.status !== 401) showProblem(form, error);
    return undefined;
  }
}

// ---------------------------------------------------------------- progress indicator

function renderProgress() {
  const items = STEPS.map((label, i) => {
    const status = i < state.step ? 'slds-is-completed' : i === state.step ? 'slds-is-active' : '';
    const reachable = i <= state.reached && state.config;
    return h(
      'li',
      { className: `slds-progress__item ${status}` },
      h(
        'button',
        {
          type: 'button',
          className: 'slds-button slds-progress__marker',
          'aria-current': i === state.step ? 'step' : undefined,
          disabled: !reachable,
          onclick: () => navigate(i),
        },
        h('span', { className: 'slds-assistive-text' }, `${label}${i < state.step ? ' - completed' : i === state.step ? ' - current step' : ''}`),
      ),
      h('span', { className: 'slds-text-body_small mcr-step-label', 'aria-hidden': 'true' }, label),
    );
  });
  const bar = h('span', { className: 'slds-progress-bar__value' });
  bar.style.width = `${(state.step / (STEPS.length - 1)) * 100}%`;
  document.getElementById('progress').replaceChildren(
    h(
      'div',
      { className: 'slds-progress' },
      h('ol', { className: 'slds-progress__list' }, items),
      h('div', { className: 'slds-progress-bar slds-progress-bar_x-small', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round((state.step / 3) * 100)), role: 'progressbar' }, bar),
    ),
    h('p', { className: 'slds-m-top_small slds-text-title' }, `Step ${state.step + 1} of ${STEPS.length}: ${STEPS[state.step]}`),
  );
}

function go(step) {
  // The tenant's name only once signed in: the sign-in page tells an anonymous visitor nothing.
  document.getElementById('app-subtitle').textContent = state.config?.name ?? '';
  state.step = step;
  state.reached = Math.max(state.reached, step);
  document.getElementById('sign-out').hidden = !state.config;
  renderProgress();
  const views = [authorizeStep, accountsStep, channelsStep, finishStep];
  main.replaceChildren(views[step]());
  main.setAttribute('aria-busy', 'false');
  main.querySelector('h2')?.focus();
}

function heading(text) {
  return h('h2', { className: 'slds-text-heading_medium slds-m-bottom_medium', tabindex: '-1' }, text);
}

/** Moving between steps by the user's choice: the last step's message is no longer news. */
function navigate(step) {
  document.getElementById('notice').replaceChildren();
  go(step);
}

function nextButton(label = 'Next') {
  return button(label, () => navigate(state.step + 1), 'brand', { id: 'next' });
}

// ---------------------------------------------------------------- step 1: Authorize

function authorizeStep() {
  const sfmc = state.config?.sfmc;
  const inputs = {
    mid: input({ inputmode: 'numeric', value: sfmc?.mid ?? '', required: true }),
    clientId: input({ value: sfmc?.clientId ?? '', required: true }),
    clientSecret: input({ type: 'password', placeholder: sfmc?.clientSecret ?? '', required: true }),
    soapOrigin: input({ type: 'url', value: sfmc?.soapOrigin ?? '', placeholder: 'https://<subdomain>.soap.marketingcloudapis.com/', required: true }),
    authOrigin: input({ type: 'url', value: sfmc?.authOrigin ?? '', placeholder: 'https://<subdomain>.auth.marketingcloudapis.com/', required: true }),
    webAppClientId: input({ value: sfmc?.webAppClientId ?? '' }),
    webAppClientSecret: input({ type: 'password', placeholder: sfmc?.webAppClientSecret ?? '' }),
  };
  const form = h('form', { novalidate: true, id: 'authorize-form' });
  const submitButton = h('button', { type: 'submit', className: 'slds-button slds-button_brand', id: 'authorize' }, state.config ? 'Save and continue' : 'Next');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(Object.entries(inputs).map(([name, el]) => [name, el.value.trim()]));
    for (const optional of ['webAppClientId', 'webAppClientSecret']) if (!body[optional]) delete body[optional];
    const missing = ['mid', 'clientId', 'clientSecret', 'soapOrigin', 'authOrigin'].find((name) => !body[name]);
    if (missing) return showProblem(form, { field: missing, message: `${labelOf(missing)} is required` });
    const answer = await submit(form, submitButton, () => api('POST', 'session', body));
    if (!answer) return;
    sessionStorage.setItem(SESSION_KEY, answer.session.token);
    state.config = answer.config;
    notice('success', 'Authorized: Marketing Cloud accepted the credentials.');
    go(1);
  });
  const labels = {
    mid: 'MID',
    clientId: 'Client Id',
    clientSecret: 'Client Secret',
    soapOrigin: 'SOAP Origin',
    authOrigin: 'Auth Origin',
    webAppClientId: 'Web App Client Id (optional)',
    webAppClientSecret: 'Web App Client Secret (optional)',
  };
  function labelOf(name) {
    return labels[name];
  }
  const helps = {
    mid: 'The ID of your business unit, in the top right corner of Marketing Cloud.',
    soapOrigin: 'The SOAP Base URI of the installed package.',
    authOrigin: 'The Authentication Base URI of the installed package.',
    webAppClientId: 'A Web App integration lets you sign in later with your Marketing Cloud login.',
  };
  appendAll(form, ...Object.entries(inputs).map(([name, el]) => field(name, labels[name], el, helps[name])), submitButton);
  const signInWithSfmc = state.options?.webApp && !state.config
    ? h('div', { className: 'mcr-section' }, h('a', { className: 'slds-button slds-button_outline-brand', href: 'oauth/start', id: 'sign-in-sfmc' }, 'Sign in with Marketing Cloud'), h('p', { className: 'slds-m-top_x-small mcr-reason' }, 'Or enter the API integration credentials below.'))
    : null;
  return h('section', {}, heading(state.config ? 'Authorize' : 'Sign in: authorize the app'), signInWithSfmc, form);
}

// ---------------------------------------------------------------- step 2: Infobip accounts

function scopeList(scopes) {
  return h(
    'ul',
    { className: 'mcr-scopes slds-m-top_x-small', 'aria-label': 'Scopes of the API key' },
    SCOPES.map((scope) => {
      const s = scopes[scope] ?? 'unknown';
      const text = s === 'granted' ? 'granted' : s === 'missing' ? 'MISSING: enable it on the API key' : 'not checked (no read-only call needs it)';
      return h('li', { 'data-scope': scope, 'data-state': s }, h('code', {}, scope), ` — ${text}`);
    }),
  );
}

function accountsStep() {
  const list = h(
    'div',
    { className: 'mcr-section', id: 'accounts' },
    state.config.accounts.length === 0
      ? h('p', {}, 'No Infobip account is connected yet.')
      : state.config.accounts.map((a) =>
          h(
            'article',
            { className: 'slds-box slds-m-bottom_small', 'data-account': a.name },
            h('h3', { className: 'slds-text-heading_small' }, a.name, a.isDefault ? ' (default)' : ''),
            h('p', {}, `API Base URL: ${a.baseUrl}`),
            h('p', {}, `API Key: ${a.apiKey}`),
            state.scopes[a.id]
              ? scopeList(state.scopes[a.id])
              : button('Check scopes', async (event) => {
                  try {
                    state.scopes[a.id] = (await busy(event.target, () => api('GET', `accounts/${a.id}/scopes`))).scopes;
                    go(1);
                  } catch (error) {
                    if (error instanceof ApiProblem && error.status !== 401) notice('error', error.message);
                  }
                }, 'neutral', { 'data-check-scopes': a.name }),
          ),
        ),
  );
  const inputs = {
    name: input({ value: state.config.accounts.length === 0 ? 'default' : '' }),
    apiKey: input({ type: 'password' }),
    baseUrl: input({ type: 'url', placeholder: 'https://xxxxx.api.infobip.com' }),
  };
  const form = h('form', { novalidate: true, id: 'account-form', className: 'slds-box slds-theme_shade' });
  const add = h('button', { type: 'submit', className: 'slds-button slds-button_brand', id: 'connect-account' }, state.config.accounts.length === 0 ? 'Connect account' : 'Connect another account');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(Object.entries(inputs).map(([name, el]) => [name, el.value.trim()]));
    const missing = Object.keys(body).find((name) => !body[name]);
    if (missing) return showProblem(form, { field: missing, message: `${{ name: 'Account name', apiKey: 'API Key', baseUrl: 'API Base URL' }[missing]} is required` });
    const answer = await submit(form, add, () => api('POST', 'accounts', body));
    if (!answer) return;
    state.config = answer.config;
    state.scopes[answer.accountId] = answer.scopes;
    const missingScopes = SCOPES.filter((s) => answer.scopes[s] === 'missing');
    const subscriptions = answer.subscriptions === 'created' ? 'Subscriptions created.' : `Subscriptions not created: ${answer.subscriptions}.`;
    const missingText = missingScopes.length ? ` Missing scopes: ${missingScopes.join(', ')}.` : '';
    notice(missingScopes.length ? 'warning' : 'success', `Account connected.${missingText} ${subscriptions}`);
    go(1);
  });
  appendAll(form, 
    h('h3', { className: 'slds-text-heading_small slds-m-bottom_small' }, state.config.accounts.length === 0 ? 'Add API Key' : 'Connect another account'),
    h('p', { className: 'slds-m-bottom_small' }, 'The API key needs these scopes: ', SCOPES.join(', '), '.'),
    field('name', 'Account name', inputs.name),
    field('apiKey', 'API Key', inputs.apiKey),
    field('baseUrl', 'API Base URL', inputs.baseUrl, 'On the Infobip homepage, upper right.'),
    add,
  );
  return h('section', {}, heading('Infobip accounts'), list, form, h('div', { className: 'slds-m-top_medium' }, state.config.accounts.length ? nextButton() : null));
}

// ---------------------------------------------------------------- step 3: Channels

/** A token input: type, press Enter; each token is a pill with a remove button. */
function tokenInput(id, label, values) {
  const tokens = [...values];
  const pills = h('div', { className: 'mcr-tokens', 'aria-live': 'polite' });
  const el = input({ placeholder: 'Type and press Enter' });
  function draw() {
    pills.replaceChildren(
      ...tokens.map((t, i) =>
        h(
          'span',
          { className: 'slds-pill', 'data-token': t },
          h('span', { className: 'slds-pill__label' }, t),
          h('button', { type: 'button', className: 'slds-button slds-button_icon slds-pill__remove', 'aria-label': `Remove ${t}`, onclick: () => { tokens.splice(i, 1); draw(); el.focus(); } }, '×'),
        ),
      ),
    );
  }
  el.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const value = el.value.trim();
    if (value && !tokens.includes(value)) tokens.push(value);
    el.value = '';
    draw();
  });
  draw();
  const wrapper = field(id, label, el);
  wrapper.append(pills);
  return { element: wrapper, values: () => [...tokens, ...(el.value.trim() && !tokens.includes(el.value.trim()) ? [el.value.trim()] : [])] };
}

function radio(name, value, label, checked) {
  const id = `${name}-${value}`;
  return h(
    'span',
    { className: 'slds-radio' },
    h('input', { type: 'radio', id, name, value, checked }),
    h('label', { className: 'slds-radio__label', for: id }, h('span', { className: 'slds-radio_faux' }), h('span', { className: 'slds-form-element__label' }, label)),
  );
}

function channelsStep() {
  const accounts = state.config.accounts;
  if (!accounts.some((a) => a.id === state.accountId)) state.accountId = accounts[0]?.id ?? null;
  const account = accounts.find((a) => a.id === state.accountId);
  const picker = h('select', { className: 'slds-select', id: 'account-picker', onchange: (e) => { state.accountId = e.target.value; go(2); } },
    accounts.map((a) => h('option', { value: a.id, selected: a.id === state.accountId }, a.name)));
  return h(
    'section',
    {},
    heading('Configure channels'),
    h('div', { className: 'slds-form-element slds-m-bottom_medium' }, h('label', { className: 'slds-form-element__label', for: 'account-picker' }, 'Infobip account'), h('div', { className: 'slds-form-element__control' }, h('div', { className: 'slds-select_container' }, picker))),
    channelSettingsSection(account),
    trackingSection(),
    subscriptionsSection(account),
    numbersSection(account),
    dataExtensionsSection(),
    nextButton(),
  );
}

function channelSettingsSection(account) {
  const domains = tokenInput('customDomains', 'Custom Domain', account.channels.customDomains);
  const senders = SENDER_KINDS.map(([kind, label]) => [kind, tokenInput(`sender-${kind}`, label, account.channels.senders[kind] ?? [])]);
  const form = h('form', { novalidate: true, className: 'mcr-section slds-box', id: 'channels-form' });
  const save = h('button', { type: 'submit', className: 'slds-button slds-button_brand', id: 'save-channels' }, 'Save');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { customDomains: domains.values(), senders: Object.fromEntries(senders.map(([kind, t]) => [kind, t.values()])) };
    const answer = await submit(form, save, () => api('PUT', `accounts/${account.id}/channels`, body));
    if (!answer) return;
    state.config = answer;
    notice('success', `Channel settings of ${account.name} saved.`);
    go(2);
  });
  appendAll(form, h('h3', { className: 'slds-text-heading_small slds-m-bottom_small' }, 'Custom domain and sender names'), h('p', { className: 'mcr-reason slds-m-bottom_small' }, 'Optional. Register custom domains in Infobip first. The first sender name of each channel is its default.'), domains.element, ...senders.map(([, t]) => t.element), save);
  return form;
}

function trackingSection() {
  const tracking = state.config.tracking;
  const form = h('form', { novalidate: true, className: 'mcr-section slds-box', id: 'tracking-form' });
  const external = tracking.sms.mode === 'external' || tracking.omni.mode === 'external';
  const mode = h('fieldset', { className: 'slds-form-element slds-m-bottom_small' }, h('legend', { className: 'slds-form-element__legend slds-form-element__label' }, 'Messages delivery tracking'), h('div', { className: 'slds-form-element__control' }, radio('tracking', 'native', 'Native', !external), radio('tracking', 'external', 'External', external)));
  const des = state.config.dataExtensions;
  const pickers = ['smsDeliveryReports', 'omniReports', 'urlTracking'].filter((id) => des[id]).map((id) => {
    const select = h('select', { className: 'slds-select' });
    const options = state.dataExtensions ?? [];
    const keys = new Set(options.map((d) => d.key));
    if (!keys.has(des[id].key)) select.append(h('option', { value: des[id].key }, `${des[id].name} (${des[id].key})`));
    for (const d of options) select.append(h('option', { value: d.key, selected: d.key === des[id].key }, `${d.name} (${d.key})`));
    const label = { smsDeliveryReports: 'SMS delivery reports', omniReports: 'Omni delivery reports', urlTracking: 'Url click reports' }[id];
    return [id, select, field(`de-${id}`, label, select)];
  });
  const smsUrl = input({ type: 'url', value: tracking.sms.url ?? '' });
  const omniUrl = input({ type: 'url', value: tracking.omni.url ?? '' });
  const nativePart = h('div', { id: 'tracking-native-fields' }, pickers.map(([, , el]) => el));
  const externalPart = h('div', { id: 'tracking-external-fields' }, field('sms.url', 'SMS Notification URL', smsUrl), field('omni.url', 'OMNI Notification URL', omniUrl));
  const show = () => {
    const isExternal = form.querySelector('input[name="tracking"]:checked')?.value === 'external';
    nativePart.hidden = isExternal;
    externalPart.hidden = !isExternal;
  };
  mode.addEventListener('change', show);
  const save = h('button', { type: 'submit', className: 'slds-button slds-button_brand', id: 'save-tracking' }, 'Save tracking');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const isExternal = form.querySelector('input[name="tracking"]:checked')?.value === 'external';
    const sink = (el) => (isExternal ? { mode: 'external', url: el.value.trim() } : { mode: 'native' });
    if (isExternal) {
      for (const [name, el] of [['sms.url', smsUrl], ['omni.url', omniUrl]]) if (!el.value.trim()) return showProblem(form, { field: name, message: 'A notification URL is required with External tracking' });
    }
    const body = { sms: sink(smsUrl), omni: sink(omniUrl), dataExtensions: Object.fromEntries(pickers.map(([id, select]) => [id, select.value])) };
    const answer = await submit(form, save, () => api('PUT', 'tracking', body));
    if (!answer) return;
    state.config = answer;
    notice('success', 'Delivery tracking saved.');
    go(2);
  });
  const load = button('Load data extensions', async (event) => {
    const answer = await submit(form, event.target, () => api('GET', 'data-extensions'));
    if (!answer) return;
    state.dataExtensions = answer.dataExtensions;
    go(2);
  }, 'neutral', { id: 'load-des' });
  appendAll(form, h('h3', { className: 'slds-text-heading_small slds-m-bottom_small' }, 'Delivery tracking (every account)'), mode, nativePart, state.dataExtensions ? null : load, externalPart, h('div', { className: 'slds-m-top_small' }, save));
  show();
  return form;
}

function subscriptionsSection(account) {
  const created = account.channels.subscriptions;
  const form = h('form', { novalidate: true, className: 'mcr-section slds-box', id: 'subscriptions-form' });
  const scopes = state.scopes[account.id];
  const missing = scopes && ['subscriptions:manage', 'application-entity:manage'].filter((s) => scopes[s] === 'missing');
  const security = h('fieldset', { className: 'slds-form-element slds-m-bottom_small', 'data-field': 'subscriptions' }, h('legend', { className: 'slds-form-element__legend slds-form-element__label' }, 'Notification security'), h('div', { className: 'slds-form-element__control' }, radio('security', 'BASIC', 'Basic', state.config.webhookSecurity !== 'HMAC'), radio('security', 'HMAC', 'HMAC', state.config.webhookSecurity === 'HMAC')), h('div', { className: 'slds-form-element__help', id: 'subscriptions-error', hidden: true }));
  const create = h('button', { type: 'submit', className: 'slds-button slds-button_brand', id: 'create-subscriptions', disabled: missing?.length > 0 }, 'Create');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { security: form.querySelector('input[name="security"]:checked').value };
    const answer = await submit(form, create, () => api('POST', `accounts/${account.id}/subscriptions`, body));
    if (!answer) return;
    const { leftover, ...config } = answer;
    state.config = config;
    if (leftover) notice('warning', `Subscriptions created for ${account.name}, but earlier ones could not be removed (${leftover}); press Create again to retry.`);
    else notice('success', `Subscriptions created for ${account.name}.`);
    go(2);
  });
  appendAll(form, 
    h('h3', { className: 'slds-text-heading_small slds-m-bottom_small' }, 'Subscriptions'),
    h('p', { className: 'slds-m-bottom_small' }, created ? `Application ${created.applicationId} with ${Object.keys(created.subscriptions).length} subscriptions, created ${new Date(created.createdAt).toLocaleString()}.` : 'Creates an Infobip application, and subscriptions whose notification profiles send reports to this connector.'),
    security,
    create,
    missing?.length ? h('p', { className: 'mcr-reason' }, `Disabled: the API key lacks ${missing.join(', ')}.`) : null,
  );
  return form;
}

function numbersSection(account) {
  const section = h('div', { className: 'mcr-section slds-box', id: 'numbers' }, h('h3', { className: 'slds-text-heading_small slds-m-bottom_small' }, 'Inbound numbers'));
  const body = h('div', {}, h('p', {}, 'Loading numbers…'));
  appendAll(section, body);
  const labels = { create: 'Create Configuration', remove: 'Remove Configuration', 'use-default': 'Use Default Configuration' };
  const states = { none: 'No inbound configuration', ours: 'Configured for SFMC', other: 'Configured for another application' };
  function draw(answer) {
    if (answer.problem) return body.replaceChildren(h('p', { className: 'mcr-reason', role: 'alert' }, answer.problem));
    if (answer.numbers.length === 0) return body.replaceChildren(h('p', {}, 'The account has no numbers.'));
    const rows = answer.numbers.map((n) => {
      const action = button(labels[n.action], async (event) => {
        try {
          draw(await busy(event.target, () => api('POST', `accounts/${account.id}/numbers/${encodeURIComponent(n.numberKey)}/${n.action}`)));
          notice('success', `${labels[n.action]}: done for ${n.number}.`);
        } catch (error) {
          if (error instanceof ApiProblem && error.status !== 401) notice('error', error.message);
        }
      }, 'neutral', { disabled: Boolean(n.disabledReason), 'data-action': n.action, 'aria-describedby': n.disabledReason ? `reason-${n.numberKey}` : undefined });
      return h(
        'tr',
        { 'data-number': n.number },
        h('th', { scope: 'row' }, n.number),
        h('td', {}, n.country ?? ''),
        h('td', { 'data-state': n.state }, states[n.state]),
        h('td', {}, action, n.disabledReason ? h('div', { className: 'mcr-reason', id: `reason-${n.numberKey}` }, n.disabledReason) : null),
      );
    });
    body.replaceChildren(
      h('table', { className: 'slds-table slds-table_bordered slds-table_cell-buffer' },
        h('thead', {}, h('tr', {}, ['Number', 'Country', 'State', 'Action'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows)),
    );
  }
  api('GET', `accounts/${account.id}/numbers`).then(draw, (error) => error instanceof ApiProblem && draw({ problem: error.message }));
  return section;
}

function dataExtensionsSection() {
  const section = h('div', { className: 'mcr-section slds-box', id: 'data-extensions' });
  const results = h('div', { 'aria-live': 'polite' });
  const words = { created: 'created', fieldsAdded: 'missing fields added', upToDate: 'up to date', failed: 'failed' };
  const run = button('Create / update data extensions', async (event) => {
    try {
      const answer = await busy(event.target, () => api('POST', 'data-extensions/provision'));
      results.replaceChildren(
        h('ul', { className: 'slds-list_dotted' }, answer.outcomes.map((o) =>
          h('li', { 'data-de': o.key, 'data-outcome': o.action }, `${o.name} (${o.key}): ${words[o.action]}`,
            o.addedFields.length ? ` — ${o.addedFields.join(', ')}` : '',
            o.differingFields.length ? ` — left unchanged, type differs: ${o.differingFields.join(', ')}` : '',
            o.error ? ` — ${o.error}` : ''))),
      );
      state.dataExtensions = null;
    } catch (error) {
      if (error instanceof ApiProblem && error.status !== 401) results.replaceChildren(alertBox('error', error.message));
    }
  }, 'neutral', { id: 'provision' });
  appendAll(section, 
    h('h3', { className: 'slds-text-heading_small slds-m-bottom_small' }, 'Data extensions'),
    h('p', { className: 'slds-m-bottom_small' }, 'Creates the package\'s data extensions that are missing and adds missing fields. Nothing is deleted or changed.'),
    run,
    results,
  );
  return section;
}

// ---------------------------------------------------------------- step 4: Finish

function finishStep() {
  const c = state.config;
  const finish = button('Finish', async (event) => {
    try {
      const answer = await busy(event.target, () => api('POST', 'finish'));
      state.config = answer.config;
      main.replaceChildren(h('section', {}, heading('Finish'), h('div', { className: 'slds-notify slds-notify_alert slds-theme_success', role: 'status', id: 'confirmation' }, h('h2', {}, answer.message))));
      main.querySelector('h2')?.focus();
    } catch (error) {
      if (error instanceof ApiProblem && error.status !== 401) notice('error', error.message);
    }
  }, 'brand', { id: 'finish' });
  return h(
    'section',
    {},
    heading('Finish'),
    h('dl', { className: 'slds-dl_horizontal slds-m-bottom_medium' },
      h('dt', { className: 'slds-dl_horizontal__label' }, 'Business unit (MID)'), h('dd', { className: 'slds-dl_horizontal__detail' }, c.sfmc.mid),
      h('dt', { className: 'slds-dl_horizontal__label' }, 'Client Id'), h('dd', { className: 'slds-dl_horizontal__detail' }, c.sfmc.clientId),
      h('dt', { className: 'slds-dl_horizontal__label' }, 'Client Secret'), h('dd', { className: 'slds-dl_horizontal__detail' }, c.sfmc.clientSecret ?? ''),
      h('dt', { className: 'slds-dl_horizontal__label' }, 'Infobip accounts'), h('dd', { className: 'slds-dl_horizontal__detail' }, c.accounts.map((a) => `${a.name} (${a.apiKey})`).join(', ')),
      h('dt', { className: 'slds-dl_horizontal__label' }, 'Delivery tracking'), h('dd', { className: 'slds-dl_horizontal__detail' }, c.tracking.sms.mode === 'external' ? 'External' : 'Native'),
    ),
    finish,
  );
}

// ---------------------------------------------------------------- start

async function start() {
  // A Web App sign-in comes back with the session (or why not) in the fragment; take it out of the URL at once.
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.has('session') || fragment.has('signInError')) history.replaceState(null, '', location.pathname);
  if (fragment.get('session')) sessionStorage.setItem(SESSION_KEY, fragment.get('session'));
  state.options = await fetch('api/sign-in-options').then((r) => r.json());
  document.getElementById('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(SESSION_KEY);
    state.config = null;
    state.reached = 0;
    go(0);
  });
  if (sessionStorage.getItem(SESSION_KEY)) {
    try {
      state.config = await api('GET', 'config');
    } catch {
      state.config = null;
    }
  }
  if (fragment.get('signInError')) notice('error', fragment.get('signInError'));
  if (state.config) {
    state.reached = 3;
    go(state.config.accounts.length ? 2 : 1);
  } else go(0);
}

start();
