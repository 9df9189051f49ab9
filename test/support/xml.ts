/**
 * A strict little XML well-formedness check for the SVG the plot library writes: balanced tags,
 * quoted attributes without duplicates, and no bare `<` or `&` in text. Enough to catch a broken
 * figure without a DOM or an XML dependency; returns the element tree for further assertions.
 */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
const NAME = /[A-Za-z_][\w:.-]*/y;

function checkText(s: string, where: number): void {
  for (let i = s.indexOf("&"); i >= 0; i = s.indexOf("&", i + 1)) {
    ENTITY.lastIndex = i;
    if (!ENTITY.test(s)) throw new Error(`bare & at ${where + i}`);
  }
  if (s.includes("<")) throw new Error(`bare < near ${where}`);
}

export function parseXml(xml: string): XmlNode {
  const root: XmlNode = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlNode[] = [root];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const textEnd = lt < 0 ? xml.length : lt;
    const t = xml.slice(i, textEnd);
    checkText(t, i);
    stack[stack.length - 1]!.text += t;
    if (lt < 0) break;
    if (xml.startsWith("<!--", lt)) {
      const e = xml.indexOf("-->", lt);
      if (e < 0) throw new Error("unclosed comment");
      i = e + 3;
      continue;
    }
    const gt = xml.indexOf(">", lt);
    if (gt < 0) throw new Error(`unclosed tag at ${lt}`);
    const tag = xml.slice(lt + 1, gt);
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name}> at ${lt}`);
      i = gt + 1;
      continue;
    }
    const selfClosing = tag.endsWith("/");
    const body = selfClosing ? tag.slice(0, -1) : tag;
    NAME.lastIndex = 0;
    const m = NAME.exec(body);
    if (!m) throw new Error(`bad tag name at ${lt}`);
    const node: XmlNode = { name: m[0], attrs: {}, children: [], text: "" };
    const rest = body.slice(m[0].length);
    const attrRe = /\s+([A-Za-z_][\w:.-]*)="([^"<]*)"/y;
    let k = 0;
    while (k < rest.length) {
      if (/^\s*$/.test(rest.slice(k))) break;
      attrRe.lastIndex = k;
      const a = attrRe.exec(rest);
      if (!a) throw new Error(`bad attribute in <${node.name}> at ${lt}: ${rest.slice(k, k + 30)}`);
      if (a[1]! in node.attrs) throw new Error(`duplicate attribute ${a[1]} in <${node.name}>`);
      checkText(a[2]!, lt);
      node.attrs[a[1]!] = a[2]!;
      k = attrRe.lastIndex;
    }
    stack[stack.length - 1]!.children.push(node);
    if (!selfClosing) stack.push(node);
    i = gt + 1;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1) throw new Error(`${root.children.length} root elements`);
  return root.children[0]!;
}

/** All elements named `name` in the tree, depth first. */
export function findAll(node: XmlNode, name: string): XmlNode[] {
  const out: XmlNode[] = [];
  const walk = (n: XmlNode) => {
    if (n.name === name) out.push(n);
    n.children.forEach(walk);
  };
  walk(node);
  return out;
}
