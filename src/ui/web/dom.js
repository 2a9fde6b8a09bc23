// @ts-check
// Small DOM helpers the panels share: building elements from a tag, attributes and children, and finding the
// page's fixed containers by id (index.html has them; a missing one is a bug in the page, so it throws).

/**
 * @typedef {Record<string, string | number | boolean | undefined>} Attributes
 * `class` sets className; `data-*` and the rest set attributes; `undefined` and `false` leave them out.
 */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attributes} [attributes]
 * @param {...(Node | string | null | undefined)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    element.append(child);
  }
  return element;
}

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page has no #${id} ${type.name}`);
  return element;
}

/**
 * The elements under `root` whose `data-id` is `id` (CSS.escape: ids hold slashes).
 * @param {ParentNode} root
 * @param {string} id
 * @returns {HTMLElement[]}
 */
export function byDataId(root, id) {
  return [...root.querySelectorAll(`[data-id="${CSS.escape(id)}"]`)].filter((e) => e instanceof HTMLElement);
}
