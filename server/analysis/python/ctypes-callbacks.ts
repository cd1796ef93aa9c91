import type { Node } from 'web-tree-sitter';
import type { CtypesNames } from './ctypes-bindings';
import { decoratorExpression } from './callables';

/** The ctypes factories that make a C function pointer type from a result type and argument types. */
export const PROTOTYPE_FACTORIES = ['CFUNCTYPE', 'WINFUNCTYPE', 'PYFUNCTYPE'] as const;

/** A callback type: `CALLBACK = ctypes.CFUNCTYPE(None, c_int)`, or the factory call itself. */
export interface CallbackPrototype {
  /** How code refers to it: `CALLBACK`, or the factory call's text when used inline. */
  readonly name: string;
  /** The `CFUNCTYPE(...)` call. */
  readonly factoryCall: Node;
  /** The statement that names the prototype, when it is named. */
  readonly statement?: Node;
  /** The C result type: the factory's first argument (`None` means `void`). */
  readonly restype?: Node;
}

/** Where a Python callable becomes a C function pointer. */
export interface CtypesCallback {
  readonly prototype: CallbackPrototype;
  /** `CALLBACK(fn)`, or the `@CALLBACK` decorator. */
  readonly site: Node;
  readonly form: 'call' | 'decorator';
  /** What is wrapped: the call's argument, or the decorated `def`. */
  readonly target: Node;
}

export interface CtypesCallbacks {
  /** Prototype name → its declaration. Only names bound in this module are known. */
  readonly prototypes: ReadonlyMap<string, CallbackPrototype>;
  readonly callbacks: readonly CtypesCallback[];
  /** The prototype an expression denotes: a known name or an inline factory call. */
  prototypeOf(expression: Node | null): CallbackPrototype | undefined;
  /** The callback made at `expression` (`CALLBACK(fn)`), if it makes one. */
  callbackAt(expression: Node | null): CtypesCallback | undefined;
}

function isFactoryCall(node: Node | null, names: CtypesNames): boolean {
  if (node?.type !== 'call') return false;
  const callee = node.childForFieldName('function');
  return PROTOTYPE_FACTORIES.some((factory) => names.isMember(callee, factory));
}

function describeFactoryCall(call: Node, statement?: Node, name?: string): CallbackPrototype {
  const restype = call.childForFieldName('arguments')?.namedChildren.find((child) => child.type !== 'comment');
  return {
    name: name ?? call.text,
    factoryCall: call,
    ...(statement ? { statement } : {}),
    ...(restype && restype.type !== 'keyword_argument' ? { restype } : {}),
  };
}

/** The single positional argument of a call with no keywords, or undefined. */
function soleArgument(call: Node): Node | undefined {
  const args = call.childForFieldName('arguments')?.namedChildren.filter((child) => child.type !== 'comment') ?? [];
  return args.length === 1 && args[0].type !== 'keyword_argument' && !args[0].type.endsWith('splat') ? args[0] : undefined;
}

/**
 * Reads the callback prototypes a module declares with ctypes and every place it wraps a Python
 * callable in one. A prototype imported from another module is not known: guessing from a name
 * would cry wolf.
 */
export function readCtypesCallbacks(root: Node, names: CtypesNames): CtypesCallbacks {
  const prototypes = new Map<string, CallbackPrototype>();
  const ambiguous = new Set<string>();
  for (const assignment of root.descendantsOfType('assignment')) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'identifier') continue;
    if (isFactoryCall(right, names)) {
      prototypes.set(left.text, describeFactoryCall(right!, assignment.parent ?? assignment, left.text));
    } else {
      ambiguous.add(left.text);
    }
  }
  // A name bound to a prototype in one place and to something else in another is not followed.
  for (const name of ambiguous) prototypes.delete(name);

  const prototypeOf = (expression: Node | null): CallbackPrototype | undefined => {
    if (!expression) return undefined;
    if (expression.type === 'identifier') return prototypes.get(expression.text);
    return isFactoryCall(expression, names) ? describeFactoryCall(expression) : undefined;
  };

  const callbackAt = (expression: Node | null): CtypesCallback | undefined => {
    if (expression?.type !== 'call') return undefined;
    const prototype = prototypeOf(expression.childForFieldName('function'));
    const target = prototype ? soleArgument(expression) : undefined;
    return prototype && target ? { prototype, site: expression, form: 'call', target } : undefined;
  };

  const callbacks: CtypesCallback[] = [];
  for (const node of root.descendantsOfType(['call', 'decorator'])) {
    if (node.type === 'call') {
      const callback = callbackAt(node);
      if (callback) callbacks.push(callback);
      continue;
    }
    const prototype = prototypeOf(decoratorExpression(node) ?? null);
    const definition = node.parent?.childForFieldName('definition');
    if (prototype && definition?.type === 'function_definition') {
      callbacks.push({ prototype, site: node, form: 'decorator', target: definition });
    }
  }
  return { prototypes, callbacks, prototypeOf, callbackAt };
}

/** True when the prototype's C result type is `void` (`CFUNCTYPE(None, ...)`). */
export function returnsVoid(prototype: CallbackPrototype): boolean {
  return prototype.restype?.type === 'none';
}
