import type { Node } from 'web-tree-sitter';
import { reprOf } from '../../analysis/rust/repr';
import { foreignAbiFunctions, foreignBlocks } from '../../analysis/rust/c-abi';
import { indentationOf } from '../../analysis/tree';
import { defineRule, type RuleContext } from '../../engine/rule';

/** Integer reprs that fix the layout of an enum (RFC 2195 for enums with fields). */
const INTEGER_REPR = /^(?:u|i)(?:8|16|32|64|128|size)$/;

/** Whether the type's `#[repr]` gives it a layout C can rely on. */
function hasForeignLayout(type: Node): boolean {
  const words = reprOf(type);
  if (words.includes('C') || words.includes('transparent')) return true;
  return type.type === 'enum_item' && words.some((word) => INTEGER_REPR.test(word));
}

/** Structs, enums and unions declared directly in the module body `scope`, by name (ambiguous names dropped). */
function localTypes(scope: Node): Map<string, Node | undefined> {
  const types = new Map<string, Node | undefined>();
  for (const child of scope.namedChildren) {
    if (child?.type !== 'struct_item' && child?.type !== 'enum_item' && child?.type !== 'union_item') continue;
    const name = child.childForFieldName('name')?.text;
    if (name) types.set(name, types.has(name) ? undefined : child);
  }
  return types;
}

/** The module body holding `item`: the file, or the `{ … }` of an inline `mod`. */
function moduleScope(item: Node): Node {
  for (let current = item.parent; current; current = current.parent) {
    if (current.type === 'source_file') return current;
    if (current.type === 'declaration_list' && current.parent?.type === 'mod_item') return current;
  }
  return item.tree.rootNode;
}

/** Parameter and return types written as a bare name (`Point`, not `&Point` or `*mut Point`). */
function byValueTypes(signature: Node): Node[] {
  const types: Node[] = [];
  for (const parameter of signature.childForFieldName('parameters')?.namedChildren ?? []) {
    const type = parameter?.type === 'parameter' ? parameter.childForFieldName('type') : null;
    if (type?.type === 'type_identifier') types.push(type);
  }
  const result = signature.childForFieldName('return_type');
  if (result?.type === 'type_identifier') types.push(result);
  const declared = signature.type === 'static_item' ? signature.childForFieldName('type') : null;
  if (declared?.type === 'type_identifier') types.push(declared);
  return types;
}

function genericNames(signature: Node): Set<string> {
  const parameters = signature.childForFieldName('type_parameters');
  return new Set((parameters?.descendantsOfType('type_identifier') ?? []).map((node) => node.text));
}

/** The types of each module body, read once per file: a -sys crate has thousands of signatures in one module. */
type TypesByScope = Map<number, Map<string, Node | undefined>>;

function check(context: RuleContext, signature: Node, name: string, typesByScope: TypesByScope): void {
  const scope = moduleScope(signature);
  let scopeTypes = typesByScope.get(scope.id);
  if (!scopeTypes) typesByScope.set(scope.id, (scopeTypes = localTypes(scope)));
  const generics = genericNames(signature);
  const reported = new Set<string>();
  for (const use of byValueTypes(signature)) {
    const definition = scopeTypes.get(use.text);
    if (!definition || generics.has(use.text) || reported.has(use.text) || hasForeignLayout(definition)) continue;
    reported.add(use.text);
    const indentation = indentationOf(definition, context.source);
    context.report({
      node: use,
      messageId: 'byValue',
      data: { type: use.text, function: name, kind: definition.type.replace('_item', '') },
      fix: {
        title: `Add #[repr(C)] to ${use.text}`,
        edits: [{ range: { start: { line: definition.startPosition.row, column: 0 }, end: { line: definition.startPosition.row, column: 0 } }, newText: `${indentation}#[repr(C)]\n` }],
        safe: false,
      },
    });
  }
}

export default defineRule({
  id: 'rust/missing-repr-c',
  languages: ['rust'],
  severity: 'error',
  questions: [10, 25],
  description: 'A struct, enum or union of this file crosses an extern "C" signature by value without #[repr(C)], so C and Rust may disagree on its layout.',
  messages: {
    byValue:
      '{{kind}} `{{type}}` crosses the C ABI by value in `{{function}}` but has no #[repr(C)]: Rust may reorder or pad its fields differently from C. Add #[repr(C)] (or #[repr(transparent)] / an integer repr) to `{{type}}`.',
  },
  fixable: true,
  triggers: ['extern "C"', 'extern "system"', 'extern {', 'extern fn'],
  check(context) {
    const typesByScope: TypesByScope = new Map();
    for (const fn of foreignAbiFunctions(context.root)) check(context, fn.node, fn.name, typesByScope);
    for (const block of foreignBlocks(context.root)) {
      for (const item of block.items) check(context, item, item.childForFieldName('name')?.text ?? '?', typesByScope);
    }
  },
});
