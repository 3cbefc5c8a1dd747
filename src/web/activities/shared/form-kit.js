// Forms from definitions: a channel's or a feature's form is a list of field definitions (see
// message/channels.js), rendered with SLDS markup, read back as values, restored from values, and
// able to show an error next to any field. Adding an option is adding one definition.
//
// Definition: { name, label, type, required?, help?, options?: [[value, label]] | (context) => [[value, label]],
//   blankLabel? (a select's empty choice), when?: (values) => bool,
//   merge?: true (offers the merge-field picker), counter?: 'sms' | 'lms', placeholder?, default?,
//   item?: [definitions] (type 'list': a list of objects; 'object': one object), max? (list length),
//   render?: (field) => {node, get(), set(value), missing?(), showError?(path, message), clearErrors?()} (type 'custom') }
// Types: text, textarea, number, url, select, checkbox, list, object, custom.

let ids = 0;
const nextId = (name) => `f${++ids}-${String(name).replace(/[^\w-]/g, '-')}`;

/** Appends the children that exist (optional parts are passed as undefined). */
const append = (node, ...children) => node.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) {
    if (v === undefined || v === false || v === null) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else if (k in node && typeof v !== 'string') node[k] = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  append(node, ...children);
  return node;
}

const blank = (v) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

/**
 * Renders `definitions` into `container`. `context` carries what fields need from outside:
 * `mergeFields()` (entry source field names) and `onChange()`.
 */
export function createForm(definitions, container, context, prefix = '') {
  const fields = definitions.map((def) => createField(def, context, prefix));
  container.append(...fields.map((f) => f.node));
  const api = {
    fields,
    values() {
      const values = {};
      for (const f of fields) {
        if (!f.visible()) continue;
        const v = f.get();
        if (!blank(v)) values[f.def.name] = v;
      }
      return values;
    },
    set(values) {
      for (const f of fields) f.set(values?.[f.def.name]);
      api.refresh();
    },
    /** Shows or hides fields whose `when` depends on the others. */
    refresh() {
      const values = {};
      for (const f of fields) values[f.def.name] = f.get();
      for (const f of fields) {
        f.node.hidden = f.def.when ? !f.def.when(values) : false;
        f.refresh?.();
      }
    },
    /** Required fields left empty, as {path: message}. */
    missing() {
      const errors = {};
      for (const f of fields) {
        if (!f.visible()) continue;
        const v = f.get();
        if (f.def.required && blank(v)) errors[`${prefix}${f.def.name}`] = `${f.def.label} is required`;
        Object.assign(errors, f.missing?.() ?? {});
      }
      return errors;
    },
    /** Shows `message` next to the field named by `path` (`buttons.1.name`, `text`); answers whether one was found. */
    showError(rawPath, message) {
      const path = rawPath.replace(/\[(\d+)\]/g, '.$1');
      const f = fields.find((x) => path === `${prefix}${x.def.name}` || path.startsWith(`${prefix}${x.def.name}.`) || path.startsWith(`${prefix}${x.def.name}[`));
      // A custom field writes inArguments under other names (Zalo's templateData.<name>): it is asked too.
      if (!f) return fields.some((x) => x.def.type === 'custom' && x.visible() && x.showError?.(path, message) === true);
      if (!f.visible()) return false;
      if (f.showError?.(path, message)) return true;
      setHelp(f, message);
      return true;
    },
    clearErrors() {
      for (const f of fields) {
        setHelp(f, undefined);
        f.clearErrors?.();
      }
    },
  };
  container.addEventListener('input', () => api.refresh());
  container.addEventListener('change', () => api.refresh());
  return api;
}

function setHelp(field, message) {
  field.node.classList.toggle('slds-has-error', Boolean(message));
  field.help.textContent = message ?? '';
  field.help.hidden = !message;
  field.control?.setAttribute('aria-invalid', message ? 'true' : 'false');
}

function createField(def, context, prefix) {
  const id = nextId(`${prefix}${def.name}`);
  const help = el('div', { class: 'slds-form-element__help', id: `${id}-error`, hidden: true, 'aria-live': 'polite' });
  const hint = def.help ? el('div', { class: 'slds-form-element__help mcr-hint', id: `${id}-hint`, text: def.help }) : undefined;
  const describedBy = [help.id, hint?.id].filter(Boolean).join(' ');
  const label = (forId) =>
    el('label', { class: 'slds-form-element__label', for: forId }, def.required ? el('abbr', { class: 'slds-required', title: 'required', text: '*' }) : undefined, def.label);
  const node = el('div', { class: 'slds-form-element mcr-field', 'data-field': `${prefix}${def.name}` });
  const field = { def, node, help, visible: () => !node.hidden };

  if (def.type === 'list' || def.type === 'object') return listField(field, def, context, prefix, id, label, hint);
  if (def.type === 'custom') {
    const custom = def.render({ id, describedBy, context, def });
    append(node, label(custom.labelFor ?? id), el('div', { class: 'slds-form-element__control' }, custom.node), hint, help);
    // A custom field may check and name its own parts (a template's placeholders).
    return Object.assign(field, { get: custom.get, set: custom.set, refresh: custom.refresh, control: custom.control, missing: custom.missing, showError: custom.showError, clearErrors: custom.clearErrors });
  }
  if (def.type === 'checkbox') {
    const input = el('input', { type: 'checkbox', id, name: def.name, 'aria-describedby': describedBy });
    append(
      node,
      el('div', { class: 'slds-form-element__control' },
        el('div', { class: 'slds-checkbox' }, input, el('label', { class: 'slds-checkbox__label', for: id }, el('span', { class: 'slds-checkbox_faux' }), el('span', { class: 'slds-form-element__label', text: def.label })))),
      hint,
      help,
    );
    return Object.assign(field, {
      control: input,
      // `explicit` flags are written as false too: execute tells "not given" from "off" for them.
      get: () => (input.checked ? true : def.explicit ? false : undefined),
      set: (v) => void (input.checked = v === undefined || v === null ? def.default === true : v === true || v === 'true'),
    });
  }
  let input;
  let choose = (value) => void (input.value = value);
  if (def.type === 'select') {
    input = el('select', { class: 'slds-select', id, name: def.name, 'aria-describedby': describedBy, required: def.required });
    const fill = () => {
      const current = input.value;
      const options = typeof def.options === 'function' ? def.options(context) : def.options ?? [];
      input.replaceChildren(...[def.required ? undefined : el('option', { value: '', text: def.blankLabel ?? '—' }), ...options.map(([value, text]) => el('option', { value, text }))].filter(Boolean));
      if (current !== '') choose(current);
    };
    // A saved choice no longer offered (a custom domain removed since) is kept, and said so.
    choose = (value) => {
      if (value !== '' && ![...input.options].some((o) => o.value === value)) input.append(el('option', { value, text: `${value} (no longer offered)` }));
      input.value = value;
    };
    fill();
    // Options that depend on the context (the chosen account's custom domains) follow it.
    if (typeof def.options === 'function') field.refresh = fill;
  } else if (def.type === 'textarea') {
    input = el('textarea', { class: 'slds-textarea', id, name: def.name, rows: def.rows ?? 4, 'aria-describedby': describedBy, required: def.required, placeholder: def.placeholder });
  } else {
    input = el('input', { class: 'slds-input', id, name: def.name, type: def.type === 'url' ? 'url' : def.type === 'number' ? 'text' : 'text', inputmode: def.type === 'number' ? 'numeric' : undefined, 'aria-describedby': describedBy, required: def.required, placeholder: def.placeholder });
  }
  const control = el('div', { class: 'slds-form-element__control' }, input);
  append(node, label(id), control);
  if (def.merge) append(control, mergePicker(input, context, def.label));
  if (def.counter) {
    const counter = el('div', { class: 'mcr-counter', id: `${id}-counter`, 'aria-live': 'polite', 'data-counter': def.counter });
    append(node, counter);
    field.refresh = () => context.count?.(def.counter, input.value, counter);
    input.addEventListener('input', field.refresh);
  }
  append(node, hint, help);
  return Object.assign(field, {
    control: input,
    get: () => (input.value.trim() === '' ? undefined : input.value),
    set: (v) => choose(v === undefined || v === null ? (def.default ?? '') : String(v)),
  });
}

/** "Insert merge field": writes `#{Field}` at the cursor; the binding itself is written on Done. */
/** Keys that move through a closed select's options: they choose, they must not insert. */
const BROWSING_KEYS = new Set(['ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

/**
 * "Insert merge field" next to `input`: writes `#{Field}` at the cursor (the binding itself is
 * written on Done). A mouse choice inserts at once; from the keyboard the arrow keys (and typing)
 * only choose and Enter inserts, since a closed select changes on every arrow key.
 */
export function mergePicker(input, context, label) {
  const select = el('select', { class: 'slds-select mcr-merge', 'aria-label': `Insert a merge field into ${label}: choose with the arrow keys, insert with Enter` });
  const fill = () => {
    select.replaceChildren(el('option', { value: '', text: 'Insert merge field…' }), ...context.mergeFields().map((name) => el('option', { value: name, text: name })));
  };
  let browsing = false;
  const insert = () => {
    if (!select.value) return;
    const token = `#{${select.value}}`;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    input.value = `${input.value.slice(0, start)}${token}${input.value.slice(end)}`;
    input.setSelectionRange(start + token.length, start + token.length);
    select.value = '';
    browsing = false;
    input.focus();
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  fill();
  select.addEventListener('focus', fill);
  select.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      insert();
    } else if (BROWSING_KEYS.has(event.key) || event.key.length === 1) browsing = true;
  });
  select.addEventListener('change', () => {
    if (!browsing) insert();
  });
  // Chosen with the keyboard but left without Enter: nothing was inserted, so nothing stays chosen.
  select.addEventListener('blur', () => {
    if (browsing) select.value = '';
    browsing = false;
  });
  return select;
}

/** A list of objects (buttons, segments, cards, suggestions) or one object (an RCS card). */
function listField(field, def, context, prefix, id, label, hint) {
  const single = def.type === 'object';
  const items = [];
  const list = el('div', { class: 'mcr-list', id, role: 'group', 'aria-labelledby': `${id}-legend` });
  const add = el('button', { type: 'button', class: 'slds-button slds-button_neutral mcr-add', text: `Add ${def.itemLabel ?? 'item'}` });
  const legend = el('span', { class: 'slds-form-element__legend slds-form-element__label', id: `${id}-legend` }, def.required ? el('abbr', { class: 'slds-required', title: 'required', text: '*' }) : undefined, def.label);
  const addItem = (values) => {
    const index = items.length;
    const box = el('fieldset', { class: 'slds-box slds-box_x-small mcr-item', 'data-index': String(index) });
    append(box, el('legend', { class: 'slds-text-title', text: single ? def.label : `${def.itemLabel ?? 'Item'} ${index + 1}` }));
    const form = createForm(def.item, box, context, `${prefix}${def.name}.${index}.`);
    if (!single) {
      const remove = el('button', { type: 'button', class: 'slds-button slds-button_text-destructive mcr-remove', text: `Remove ${def.itemLabel ?? 'item'} ${index + 1}` });
      remove.addEventListener('click', () => {
        const all = items.map((i) => i.form.values());
        all.splice(items.indexOf(entry), 1);
        setAll(all);
        context.onChange?.();
      });
      append(box, remove);
    }
    const entry = { box, form };
    items.push(entry);
    append(list, box);
    if (values) form.set(values);
    else form.refresh();
    updateAdd();
    return entry;
  };
  const updateAdd = () => {
    add.hidden = single || (def.max !== undefined && items.length >= def.max);
  };
  const setAll = (values) => {
    items.length = 0;
    list.replaceChildren();
    const array = single ? [values ?? {}] : Array.isArray(values) ? values : [];
    for (const v of array) addItem(v);
    if (single && items.length === 0) addItem();
    updateAdd();
  };
  add.addEventListener('click', () => {
    const entry = addItem();
    entry.box.querySelector('input, select, textarea')?.focus();
    context.onChange?.();
  });
  append(field.node, legend, list, add, hint, field.help);
  setAll(undefined);
  const parse = (v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      return undefined;
    }
  };
  return Object.assign(field, {
    get() {
      const values = items.map((i) => i.form.values()).filter((v) => Object.keys(v).length > 0);
      return single ? values[0] : values;
    },
    set: (v) => setAll(parse(v)),
    missing() {
      const errors = {};
      for (const i of items) if (Object.keys(i.form.values()).length > 0) Object.assign(errors, i.form.missing());
      return errors;
    },
    showError(path, message) {
      const rest = path.slice(`${prefix}${def.name}.`.length);
      const m = /^(\d+)\.(.+)$/.exec(rest);
      const index = m ? Number(m[1]) : single ? 0 : Number.NaN;
      const item = items[index];
      return Boolean(item && item.form.showError(`${prefix}${def.name}.${index}.${m ? m[2] : rest}`, message));
    },
    clearErrors() {
      for (const i of items) i.form.clearErrors();
    },
    refresh() {
      for (const i of items) i.form.refresh();
    },
  });
}
