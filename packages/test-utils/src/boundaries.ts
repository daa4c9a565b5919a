/**
 * What a package pulls in, for the tests that keep the packages' boundaries true: the modules its code
 * imports at runtime (type-only imports are erased and do not count) and the npm packages it installs.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

export interface RuntimeImport {
  /** The module specifier as written, e.g. `@temporalio/common` or `node:fs`. */
  specifier: string;
  /** The source file that imports it. */
  file: string;
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '/index.ts', '/index.tsx'];

function resolveRelative(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base, ...SOURCE_EXTENSIONS.map(extension => `${base}${extension}`)]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${fromFile}: cannot resolve ${specifier}`);
}

/** The specifiers a file imports or re-exports at runtime, with type-only ones left out. */
function runtimeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every(element => element.isTypeOnly)));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause !== undefined &&
          ts.isNamedExports(node.exportClause) &&
          node.exportClause.elements.every(element => element.isTypeOnly));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Every module outside the entry's own files that loading `entryFile` loads: its relative imports are
 * followed, everything else (packages, Node built-ins) is listed where it is imported.
 */
export function runtimeImportsOf(entryFile: string): RuntimeImport[] {
  const imports: RuntimeImport[] = [];
  const visited = new Set<string>();
  const queue = [resolve(entryFile)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (visited.has(file)) continue;
    visited.add(file);
    for (const specifier of runtimeSpecifiers(file)) {
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (/\.tsx?$/.test(target)) queue.push(target);
      } else {
        imports.push({ specifier, file });
      }
    }
  }
  return imports;
}

/** The npm package a specifier names: `@scope/name` or `name`, without a subpath. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier);
}

function findInstalled(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return realpathSync(dirname(manifest));
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The names of the npm packages installing `packageDir` brings, as installed here: its dependencies and
 * peer dependencies (the host provides those, but they load all the same; optional ones only for the
 * entry that needs them, so they are left out), then their dependencies.
 */
export function dependencyClosureOf(packageDir: string): Set<string> {
  const names = new Set<string>();
  const visited = new Set<string>();
  const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const root = realpathSync(packageDir);
  const { dependencies = {}, peerDependencies = {}, peerDependenciesMeta = {} } = manifest(root);
  const required = Object.keys(peerDependencies).filter(name => peerDependenciesMeta[name]?.optional !== true);
  const queue: Array<[string, string]> = [...Object.keys(dependencies), ...required].map(name => [name, root]);
  while (queue.length > 0) {
    const [name, from] = queue.pop()!;
    const dir = findInstalled(name, from);
    if (!dir || visited.has(dir)) continue;
    visited.add(dir);
    names.add(name);
    const { dependencies: deps = {}, optionalDependencies = {} } = manifest(dir);
    for (const dep of Object.keys({ ...deps, ...optionalDependencies })) queue.push([dep, dir]);
  }
  return names;
}

/** The packages a package's manifest promises its users: dependencies and peer dependencies. */
export function declaredDependencies(packageDir: string): Set<string> {
  const { dependencies = {}, peerDependencies = {} } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  return new Set(Object.keys({ ...dependencies, ...peerDependencies }));
}

/**
 * What loading the entries pulls in, for a package's boundary test: the npm packages they import at run
 * time (Node built-ins left out), those of them the manifest does not declare, and the manifest's
 * dependency closure.
 */
export function boundaryOf(packageDir: string, entries: string[]) {
  const imported = new Set(
    entries
      .flatMap(entry => runtimeImportsOf(join(packageDir, entry)))
      .map(({ specifier }) => specifier)
      .filter(specifier => !isNodeBuiltin(specifier))
      .map(packageNameOf),
  );
  const declared = declaredDependencies(packageDir);
  return {
    imported: [...imported].sort(),
    undeclared: [...imported].filter(name => !declared.has(name)).sort(),
    closure: dependencyClosureOf(packageDir),
  };
}
