import type { Node } from 'web-tree-sitter';
import { LIBRARY_LOADING_WORDS, readCtypesBindings, type CtypesBindings } from '../../analysis/python/ctypes-bindings';
import { NameBindings, scopeOf } from '../../analysis/python/name-bindings';
import { integerConstant, isFloatExpression } from '../../analysis/python/numeric-values';
import { defineRule } from '../../engine/rule';

/** Result types whose values are Python ints that may need all 64 bits. */
const WIDE_RESTYPES = ['c_void_p', 'c_size_t', 'c_ssize_t', 'c_int64', 'c_uint64', 'c_longlong', 'c_ulonglong'];
/** Without argtypes, ctypes passes a Python int as a C `int`: these fit, signed or unsigned. */
const INT32_MIN = -(2n ** 31n);
const UINT32_MAX = 2n ** 32n - 1n;

/** Why an argument cannot cross without argtypes. */
type Mangled =
  | { kind: 'float' }
  | { kind: 'wide'; what: string; suggestion: string };

function shortText(node: Node): string {
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

class ArgumentClassifier {
  private readonly names = new NameBindings();

  constructor(private readonly bindings: CtypesBindings) {}

  /** What goes wrong when `argument` is passed to a foreign function without argtypes, if anything. */
  classify(argument: Node, followNames = true): Mangled | undefined {
    const node = unparenthesized(argument);
    const constant = integerConstant(node);
    if (constant !== undefined) {
      if (constant >= INT32_MIN && constant <= UINT32_MAX) return undefined;
      return { kind: 'wide', what: 'an integer wider than 32 bits', suggestion: this.spell(constant < 0n ? 'c_int64' : 'c_uint64') };
    }
    if (isFloatExpression(node, (name) => followNames && this.classifyName(name)?.kind === 'float')) return { kind: 'float' };
    if (node.type === 'identifier') return followNames ? this.classifyName(node) : undefined;
    return this.address(node) ?? this.wideResult(node);
  }

  /** An address held as a Python int: `addressof(x)`, `id(x)`, `array.ctypes.data`, `cast(p, c_void_p).value`. */
  private address(node: Node): Mangled | undefined {
    const names = this.bindings.names;
    const voidPointer = this.spell('c_void_p');
    if (node.type === 'call') {
      const callee = node.childForFieldName('function');
      if (names.isMember(callee, 'addressof')) return { kind: 'wide', what: 'an address from addressof()', suggestion: voidPointer };
      if (callee?.type === 'identifier' && callee.text === 'id' && !this.names.lookup(callee)) {
        return { kind: 'wide', what: 'an object address from id()', suggestion: voidPointer };
      }
      return undefined;
    }
    if (node.type !== 'attribute') return undefined;
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute')?.text;
    if (attribute === 'data' && object?.type === 'attribute' && object.childForFieldName('attribute')?.text === 'ctypes') {
      return { kind: 'wide', what: 'an array data address', suggestion: voidPointer };
    }
    if (attribute === 'value' && object?.type === 'call') {
      const callee = object.childForFieldName('function');
      const args = object.childForFieldName('arguments')?.namedChildren ?? [];
      const castToVoid = names.isMember(callee, 'cast') && args.length === 2 && names.isMember(args[1], 'c_void_p');
      if (castToVoid) return { kind: 'wide', what: 'an address from c_void_p.value', suggestion: voidPointer };
    }
    return undefined;
  }

  /** The result of a foreign function of this module whose restype makes it a 64-bit Python int. */
  private wideResult(node: Node): Mangled | undefined {
    if (node.type !== 'call') return undefined;
    const producer = this.bindings.resolve(node.childForFieldName('function')!);
    const restype = producer?.restype ? unparenthesized(producer.restype) : undefined;
    const wide = restype && WIDE_RESTYPES.find((type) => this.bindings.names.isMember(restype, type));
    if (!producer || !wide) return undefined;
    return { kind: 'wide', what: `a ${wide} result of \`${producer.key}\``, suggestion: this.spell(wide) };
  }

  /** A variable whose every assignment (in the scope it resolves to) is such an argument. */
  private classifyName(name: Node): Mangled | undefined {
    const found = this.names.lookup(name);
    if (!found || found.bindings.length === 0) return undefined;
    // In its own scope, a variable must have been assigned before this use.
    if (found.scope.id === scopeOf(name).id && !found.bindings.some((b) => b.name.startIndex < name.startIndex)) return undefined;
    let result: Mangled | undefined;
    for (const binding of found.bindings) {
      const mangled = binding.value ? this.classify(binding.value, false) : undefined;
      if (!mangled || (result && result.kind !== mangled.kind)) return undefined;
      result ??= mangled;
    }
    return result;
  }

  private spell(member: string): string {
    return this.bindings.names.spell(member);
  }
}

function unparenthesized(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildCount === 1) current = current.namedChild(0)!;
  return current;
}

export default defineRule({
  id: 'ctypes/missing-argtypes',
  languages: ['python'],
  severity: 'warning',
  questions: [7],
  description: 'A ctypes foreign function without argtypes is passed a float or a 64-bit value, which ctypes rejects or cuts to a 32-bit int.',
  messages: {
    floatArgument:
      '`{{function}}` is called without argtypes, so ctypes cannot pass the float `{{argument}}` and raises ArgumentError: declare `{{function}}.argtypes = [...]` with the C parameter types ({{double}} for a double).',
    wideArgument:
      '`{{function}}` is called without argtypes, so `{{argument}}` ({{what}}) is passed as a 32-bit C int and loses its upper bits: declare `{{function}}.argtypes = [...]` ({{suggestion}} for this parameter).',
  },
  fixable: false,
  triggers: LIBRARY_LOADING_WORDS,
  check(context) {
    const bindings = context.shared(readCtypesBindings);
    if (bindings.functions.size === 0 || bindings.hasDynamicArgtypes) return;
    const classifier = new ArgumentClassifier(bindings);
    for (const fn of bindings.functions.values()) {
      if (fn.argtypes || bindings.mayBeDeclaredElsewhere(fn, 'argtypes')) continue;
      for (const call of fn.calls) {
        const callee = call.childForFieldName('function');
        const args = call.childForFieldName('arguments');
        if (!callee || args?.type !== 'argument_list') continue;
        const classified = args.namedChildren
          .filter((argument) => !['keyword_argument', 'list_splat', 'dictionary_splat'].includes(argument.type))
          .map((argument) => ({ argument, mangled: classifier.classify(argument) }));
        // A float stops the call outright, so it is the argument to name first.
        const offending =
          classified.find(({ mangled }) => mangled?.kind === 'float') ?? classified.find(({ mangled }) => mangled !== undefined);
        if (!offending?.mangled) continue;
        const functionName = callee.type === 'call' ? fn.key : callee.text;
        const data = { function: functionName, argument: shortText(offending.argument) };
        if (offending.mangled.kind === 'float') {
          context.report({ node: offending.argument, messageId: 'floatArgument', data: { ...data, double: bindings.names.spell('c_double') } });
        } else {
          const { what, suggestion } = offending.mangled;
          context.report({ node: offending.argument, messageId: 'wideArgument', data: { ...data, what, suggestion } });
        }
        break; // One report per function: a single declaration fixes every call.
      }
    }
  },
});
