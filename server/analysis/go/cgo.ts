import type { Node } from 'web-tree-sitter';
import { closestAncestor } from '../tree';
import { argumentOfCall, callArguments, pointerConversion, qualifiedName, unaryOperator, unparenthesize } from './expressions';
import { GO_FUNCTIONS, LocalBindings } from './local-bindings';

/** True when the Go file imports the pseudo-package "C", alone or in a grouped import. */
export function importsC(root: Node): boolean {
  return root.descendantsOfType('import_spec').some((spec) => {
    const path = spec.childForFieldName('path');
    return path?.text === '"C"' || path?.text === '`C`';
  });
}

/** `C.name` (a C function, type, variable or constant): the name; otherwise undefined. */
export function cMemberName(node: Node | null): string | undefined {
  const qualified = qualifiedName(node);
  return qualified?.package === 'C' ? qualified.name : undefined;
}

/** The C function a call calls, `C.name(...)` → `name`. */
export function calledCFunction(call: Node): string | undefined {
  return call.type === 'call_expression' ? cMemberName(call.childForFieldName('function')) : undefined;
}

/** cgo's C-to-Go converters: they return Go memory. */
function isGoConverter(name: string): boolean {
  return /^Go[A-Z]/.test(name);
}

/** C typedefs for an untyped pointer or an address-sized integer: converting to them keeps the address. */
const ADDRESS_TYPEDEFS = new Set(['gpointer', 'gconstpointer', 'uintptr_t', 'intptr_t', 'guintptr', 'gintptr']);

/** The element under pointer, slice, array and parenthesized types (`*[N]C.x` → `C.x`); also the `*T` expression form. */
function baseType(type: Node): Node {
  let current = type;
  for (;;) {
    if (current.type === 'pointer_type' || current.type === 'parenthesized_type') {
      const inner = current.namedChild(0);
      if (!inner) return current;
      current = inner;
    } else if (current.type === 'slice_type' || current.type === 'array_type' || current.type === 'implicit_length_array_type') {
      const element = current.childForFieldName('element');
      if (!element) return current;
      current = element;
    } else if (unaryOperator(current) === '*' || current.type === 'parenthesized_expression') {
      const inner = current.type === 'parenthesized_expression' ? unparenthesize(current) : current.childForFieldName('operand');
      if (!inner || inner.id === current.id) return current;
      current = inner;
    } else {
      return current;
    }
  }
}

/**
 * A type (or a type written as an expression) built on a C type: `C.struct_x`, `*C.char`, `[]C.int`,
 * or on one of `cTypeNames`, the file's own names for C types.
 */
export function isCType(type: Node, cTypeNames: ReadonlySet<string> = new Set()): boolean {
  const base = baseType(type);
  if (base.type === 'qualified_type') return base.childForFieldName('package')?.text === 'C';
  if ((base.type === 'type_identifier' || base.type === 'identifier') && cTypeNames.has(base.text)) return true;
  return cMemberName(base) !== undefined;
}

/** Names the file defines for C types, `type Context C.sqlite3_context` (and names for those). */
export function definedCTypes(root: Node): Set<string> {
  const names = new Set<string>();
  const specs = root.descendantsOfType(['type_spec', 'type_alias']);
  for (let grew = true; grew; ) {
    grew = false;
    for (const spec of specs) {
      const name = spec.childForFieldName('name')?.text;
      const type = spec.childForFieldName('type');
      if (name && type && !names.has(name) && isCType(type, names)) {
        names.add(name);
        grew = true;
      }
    }
  }
  return names;
}

function isPointerType(type: Node): boolean {
  const node = type.type === 'parenthesized_type' ? (type.namedChild(0) ?? type) : unparenthesize(type);
  return node.type === 'pointer_type' || unaryOperator(node) === '*';
}

function mentionsUnsafe(type: Node): boolean {
  const base = baseType(type);
  return base.type === 'qualified_type' && base.childForFieldName('package')?.text === 'unsafe';
}

/** Where memory lives: allocated by C (malloc, a C library) or by Go (its heap or a goroutine stack). */
export type Memory = 'c' | 'go';

/** A Go pointer found in an expression. */
export interface GoPointer {
  /** Where the address is taken or produced: `&cfg`, `&buf[0]`, `unsafe.SliceData(s)`, a `*T` parameter. */
  origin: Node;
  /** The local name the pointer travelled through, when the expression is a variable. */
  via?: Node;
  /** The Go value that owns the memory: what to wrap in a cgo.Handle instead. */
  object: Node;
}

/** Where a store lands: C-allocated memory, or a C-typed struct that is bound for C. */
export type CDestination = 'c-memory' | 'c-struct';

const MAX_DEPTH = 12;

/**
 * Reads, from syntax alone, which expressions of a cgo file point into Go memory, which into C
 * memory and which have C types. Every answer is "known" or undefined: callers treat undefined
 * as "cannot tell" and stay silent.
 */
export class CgoMemory {
  /** The file's own names for C types. */
  readonly cTypeNames: ReadonlySet<string>;

  constructor(
    readonly root: Node,
    readonly bindings: LocalBindings = new LocalBindings(root),
  ) {
    this.cTypeNames = definedCTypes(root);
  }

  /** `isCType`, counting the file's own names for C types. */
  isCType(type: Node): boolean {
    return isCType(type, this.cTypeNames);
  }

  /** The Go pointer an expression evaluates to, if the code shows it is one. */
  goPointer(expression: Node, depth = 0): GoPointer | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = unparenthesize(expression);
    if (unaryOperator(node) === '&') {
      const operand = node.childForFieldName('operand');
      if (!operand || this.location(operand, depth + 1) !== 'go') return undefined;
      const place = unparenthesize(operand);
      const slice = place.type === 'index_expression' ? place.childForFieldName('operand') : null;
      const object = slice && this.pointee(slice, depth + 1) === 'go' ? slice : node;
      return { origin: node, object };
    }
    if (node.type === 'identifier') {
      const binding = this.bindings.resolve(node);
      if (binding?.value) {
        const found = this.goPointer(binding.value, depth + 1);
        return found ? { ...found, via: node } : undefined;
      }
      if (binding?.kind === 'parameter' && binding.type && isPointerType(binding.type) && this.pointeeOfType(binding.type) === 'go') {
        return { origin: node, object: node };
      }
      return undefined;
    }
    const converted = this.convertedOperand(node);
    if (converted) return this.goPointer(converted, depth + 1);
    const data = argumentOfCall(node, 'unsafe', ['SliceData', 'StringData']);
    if (data) return this.pointee(data, depth + 1) === 'go' ? { origin: node, object: data } : undefined;
    if (argumentOfCall(node, undefined, ['new'])) return { origin: node, object: node };
    return undefined;
  }

  /** Where a pointer, slice or string value points. */
  pointee(expression: Node, depth = 0): Memory | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = unparenthesize(expression);
    switch (node.type) {
      case 'unary_expression': {
        const operand = node.childForFieldName('operand');
        if (!operand) return undefined;
        if (unaryOperator(node) === '&') return this.location(operand, depth + 1);
        if (unaryOperator(node) === '*') return this.pointee(operand, depth + 1) === 'c' ? 'c' : undefined;
        return undefined;
      }
      case 'composite_literal':
      case 'interpreted_string_literal':
      case 'raw_string_literal':
        return 'go';
      case 'identifier': {
        const binding = this.bindings.resolve(node);
        if (!binding) return undefined;
        if (binding.value) return this.pointee(binding.value, depth + 1);
        if (binding.kind === 'parameter' && binding.type) return this.pointeeOfType(binding.type);
        return undefined;
      }
      case 'selector_expression':
        if (cMemberName(node) !== undefined) return 'c';
        // A pointer field of a struct that lives in C memory was written by C: it points into C memory.
        return this.target(node.childForFieldName('operand'), depth + 1) === 'c' ? 'c' : undefined;
      case 'index_expression':
        return this.pointee(node.childForFieldName('operand') ?? node, depth + 1) === 'c' ? 'c' : undefined;
      case 'slice_expression': {
        const operand = node.childForFieldName('operand');
        if (!operand) return undefined;
        return this.pointee(operand, depth + 1) ?? (this.isArrayVariable(operand) ? this.location(operand, depth + 1) : undefined);
      }
      case 'type_conversion_expression':
      case 'call_expression': {
        const cFunction = calledCFunction(node);
        if (cFunction !== undefined) {
          if (ADDRESS_TYPEDEFS.has(cFunction)) {
            const [argument] = callArguments(node);
            return argument ? this.pointee(argument, depth + 1) : undefined;
          }
          return isGoConverter(cFunction) ? 'go' : 'c';
        }
        const converted = this.convertedOperand(node) ?? argumentOfCall(node, 'unsafe', ['Slice', 'String', 'SliceData', 'StringData', 'Add']);
        if (converted) return this.pointee(converted, depth + 1);
        if (argumentOfCall(node, undefined, ['new', 'make', 'append', 'string'])) return 'go';
        return isByteSliceConversion(node) ? 'go' : undefined;
      }
      default:
        return undefined;
    }
  }

  /** Where the storage of an addressable expression (a variable, field, element) lives. */
  location(place: Node, depth = 0): Memory | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = unparenthesize(place);
    switch (node.type) {
      case 'identifier':
        return 'go';
      case 'composite_literal':
        return 'go';
      case 'selector_expression':
        if (cMemberName(node) !== undefined) return 'c';
        return this.target(node.childForFieldName('operand'), depth + 1);
      case 'index_expression': {
        const operand = node.childForFieldName('operand');
        if (!operand) return undefined;
        return this.pointee(operand, depth + 1) ?? (this.isArrayVariable(operand) ? 'go' : undefined);
      }
      case 'unary_expression':
        return unaryOperator(node) === '*' ? this.pointee(node.childForFieldName('operand') ?? node, depth + 1) : undefined;
      default:
        return undefined;
    }
  }

  /** Whether an expression's value has a C type: a C struct, a pointer to one, a C array. */
  hasCType(expression: Node, depth = 0): boolean {
    if (depth > MAX_DEPTH) return false;
    const node = unparenthesize(expression);
    switch (node.type) {
      case 'identifier': {
        const binding = this.bindings.resolve(node);
        if (!binding) return false;
        return (binding.type !== undefined && this.isCType(binding.type)) || (binding.value !== undefined && this.hasCType(binding.value, depth + 1));
      }
      case 'selector_expression':
        return cMemberName(node) !== undefined || this.hasCType(node.childForFieldName('operand') ?? node, depth + 1);
      case 'index_expression':
      case 'unary_expression':
        return this.hasCType(node.childForFieldName('operand') ?? node, depth + 1);
      case 'composite_literal': {
        const type = node.childForFieldName('type');
        return type !== null && this.isCType(type);
      }
      case 'type_conversion_expression':
      case 'call_expression': {
        const cFunction = calledCFunction(node);
        if (cFunction !== undefined) return !isGoConverter(cFunction);
        const conversion = pointerConversion(node);
        if (conversion) return this.isCType(conversion.type);
        const allocated = argumentOfCall(node, undefined, ['new', 'make']);
        return allocated !== undefined && this.isCType(allocated);
      }
      default:
        return false;
    }
  }

  /** Whether assigning to `left` writes into C memory or into a C-typed struct; undefined for Go places. */
  destination(left: Node): CDestination | undefined {
    const node = unparenthesize(left);
    switch (node.type) {
      case 'selector_expression': {
        if (cMemberName(node) !== undefined || this.location(node) === 'c') return 'c-memory';
        const operand = node.childForFieldName('operand');
        return operand && this.hasCType(operand) ? 'c-struct' : undefined;
      }
      case 'index_expression': {
        if (this.location(node) === 'c') return 'c-memory';
        const operand = node.childForFieldName('operand');
        const array = operand ? unparenthesize(operand) : undefined;
        return array?.type === 'selector_expression' && this.hasCType(array) ? 'c-struct' : undefined;
      }
      case 'unary_expression':
        return unaryOperator(node) === '*' && this.location(node) === 'c' ? 'c-memory' : undefined;
      default:
        return undefined;
    }
  }

  /**
   * Whether the function holding `use` pins the pointer's object with a runtime.Pinner: C may keep
   * a pinned Go pointer until Unpin.
   */
  isPinned(pointer: GoPointer, use: Node): boolean {
    const names = new Set([rootName(pointer.origin), pointer.via?.text].filter((name): name is string => name !== undefined));
    for (let scope = closestAncestor(use, GO_FUNCTIONS); scope; scope = closestAncestor(scope, GO_FUNCTIONS)) {
      for (const call of scope.descendantsOfType('call_expression')) {
        if (call.childForFieldName('function')?.childForFieldName('field')?.text !== 'Pin') continue;
        const [argument] = callArguments(call);
        const pinned = argument ? rootName(argument) : undefined;
        if (pinned && names.has(pinned)) return true;
      }
    }
    return false;
  }

  /** Where the fields of a struct expression live: the pointee for a pointer, the variable for a value. */
  private target(expression: Node | null, depth: number): Memory | undefined {
    if (!expression || depth > MAX_DEPTH) return undefined;
    const node = unparenthesize(expression);
    switch (node.type) {
      case 'identifier': {
        const binding = this.bindings.resolve(node);
        if (!binding) return undefined;
        if (binding.value) {
          return unparenthesize(binding.value).type === 'composite_literal' ? 'go' : this.pointee(binding.value, depth + 1);
        }
        if (!binding.type || binding.kind === 'range') return undefined;
        if (!isPointerType(binding.type)) return 'go';
        return binding.kind === 'parameter' ? this.pointeeOfType(binding.type) : undefined;
      }
      case 'selector_expression':
        if (cMemberName(node) !== undefined) return 'c';
        return this.target(node.childForFieldName('operand'), depth + 1) === 'c' ? 'c' : undefined;
      case 'index_expression':
        return this.pointee(node.childForFieldName('operand') ?? node, depth + 1) === 'c' ? 'c' : undefined;
      case 'composite_literal':
        return 'go';
      case 'unary_expression':
        return unaryOperator(node) === '*' ? this.pointee(node.childForFieldName('operand') ?? node, depth + 1) : this.pointee(node, depth + 1);
      default:
        return this.pointee(node, depth + 1);
    }
  }

  /**
   * Where a parameter of this declared type points. A `*C.x` parameter is taken to point into C
   * memory, a pointer, slice or string of Go type into Go memory; anything else is unknown.
   */
  private pointeeOfType(type: Node): Memory | undefined {
    if (mentionsUnsafe(type)) return undefined;
    const node = type.type === 'parenthesized_type' ? (type.namedChild(0) ?? type) : type;
    if (this.isCType(node)) return node.type === 'pointer_type' ? 'c' : undefined;
    if (node.type === 'pointer_type' || node.type === 'slice_type') return 'go';
    if (node.type === 'type_identifier' && node.text === 'string') return 'go';
    return undefined;
  }

  /** The operand of a conversion that keeps an address: unsafe.Pointer, uintptr, `(*T)(x)`, C.gpointer. */
  private convertedOperand(node: Node): Node | undefined {
    const conversion = pointerConversion(node);
    if (conversion) return conversion.operand;
    const viaUnsafe = argumentOfCall(node, 'unsafe', ['Pointer']) ?? argumentOfCall(node, undefined, ['uintptr']);
    if (viaUnsafe) return viaUnsafe;
    const cFunction = calledCFunction(node);
    if (cFunction !== undefined && ADDRESS_TYPEDEFS.has(cFunction)) return callArguments(node)[0];
    return undefined;
  }

  private isArrayVariable(expression: Node): boolean {
    const node = unparenthesize(expression);
    if (node.type !== 'identifier') return false;
    return this.bindings.resolve(node)?.type?.type === 'array_type';
  }
}

/** `[]byte(s)` or `[]rune(s)`: a fresh copy in Go memory. */
function isByteSliceConversion(node: Node): boolean {
  const type = node.type === 'type_conversion_expression' ? node.childForFieldName('type') : null;
  const element = type?.type === 'slice_type' ? type.childForFieldName('element')?.text : undefined;
  return element === 'byte' || element === 'rune';
}

/** The variable an address expression starts from: `&cfg.x` → `cfg`, `unsafe.Pointer(&buf[0])` → `buf`. */
export function rootName(expression: Node): string | undefined {
  let node: Node | null = unparenthesize(expression);
  for (let steps = 0; node && steps < MAX_DEPTH; steps++) {
    node = unparenthesize(node);
    if (node.type === 'identifier') return node.text;
    if (node.type === 'unary_expression' || node.type === 'selector_expression' || node.type === 'index_expression' || node.type === 'slice_expression') {
      node = node.childForFieldName('operand');
    } else if (node.type === 'call_expression' || node.type === 'type_conversion_expression') {
      node = node.childForFieldName('operand') ?? callArguments(node)[0] ?? null;
    } else {
      return undefined;
    }
  }
  return undefined;
}
