import type { Node } from 'web-tree-sitter';
import { closestAncestor } from '../tree';
import type { CtypesNames } from './ctypes-bindings';

/** ctypes wrappers that carry an address through unchanged: `cast(p, c_void_p)`, `c_void_p(p)`. */
const ADDRESS_WRAPPERS = ['cast', 'c_void_p', 'c_char_p'];

/** A call that receives a value, and the argument through which it does. */
export interface Receiver {
  call: Node;
  argument: Node;
  /** The local variable the value went through, when it did. */
  variable?: string;
}

/**
 * The calls that receive the result of `call`: passed straight as an argument, or first stored in
 * a local variable (`p = lib.fn()`) and passed later in the same function (or module body), until
 * the variable is assigned again. ctypes address wrappers (`cast`, `c_void_p(...)`) are looked
 * through. Uses in nested functions, on objects or in other modules are not followed.
 */
export function receiversOfResult(call: Node, names: CtypesNames): Receiver[] {
  const direct = receiverOf(call, names);
  if (direct) return [direct];
  const assignment = call.parent;
  const variable = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
  if (variable?.type !== 'identifier' || assignment?.childForFieldName('right')?.id !== call.id) return [];
  const scope = closestAncestor(call, ['function_definition', 'module']) ?? call.tree.rootNode;
  const found: Receiver[] = [];
  for (const use of scope.descendantsOfType('identifier')) {
    if (use.startIndex <= call.endIndex || use.text !== variable.text) continue;
    if (closestAncestor(use, ['function_definition', 'module'])?.id !== scope.id) continue;
    const parent = use.parent;
    if (parent?.type === 'assignment' && parent.childForFieldName('left')?.id === use.id) break;
    const receiver = receiverOf(use, names);
    if (receiver) found.push({ ...receiver, variable: variable.text });
  }
  return found;
}

function receiverOf(value: Node, names: CtypesNames): Receiver | undefined {
  let argument = value;
  for (;;) {
    const list = argument.parent;
    const call = list?.type === 'argument_list' ? list.parent : null;
    if (call?.type !== 'call') return undefined;
    const callee = call.childForFieldName('function');
    if (ADDRESS_WRAPPERS.some((member) => names.isMember(callee, member)) && list?.namedChildren[0]?.id === argument.id) {
      argument = call;
      continue;
    }
    return { call, argument };
  }
}
