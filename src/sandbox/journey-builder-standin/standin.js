// Journey Builder's side of Postmonger for one activity configuration modal: answers the
// activity's requests with the session's payloads (shaped like a live Journey Builder's), runs
// the wizard's Back/Next/Done buttons and steps, and saves what updateActivity hands over.
const $ = (id) => document.getElementById(id);
const state = { session: undefined, jb: undefined, steps: [], stepIndex: 0, saved: undefined, nextButton: { text: 'next', enabled: true }, backButton: { visible: true, enabled: true } };
// Read by the browser tests: every event the activity triggered, in order, with its payload.
window.journeyBuilder = { events: [], saved: [], state };

async function open(query) {
  const session = await (await fetch(`/dev/journey-builder/api/session?${query}`)).json();
  state.session = session;
  state.steps = session.steps.map((s) => ({ ...s, active: true }));
  state.stepIndex = 0;
  $('result').hidden = true;
  $('modal').hidden = false;
  state.jb?.end();
  const frame = $('activity-frame');
  const origin = new URL(session.iframeUrl).origin;
  const jb = new Postmonger.Session({ connect: frame, from: origin, to: origin });
  state.jb = jb;
  let initialised = false;
  const record = (name) => (...args) => window.journeyBuilder.events.push({ name, args });
  for (const name of ['ready', 'requestTokens', 'requestEndpoints', 'requestSchema', 'requestInteraction', 'requestTriggerEventDefinition', 'requestCulture', 'requestInteractionDefaults', 'updateActivity', 'nextStep', 'prevStep', 'updateButton', 'updateSteps', 'destroy']) {
    jb.on(name, record(name));
  }
  jb.on('ready', () => {
    // Only the first ready is answered with initActivity (using-postmonger.md).
    if (!initialised) jb.trigger('initActivity', session.payloads.initActivity);
    initialised = true;
  });
  const answers = {
    requestTokens: 'requestedTokens',
    requestEndpoints: 'requestedEndpoints',
    requestSchema: 'requestedSchema',
    requestInteraction: 'requestedInteraction',
    requestTriggerEventDefinition: 'requestedTriggerEventDefinition',
    requestCulture: 'requestedCulture',
    requestInteractionDefaults: 'requestedInteractionDefaults',
  };
  for (const [request, answer] of Object.entries(answers)) jb.on(request, () => jb.trigger(answer, session.payloads[answer]));
  jb.on('nextStep', () => goTo(state.stepIndex + 1));
  jb.on('prevStep', () => goTo(state.stepIndex - 1));
  jb.on('updateButton', (b) => {
    if (b.button === 'next') Object.assign(state.nextButton, b);
    if (b.button === 'back') Object.assign(state.backButton, b);
    renderButtons();
  });
  jb.on('updateSteps', (steps) => {
    state.steps = steps;
    renderSteps();
  });
  jb.on('updateActivity', (activity) => save(activity));
  frame.src = session.iframeUrl;
  renderSteps();
  renderButtons();
}

function activeSteps() {
  return state.steps.filter((s) => s.active !== false);
}

function goTo(index) {
  const steps = activeSteps();
  if (index < 0 || index >= steps.length) return;
  state.stepIndex = index;
  renderSteps();
  renderButtons();
  state.jb.trigger('gotoStep', { key: steps[index].key, label: steps[index].label });
}

function renderSteps() {
  const list = $('steps');
  list.replaceChildren(
    ...activeSteps().map((s, i) => {
      const li = document.createElement('li');
      li.textContent = s.label;
      if (i === state.stepIndex) li.setAttribute('aria-current', 'step');
      return li;
    }),
  );
}

function renderButtons() {
  const last = state.stepIndex >= activeSteps().length - 1;
  $('jb-next').textContent = state.nextButton.text === 'done' || last ? 'Done' : 'Next';
  $('jb-next').disabled = state.nextButton.enabled === false;
  $('jb-back').hidden = state.stepIndex === 0 || state.backButton.visible === false;
}

async function save(activity) {
  window.journeyBuilder.saved.push(activity);
  await fetch('/dev/journey-builder/api/activities', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  state.saved = activity;
  $('modal').hidden = true;
  $('activity-frame').src = 'about:blank';
  $('result').hidden = false;
  $('saved-key').textContent = activity.key;
  $('activity-json').textContent = JSON.stringify(activity, null, 2);
  $('execute-answer').textContent = '';
  await listSaved();
}

async function listSaved() {
  const journey = await (await fetch('/dev/journey-builder/api/journey')).json();
  $('saved-list').replaceChildren(
    ...journey.activities.map((a) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.key = a.key;
      b.textContent = `Open ${a.key}${a.name ? ` (${a.name})` : ''}`;
      return b;
    }),
  );
}

document.addEventListener('click', (event) => {
  const target = event.target;
  if (!(target instanceof HTMLButtonElement)) return;
  if (target.dataset.open) void open(`activity=${encodeURIComponent(target.dataset.open)}`);
  else if (target.dataset.key) void open(`key=${encodeURIComponent(target.dataset.key)}`);
});
$('jb-next').addEventListener('click', () => state.jb?.trigger('clickedNext'));
$('jb-back').addEventListener('click', () => state.jb?.trigger('clickedBack'));
$('jb-cancel').addEventListener('click', () => {
  $('modal').hidden = true;
  $('activity-frame').src = 'about:blank';
});
$('execute-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const contact = Object.fromEntries(new FormData(event.target).entries());
  const answer = await fetch('/dev/journey-builder/api/execute', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: state.saved.key, contact }) });
  $('execute-answer').textContent = JSON.stringify(await answer.json(), null, 2);
});

const params = new URLSearchParams(location.search);
await listSaved();
if (params.has('activity') || params.has('key')) await open(params.toString());
