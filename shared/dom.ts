/** A small DOM builder for the pages (no framework; shared by the simulator page and the emulator's console): `h('button', { class: 'slds-button' }, 'Go')`. */
export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined | ((ev: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Child | Child[]>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, '').toLowerCase(), value);
    else if (key === 'value' && 'value' in el) (el as HTMLInputElement).value = String(value);
    else if (key === 'checked' && 'checked' in el) (el as HTMLInputElement).checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
  return el;
}

/** Replaces an element's children, only when what they show changed (keeps focus and hover still). */
export function replaceIfChanged(el: HTMLElement, key: string, build: () => Array<Child | Child[]>): void {
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  el.replaceChildren(
    ...build()
      .flat()
      .filter((c): c is Node | string => c !== null && c !== undefined && c !== false)
      .map((c) => (typeof c === 'number' ? String(c) : c)),
  );
}

/** "2m 05s" from milliseconds. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  if (h > 0) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** SLDS form element: label above a control. */
export function field(label: string, control: HTMLElement): HTMLElement {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return h(
    'div',
    { class: 'slds-form-element' },
    h('label', { class: 'slds-form-element__label', for: id }, label),
    h('div', { class: 'slds-form-element__control' }, control),
  );
}

export function input(attrs: Attrs = {}): HTMLInputElement {
  return h('input', { class: 'slds-input', type: 'text', ...attrs });
}

export function select(options: Array<[string, string]>, attrs: Attrs = {}): HTMLSelectElement {
  return h(
    'select',
    { class: 'slds-select', ...attrs },
    ...options.map(([v, t]) => h('option', { value: v }, t)),
  );
}

/** Sets a select's options, keeping the chosen value when it is still offered. */
export function setOptions(sel: HTMLSelectElement, options: Array<[string, string]>): void {
  const key = JSON.stringify(options);
  if (sel.dataset.key === key) return;
  sel.dataset.key = key;
  const chosen = sel.value;
  sel.replaceChildren(...options.map(([v, t]) => h('option', { value: v }, t)));
  if (options.some(([v]) => v === chosen)) sel.value = chosen;
}

export function checkbox(label: string, attrs: Attrs = {}): { el: HTMLElement; box: HTMLInputElement } {
  const box = h('input', { type: 'checkbox', ...attrs });
  const el = h('label', { class: 'sb-check' }, box, ' ', label);
  return { el, box };
}

export function button(
  label: string,
  onClick: () => void,
  variant = 'neutral',
  attrs: Attrs = {},
): HTMLButtonElement {
  return h(
    'button',
    { class: `slds-button slds-button_${variant}`, type: 'button', onclick: onClick, ...attrs },
    label,
  );
}

export function card(title: string, ...body: Array<Child | Child[]>): HTMLElement {
  return h(
    'article',
    { class: 'slds-card' },
    h(
      'div',
      { class: 'slds-card__header slds-grid' },
      h(
        'header',
        { class: 'slds-media slds-media_center slds-has-flexi-truncate' },
        h('h2', { class: 'slds-card__header-title' }, title),
      ),
    ),
    h('div', { class: 'slds-card__body slds-card__body_inner' }, ...body),
  );
}

export function table(
  headers: string[],
  rows: Array<Array<Child | Child[]>>,
  attrs: Attrs = {},
): HTMLElement {
  return h(
    'table',
    { class: 'slds-table slds-table_cell-buffer slds-table_bordered', ...attrs },
    h(
      'thead',
      {},
      h('tr', { class: 'slds-line-height_reset' }, ...headers.map((t) => h('th', { scope: 'col' }, t))),
    ),
    h(
      'tbody',
      {},
      ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, ...(Array.isArray(c) ? c : [c]))))),
    ),
  );
}

export function badge(
  text: string,
  tone: 'success' | 'warning' | 'error' | 'inverse' | '' = '',
): HTMLElement {
  return h('span', { class: `slds-badge${tone ? ` slds-theme_${tone}` : ''}` }, text);
}
