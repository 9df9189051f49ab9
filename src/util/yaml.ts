/**
 * The experiment config's YAML, read and written with the `yaml` package (YAML 1.2 core schema).
 * Reading keeps the document so that a problem found later (by the config schema) can still be
 * reported at its line; every syntax problem is one line naming the file and the line.
 */
import {
  type Document,
  isCollection,
  isMap,
  isScalar,
  LineCounter,
  parseDocument,
  visit,
  Document as YamlDocument,
} from "yaml";
import { clip, InputError } from "./errors.js";

export type YamlValue = string | number | boolean | null | YamlValue[] | { [k: string]: YamlValue };

/** A parsed YAML file: its plain data and the line of any key path in it. */
export interface YamlFile {
  data: unknown;
  /** 1-based line of the node at `path` (or of its nearest existing parent); undefined if not even the top-level key is there. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** Keys that would reach an object's prototype chain: refused wherever they appear. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Parses YAML text; errors name `file` and the line. An empty document is an empty map. */
export function readYaml(text: string, file = ""): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: true,
    schema: "core",
  });
  // warnings (an unknown tag, say) would silently change a value's type: treated as errors
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line;
    // the package's message ends "at line L, column C:" followed by a code excerpt; one line is kept
    const msg = problem.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new InputError(file, `${line ? `line ${line}: ` : ""}${clip(tooDeep(msg) ?? msg, 200)}`);
  }
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? undefined : lines.linePos(offset).line;
  visit(doc, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? pair.key : null;
      if (key && FORBIDDEN_KEYS.has(String(key.value))) {
        const line = lineAt(key.range?.[0]);
        throw new InputError(
          file,
          `${line ? `line ${line}: ` : ""}"${String(key.value)}" is not allowed as a key`,
        );
      }
    },
  });
  let data: unknown;
  try {
    data = doc.contents === null ? {} : doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // the package refuses aliases that expand without bound ("billion laughs") with a ReferenceError
    const msg = err instanceof Error ? err.message : String(err);
    throw new InputError(
      file,
      tooDeep(msg) ??
        (/alias/i.test(msg)
          ? "its aliases (*name) expand to too many values (more than 100 uses): refused"
          : clip(msg, 200)),
    );
  }
  return { data, lineOf: (path) => lineAt(nodeStart(doc, path)) };
}

/** A stack overflow while reading (thousands of nested [ or {) said plainly; null for other messages. */
function tooDeep(msg: string): string | null {
  return /call stack/i.test(msg) ? "nested too deeply (thousands of [ or { inside each other)" : null;
}

/** Start offset of the deepest node along `path` that exists. */
function nodeStart(doc: Document, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = doc.contents;
  // the document's own start is no help (a missing top-level key would point at line 1)
  let start: number | undefined;
  for (const k of path) {
    if (!isCollection(node)) break;
    const key = typeof k === "number" && !isMap(node) ? k : String(k);
    const pair = isMap(node) ? node.items.find((p) => isScalar(p.key) && String(p.key.value) === key) : null;
    const next: unknown = isMap(node) ? pair?.value : node.get(key, true);
    const at =
      pair && isScalar(pair.key) ? pair.key.range?.[0] : (next as { range?: number[] } | null)?.range?.[0];
    if (at === undefined) break;
    start = at;
    node = next;
  }
  return start;
}

/**
 * Top-level keys one per line; nested values in flow style, so the file reads like one a user
 * would write by hand, with an optional comment per top-level key.
 */
export function toYaml(data: Record<string, YamlValue>, comments: Record<string, string> = {}): string {
  const doc = new YamlDocument(data);
  if (!isMap(doc.contents)) throw new Error("toYaml: top level must be a map");
  for (const pair of doc.contents.items) {
    const value = pair.value;
    if (isMap(value) && value.items.length > 1) {
      for (const inner of value.items) if (isCollection(inner.value)) inner.value.flow = true;
    } else if (isCollection(value)) value.flow = true;
    const note = isScalar(pair.key) ? comments[String(pair.key.value)] : undefined;
    // a block map's comment goes after its key; a flow or scalar value's after it, on its line
    const block = isMap(value) && !value.flow;
    if (note) ((block ? pair.key : value) as { comment?: string }).comment = ` ${note}`;
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
