// WhatsApp's form: a template picker filled from the account's approved templates (for the
// chosen sender), then one input per placeholder the template has: body, header (text or media),
// dynamic buttons. Writes the inArguments src/channels/whatsapp.ts reads.
import { el } from '../shared/form-kit.js';

const HEADER_TYPES = { TEXT: 'TEXT', IMAGE: 'IMAGE', VIDEO: 'VIDEO', DOCUMENT: 'DOCUMENT', LOCATION: 'LOCATION' };

function input(id, label, value, attributes = {}) {
  const field = el('input', { class: 'slds-input', id, value: value ?? '', ...attributes });
  return {
    field,
    node: el('div', { class: 'slds-form-element mcr-field', 'data-field': attributes['data-name'] }, el('label', { class: 'slds-form-element__label', for: id, text: label }), el('div', { class: 'slds-form-element__control' }, field)),
  };
}

export const whatsappTemplateField = {
  name: 'templateName',
  label: 'Template',
  type: 'custom',
  required: true,
  render({ id, describedBy, context }) {
    let templates = [];
    let pending;
    const select = el('select', { class: 'slds-select', id, 'aria-describedby': describedBy });
    const status = el('p', { class: 'slds-text-body_small mcr-hint', 'aria-live': 'polite' });
    const details = el('div', { class: 'mcr-template-details' });
    const node = el('div', {}, select, status, details);
    let inputs = { body: [], header: {}, buttons: [] };

    const chosen = () => templates.find((t) => `${t.name}|${t.language}` === select.value);

    const renderDetails = (value = {}) => {
      const t = chosen();
      details.replaceChildren();
      inputs = { body: [], header: {}, buttons: [] };
      if (!t) return;
      details.append(el('p', { class: 'slds-text-body_small mcr-template-body', text: `${t.category} · ${t.language} · ${t.body}` }));
      for (let i = 0; i < t.bodyPlaceholders; i++) {
        const box = input(`${id}-p${i}`, `Body placeholder {{${i + 1}}}`, value.placeholders?.[i], { 'data-name': `placeholders.${i}` });
        context.attachMergePicker(box.field, `body placeholder ${i + 1}`);
        inputs.body.push(box.field);
        details.append(box.node);
      }
      const h = t.header;
      if (h && (h.format !== 'TEXT' || h.placeholders > 0)) {
        const fields = h.format === 'TEXT' ? [['headerPlaceholder', 'Header placeholder {{1}}']]
          : h.format === 'LOCATION' ? [['headerLatitude', 'Header latitude'], ['headerLongitude', 'Header longitude']]
          : h.format === 'DOCUMENT' ? [['headerMediaUrl', 'Header document URL'], ['headerFilename', 'Document file name']]
          : [['headerMediaUrl', `Header ${h.format.toLowerCase()} URL`]];
        for (const [name, label] of fields) {
          const box = input(`${id}-${name}`, label, value[name], { 'data-name': name });
          inputs.header[name] = box.field;
          details.append(box.node);
        }
      }
      t.buttons.forEach((b, i) => {
        if (!b.dynamic) return;
        const label = b.type === 'URL' ? `Button "${b.text}": URL suffix` : b.type === 'COPY_CODE' ? `Button "${b.text}": code` : `Button "${b.text}": payload`;
        const saved = value.buttons?.filter((x) => x.type === b.type)[inputs.buttons.filter((x) => x.type === b.type).length]?.parameter;
        const box = input(`${id}-b${i}`, label, saved, { 'data-name': `buttons.${i}` });
        inputs.buttons.push({ type: b.type, field: box.field });
        details.append(box.node);
      });
    };

    const load = async () => {
      const sender = context.sender();
      if (!sender) {
        status.textContent = 'Enter the WhatsApp sender number to list its approved templates.';
        return;
      }
      status.textContent = 'Loading approved templates…';
      const answer = await context.api(`whatsapp-templates?sender=${encodeURIComponent(sender)}&accountId=${encodeURIComponent(context.accountId() ?? '')}`);
      if (!answer.ok) {
        status.textContent = answer.body.message ?? 'The templates could not be loaded.';
        return;
      }
      templates = answer.body.templates;
      const keep = pending ?? get();
      select.replaceChildren(el('option', { value: '', text: 'Choose an approved template…' }), ...templates.map((t) => el('option', { value: `${t.name}|${t.language}`, text: `${t.name} (${t.language})` })));
      status.textContent = `${templates.length} approved template${templates.length === 1 ? '' : 's'} for ${sender}.`;
      set(keep);
    };

    function get() {
      const t = chosen();
      if (!t) return pending;
      const header = t.header && (t.header.format !== 'TEXT' || t.header.placeholders > 0) ? { headerType: HEADER_TYPES[t.header.format] } : {};
      for (const [name, field] of Object.entries(inputs.header)) if (field.value.trim()) header[name] = field.value;
      return {
        templateName: t.name,
        language: t.language,
        placeholders: inputs.body.map((f) => f.value),
        ...header,
        ...(inputs.buttons.length > 0 ? { buttons: inputs.buttons.map((b) => ({ type: b.type, parameter: b.field.value })) } : {}),
      };
    }
    function set(value) {
      pending = value && !templates.length ? value : undefined;
      if (!value) {
        select.value = '';
        renderDetails();
        return;
      }
      select.value = `${value.templateName}|${value.language}`;
      if (templates.length && !chosen()) status.textContent = `The saved template ${value.templateName} (${value.language}) is not among the approved templates of this sender.`;
      renderDetails(value);
    }
    select.addEventListener('change', () => renderDetails());
    context.onSenderChange(() => void load());
    void load();
    return { node, get, set, control: select, labelFor: id };
  },
  toArguments: (v) =>
    v
      ? {
          templateName: v.templateName,
          language: v.language,
          placeholders: JSON.stringify(v.placeholders ?? []),
          ...Object.fromEntries(['headerType', 'headerPlaceholder', 'headerMediaUrl', 'headerFilename', 'headerLatitude', 'headerLongitude'].filter((k) => v[k]).map((k) => [k, v[k]])),
          ...(v.buttons ? { buttons: JSON.stringify(v.buttons) } : {}),
        }
      : {},
  fromArguments(args) {
    if (!args.get('templateName')) return undefined;
    const json = (name) => {
      try {
        return JSON.parse(args.get(name) ?? 'null') ?? undefined;
      } catch {
        return undefined;
      }
    };
    const value = { templateName: args.get('templateName'), language: args.get('language'), placeholders: json('placeholders') ?? [], buttons: json('buttons') };
    for (const k of ['headerType', 'headerPlaceholder', 'headerMediaUrl', 'headerFilename', 'headerLatitude', 'headerLongitude']) if (args.get(k)) value[k] = args.get(k);
    return value;
  },
};
