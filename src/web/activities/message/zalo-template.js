// Zalo's form: a picker filled from the sender's enabled ZNS templates, then one input per
// placeholder registered for the chosen template, and no other (the guide: the template data
// must only include registered placeholders). Writes the inArguments src/channels/zalo.ts reads:
// templateName (the registered id), templatePlaceholders (the registered names), templateData.<name>.
import { el } from '../shared/form-kit.js';

function placeholderInput(id, placeholder, value) {
  const field = el('input', { class: 'slds-input', id, value: value ?? '', 'data-name': `templateData.${placeholder.name}`, 'aria-describedby': `${id}-error`, maxlength: placeholder.maxLength ?? undefined });
  const help = el('div', { class: 'slds-form-element__help', id: `${id}-error`, hidden: true });
  const node = el(
    'div',
    { class: 'slds-form-element mcr-field', 'data-field': `templateData.${placeholder.name}` },
    el('label', { class: 'slds-form-element__label', for: id }, el('abbr', { class: 'slds-required', title: 'required', text: '*' }), placeholder.name),
    el('div', { class: 'slds-form-element__control' }, field),
    help,
  );
  const showError = (message) => {
    node.classList.toggle('slds-has-error', Boolean(message));
    help.textContent = message ?? '';
    help.hidden = !message;
    field.setAttribute('aria-invalid', message ? 'true' : 'false');
  };
  return { name: placeholder.name, field, node, showError };
}

export const zaloTemplateField = {
  name: 'templateName',
  label: 'Template',
  type: 'custom',
  required: true,
  help: 'The sender\'s enabled Zalo templates; their registered placeholders appear below.',
  render({ id, describedBy, context }) {
    const select = el('select', { class: 'slds-select', id, 'aria-describedby': describedBy });
    const status = el('p', { class: 'slds-text-body_small mcr-hint', 'aria-live': 'polite' });
    const details = el('div', { class: 'mcr-template-details' });
    const node = el('div', {}, select, status, details);
    /** The saved value, until the list and the chosen template's placeholders have loaded. */
    let pending;
    let inputs = [];
    let loaded = { id: undefined, placeholders: [] };

    const query = () => `sender=${encodeURIComponent(context.sender())}&accountId=${encodeURIComponent(context.accountId() ?? '')}`;

    /** Loads the registered placeholders of the chosen template and renders one input each. */
    const loadTemplate = async (values = {}) => {
      const templateId = select.value;
      details.replaceChildren();
      inputs = [];
      loaded = { id: undefined, placeholders: [] };
      if (!templateId) return;
      const answer = await context.api(`zalo-templates/${encodeURIComponent(templateId)}?${query()}`);
      if (select.value !== templateId) return;
      if (!answer.ok) {
        status.textContent = answer.body.message ?? 'The template could not be loaded.';
        return;
      }
      loaded = { id: templateId, placeholders: answer.body.placeholders };
      inputs = answer.body.placeholders.map((p, i) => {
        const box = placeholderInput(`${id}-p${i}`, p, values[p.name]);
        context.attachMergePicker(box.field, `placeholder ${p.name}`);
        return box;
      });
      details.append(...inputs.map((b) => b.node));
      if (inputs.length === 0) details.append(el('p', { class: 'slds-text-body_small mcr-hint', text: 'This template has no placeholders.' }));
      const unregistered = Object.keys(values).filter((name) => !inputs.some((b) => b.name === name));
      status.textContent = unregistered.length > 0 ? `Not registered for template ${templateId}, so dropped: ${unregistered.join(', ')}.` : '';
      context.onChange?.();
    };

    const load = async () => {
      const sender = context.sender();
      if (!/^\d{1,19}$/.test(sender)) {
        status.textContent = 'Enter the Zalo sender (the Official Account id) to list its templates.';
        return;
      }
      status.textContent = 'Loading enabled templates…';
      const answer = await context.api(`zalo-templates?${query()}`);
      if (!answer.ok) {
        status.textContent = answer.body.message ?? 'The templates could not be loaded.';
        return;
      }
      const keep = pending ?? get();
      const templates = answer.body.templates;
      select.replaceChildren(el('option', { value: '', text: 'Choose a template…' }), ...templates.map((t) => el('option', { value: t.id, text: `${t.name} (${t.id})` })));
      status.textContent = `${templates.length} enabled template${templates.length === 1 ? '' : 's'} for ${sender}.`;
      pending = undefined;
      if (!keep) return;
      select.value = keep.templateName;
      if (select.value !== keep.templateName) {
        status.textContent = `The saved template ${keep.templateName} is not among the enabled templates of this sender.`;
        pending = keep;
        return;
      }
      await loadTemplate(keep.values);
    };

    function get() {
      if (pending) return pending;
      if (!select.value || loaded.id !== select.value) return undefined;
      return { templateName: select.value, values: Object.fromEntries(inputs.map((b) => [b.name, b.field.value])) };
    }
    function set(value) {
      pending = value ?? undefined;
      if (select.options.length > 1) void load();
    }
    select.addEventListener('change', () => void loadTemplate());
    context.onSenderChange(() => void load());
    void load();
    return {
      node,
      get,
      set,
      control: select,
      labelFor: id,
      missing: () => Object.fromEntries(inputs.filter((b) => b.field.value.trim() === '').map((b) => [`templateData.${b.name}`, `${b.name} is required`])),
      showError(path, message) {
        const box = inputs.find((b) => path === `templateData.${b.name}`);
        box?.showError(message);
        return Boolean(box);
      },
      clearErrors: () => inputs.forEach((b) => b.showError(undefined)),
    };
  },
  toArguments: (v) =>
    v
      ? {
          templateName: v.templateName,
          templatePlaceholders: JSON.stringify(Object.keys(v.values)),
          ...Object.fromEntries(Object.entries(v.values).map(([name, value]) => [`templateData.${name}`, value])),
        }
      : {},
  fromArguments(args) {
    if (!args.get('templateName')) return undefined;
    let names = [];
    try {
      names = JSON.parse(args.get('templatePlaceholders') ?? '[]');
    } catch {
      names = [];
    }
    return { templateName: args.get('templateName'), values: Object.fromEntries((Array.isArray(names) ? names : []).map((name) => [name, args.get(`templateData.${name}`) ?? ''])) };
  },
};
