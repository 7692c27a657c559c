/**
 * An HTML element with its properties and children in one call, for the
 * panels and dialogs built in code (sign-in, the editor, its form).
 *
 *   el('label', { className: 'field' }, el('span', { textContent: 'Tên' }), input)
 */
export const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...kids: (Node | string)[]
): HTMLElementTagNameMap[K] => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
};
