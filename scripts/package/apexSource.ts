/**
 * Apex source checks that need no org: syntax (the Apex parser, errors collected by a listener, since
 * its own `check()` reports success even on errors) and names the parser accepts but the Apex
 * compiler reserves (`group`, `number`…), the mistake a typed JSON class invites.
 */
import {
  type ApexParseTree,
  type ApexParserRuleContext,
  ApexErrorListener,
  ApexParserFactory,
  FormalParameterContext,
  MethodDeclarationContext,
  VariableDeclaratorContext,
} from '@apexdevtools/apex-parser';

/** Reserved words of Apex that the parser still takes as names. */
export const RESERVED_NAMES = new Set([
  'activate',
  'any',
  'array',
  'autonomous',
  'begin',
  'bigdecimal',
  'bulk',
  'byte',
  'case',
  'cast',
  'char',
  'collect',
  'commit',
  'const',
  'default',
  'desc',
  'asc',
  'end',
  'exit',
  'export',
  'float',
  'goto',
  'group',
  'having',
  'hint',
  'import',
  'inner',
  'into',
  'join',
  'like',
  'limit',
  'loop',
  'number',
  'object',
  'of',
  'outer',
  'parallel',
  'pragma',
  'retrieve',
  'select',
  'short',
  'sort',
  'synchronized',
  'then',
  'transaction',
  'when',
  'where',
  'from',
]);

class CollectingListener extends ApexErrorListener {
  readonly errors: string[] = [];
  apexSyntaxError(line: number, column: number, msg: string): void {
    this.errors.push(`${line}:${column} ${msg}`);
  }
}

function declaredNames(tree: ApexParseTree, out: Array<{ name: string; line: number }>): void {
  if (
    tree instanceof VariableDeclaratorContext ||
    tree instanceof FormalParameterContext ||
    tree instanceof MethodDeclarationContext
  ) {
    const id = tree.id();
    out.push({ name: id.getText(), line: id.start.line });
  }
  for (const child of (tree as ApexParserRuleContext).children ?? []) declaredNames(child, out);
}

/** Problems of one Apex class: syntax errors, then reserved words used as names. */
export function checkApexSource(relPath: string, source: string): string[] {
  const listener = new CollectingListener();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  const tree = parser.compilationUnit();
  if (listener.errors.length > 0) return listener.errors.map((e) => `${relPath}:${e.slice(0, 160)}`);
  const names: Array<{ name: string; line: number }> = [];
  declaredNames(tree, names);
  return names
    .filter((n) => RESERVED_NAMES.has(n.name.toLowerCase()))
    .map((n) => `${relPath}:${n.line} "${n.name}" is a reserved word in Apex`);
}
