import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SRC = path.resolve(__dirname, '../../src');

/** The package's entry point, as a node of the folder graph. */
const ROOT = 'index.ts';

/** A directed graph: each node and the nodes it points to. */
type Graph = ReadonlyMap<string, ReadonlySet<string>>;

/** One relative import or re-export of a source file. */
interface Import {
  /** The importing file, relative to `src`. */
  from: string;
  /** The imported file, relative to `src`. */
  to: string;
  /** The names it imports; `undefined` for `export *`. */
  names: string[] | undefined;
}

/**
 * One cycle of `graph`, as the nodes along it with the first repeated last
 * (`['a', 'b', 'a']`), or `undefined` when the graph has none. Depth first, in name order,
 * so that the same graph always reports the same cycle.
 */
function findCycle(graph: Graph): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    trail.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (state.get(next) === 'open') return [...trail.slice(trail.indexOf(next)), next];
      const cycle = state.has(next) ? undefined : visit(next);
      if (cycle) return cycle;
    }
    trail.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = state.has(node) ? undefined : visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Every `.ts` file under `dir`, relative to `src`. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full)] : [];
  });
}

/** The file a relative module specifier of `from` names, relative to `src`. */
function resolve(from: string, specifier: string): string {
  const base = path.join(path.dirname(from), specifier);
  const file = [`${base}.ts`, path.join(base, 'index.ts')].find((f) =>
    existsSync(path.join(SRC, f)),
  );
  if (!file) throw new Error(`${from}: cannot resolve '${specifier}'`);
  return file;
}

/** The relative imports and re-exports of `file` (type-only ones too). */
function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(SRC, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
  return source.statements.flatMap((statement): Import[] => {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) return [];
    const specifier = statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return [];
    return [{ from: file, to: resolve(file, specifier.text), names: namesOf(statement) }];
  });
}

function namesOf(statement: ts.ImportDeclaration | ts.ExportDeclaration): string[] | undefined {
  const bindings = ts.isImportDeclaration(statement)
    ? statement.importClause?.namedBindings
    : statement.exportClause;
  if (!bindings) return ts.isImportDeclaration(statement) ? [] : undefined;
  if (ts.isNamespaceImport(bindings) || ts.isNamespaceExport(bindings)) return undefined;
  return bindings.elements.map((element) => (element.propertyName ?? element.name).text);
}

/** The top folder of a file under `src`, or {@link ROOT} for the entry point. */
function folderOf(file: string): string {
  return file.includes(path.sep) ? (file.split(path.sep)[0] as string) : file;
}

/** The folders of `imports` and the other folders each imports from. */
function folderGraph(imports: readonly Import[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of imports) {
    const [a, b] = [folderOf(from), folderOf(to)];
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    if (a !== b) graph.get(a)?.add(b);
  }
  return graph;
}

/** A cycle of folders with, for each step, one import that makes it. */
function explain(cycle: readonly string[], imports: readonly Import[]): string {
  return cycle
    .slice(1)
    .map((to, i) => {
      const from = cycle[i] as string;
      const edge = imports.find((e) => folderOf(e.from) === from && folderOf(e.to) === to);
      return `${from} -> ${to} (${edge?.from} imports ${edge?.to})`;
    })
    .join(', ');
}

describe('findCycle', () => {
  const graph = (edges: Record<string, string[]>): Graph =>
    new Map(Object.entries(edges).map(([node, next]) => [node, new Set(next)]));

  it('finds none in a graph without cycles, diamonds included', () => {
    expect(findCycle(graph({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }))).toBeUndefined();
  });

  it('names the folders along a cycle, the first repeated last', () => {
    const cyclic = graph({ a: ['b'], b: ['c'], c: ['d', 'b'], d: [] });
    expect(findCycle(cyclic)).toEqual(['b', 'c', 'b']);
  });

  it('finds a cycle that only a later start reaches', () => {
    const cyclic = graph({ a: [], x: ['y'], y: ['z'], z: ['x'] });
    expect(findCycle(cyclic)).toEqual(['x', 'y', 'z', 'x']);
  });
});

describe('the folders of packages/core/src', () => {
  const files = sourceFiles();
  const imports = files.flatMap(importsOf);
  const isIndex = (file: string) => path.basename(file) === 'index.ts';

  it('leave no file at the top level but index.ts', () => {
    expect(files.filter((file) => !file.includes(path.sep))).toEqual([ROOT]);
  });

  it('each have an index.ts', () => {
    const folders = [...new Set(files.filter((f) => f.includes(path.sep)).map(folderOf))];
    expect(folders.filter((folder) => !files.includes(path.join(folder, 'index.ts')))).toEqual([]);
  });

  it('import each other without a cycle', () => {
    const graph = folderGraph(imports);
    expect(graph.get('tasks')).toContain('routing');
    const cycle = findCycle(graph);
    expect(cycle && explain(cycle, imports)).toBeUndefined();
  });

  it('re-export by name in their indexes, never with export *', () => {
    const starred = imports.filter((e) => isIndex(e.from) && e.names === undefined);
    expect(starred.map((e) => `${e.from}: export * from ${e.to}`)).toEqual([]);
  });

  it("import another folder's files directly, never its index", () => {
    const throughIndex = imports.filter((e) => e.from !== ROOT && isIndex(e.to));
    expect(throughIndex.map((e) => `${e.from} imports ${e.to}`)).toEqual([]);
  });

  it("import from another folder only names that folder's index exports", () => {
    const offered = new Map<string, Set<string>>();
    for (const e of imports.filter((i) => isIndex(i.from) && i.from !== ROOT)) {
      const names = offered.get(folderOf(e.from)) ?? new Set();
      for (const name of e.names ?? []) names.add(name);
      offered.set(folderOf(e.from), names);
    }
    const hidden = imports
      .filter((e) => folderOf(e.from) !== folderOf(e.to) && e.from !== ROOT)
      .flatMap((e) => (e.names ?? []).map((name) => ({ ...e, name })))
      .filter((e) => !offered.get(folderOf(e.to))?.has(e.name));
    expect(hidden.map((e) => `${e.from} imports ${e.name} from ${e.to}`)).toEqual([]);
  });
});
