/** Small DOM helpers for the app's modules. */

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const e = document.getElementById(id);
  if (!e) throw new Error(`no element #${id}`);
  return e;
}

/**
 * A labelled <select>; `onChange` gets the chosen value.
 * @param {HTMLElement} parent
 * @param {string} label
 * @param {{ value: string, text: string }[]} options
 * @param {string} value
 * @param {(v: string) => void} onChange
 * @param {string} [id]
 */
export function select(parent, label, options, value, onChange, id) {
  const l = document.createElement("label");
  l.textContent = `${label} `;
  const s = document.createElement("select");
  if (id) s.id = id;
  for (const o of options) {
    const opt = document.createElement("option");
    opt.value = o.value;
    opt.textContent = o.text;
    s.append(opt);
  }
  s.value = value;
  s.addEventListener("change", () => onChange(s.value));
  l.append(s);
  parent.append(l);
  return s;
}

/**
 * Show a message in the corner (errors in red).
 * @param {string} msg
 * @param {boolean} [error]
 */
export function status(msg, error = false) {
  const s = byId("status");
  s.textContent = msg;
  s.className = error ? "error" : "";
}

/**
 * Inner width available in an element, for drawing at screen resolution.
 * @param {HTMLElement} e
 */
export function innerWidth(e) {
  const cs = getComputedStyle(e);
  return Math.max(
    200,
    e.clientWidth - Number.parseFloat(cs.paddingLeft) - Number.parseFloat(cs.paddingRight),
  );
}
