/**
 * A figure slot on the page: the plot's SVG plus export buttons (SVG, PNG, and CSV for curves).
 * Figures are redrawn by replacing their SVG text; the buttons export whatever is shown.
 */
import { downloadCsv, downloadPng, downloadText } from "./export.js";

/**
 * @typedef {object} Figure
 * @property {HTMLElement} root
 * @property {HTMLElement} plot
 * @property {(svg: string) => void} show
 * @property {(csv: (() => string) | null) => void} setCsv
 */

/**
 * @param {HTMLElement} parent
 * @param {string} name file name stem for exports, and the element id
 * @returns {Figure}
 */
export function figure(parent, name) {
  const root = document.createElement("figure");
  root.id = `fig-${name}`;
  const plot = document.createElement("div");
  plot.className = "plot";
  const tools = document.createElement("div");
  tools.className = "tools";
  root.append(plot, tools);
  parent.append(root);
  let svg = "";
  /** @type {(() => string) | null} */
  let csv = null;
  /** @param {string} label @param {string} cls @param {() => void} action */
  const button = (label, cls, action) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.className = cls;
    b.title = `export ${label}`;
    b.addEventListener("click", action);
    tools.append(b);
    return b;
  };
  button("SVG", "export-svg", () => downloadText(svg, `${name}.svg`, "image/svg+xml"));
  button("PNG", "export-png", () => {
    downloadPng(svg, `${name}.png`).catch((e) => console.warn(e));
  });
  const csvButton = button("CSV", "export-csv", () => {
    if (csv) downloadCsv(csv(), `${name}.csv`);
  });
  csvButton.hidden = true;
  return {
    root,
    plot,
    show(s) {
      svg = s;
      plot.innerHTML = s;
    },
    setCsv(f) {
      csv = f;
      csvButton.hidden = f === null;
    },
  };
}
