/** Tiny DOM builders, so the pages read as the layout they produce. */

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) if (value !== undefined) element.setAttribute(key, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

let fieldIds = 0;

/** A labelled control: the label is tied to the control by id, for screen readers and clicks. */
export function field<T extends HTMLElement>(label: string, control: T, hint?: string): HTMLElement {
  const id = control.id || `field-${fieldIds++}`;
  control.id = id;
  return el("div", { class: "field" }, el("label", { for: id }, label), control, hint ? el("small", {}, hint) : null);
}

export function input(props: Partial<Record<string, string>>): HTMLInputElement {
  return el("input", props);
}

export function select<T extends string>(options: readonly T[], value: T, labels?: Partial<Record<T, string>>): HTMLSelectElement {
  const element = el("select");
  for (const option of options) element.append(el("option", { value: option }, labels?.[option] ?? option));
  element.value = value;
  return element;
}

export function button(text: string, props: Partial<Record<string, string>> = {}): HTMLButtonElement {
  return el("button", { type: "button", ...props }, text);
}

/** The page's one line of feedback for bad input, announced to screen readers. */
export function errorLine(): HTMLElement {
  return el("p", { class: "error", role: "alert", "data-testid": "error" });
}
