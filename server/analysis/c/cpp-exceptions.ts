import type { Node } from 'web-tree-sitter';
import { calleeName } from './calls';
import { variablesDeclaredBy } from './declarations';
import { stripParentheses } from './expressions';
import { displayName, enclosingFunction, parametersOf, resolveFunction, walkBody, type DefinedFunction } from './functions';

/**
 * Where a C++ exception can leave a function body: a `throw` (or rethrow) no enclosing handler
 * catches, a call to a standard function that throws on bad input, or a call to a function of
 * the same file that lets one escape. Allocation failure (`new`, `push_back`) is not counted.
 */

/** One place an exception can start from and escape. */
export interface EscapingException {
  /** The throw statement or call, in the body that was asked about. */
  node: Node;
  /** The types it can throw (`std::out_of_range`, `ParseError`); undefined for a rethrow or a value of unknown type. */
  thrown: readonly string[] | undefined;
  /** For a call to a function of this file: its name and the place inside it the exception comes from. */
  through?: { name: string; origin: EscapingException };
}

/** The bases of the standard exceptions that standard calls throw, up to `std::exception`. */
const STD_BASES: ReadonlyMap<string, string> = new Map([
  ['logic_error', 'exception'],
  ['invalid_argument', 'logic_error'],
  ['domain_error', 'logic_error'],
  ['length_error', 'logic_error'],
  ['out_of_range', 'logic_error'],
  ['runtime_error', 'exception'],
  ['range_error', 'runtime_error'],
  ['overflow_error', 'runtime_error'],
  ['underflow_error', 'runtime_error'],
  ['system_error', 'runtime_error'],
  ['bad_cast', 'exception'],
  ['bad_any_cast', 'bad_cast'],
  ['bad_variant_access', 'exception'],
  ['bad_optional_access', 'exception'],
  ['bad_function_call', 'exception'],
]);

/** `std::stoi` and friends: invalid_argument for text that is no number, out_of_range for one too large. */
const NUMBER_PARSERS = new Set(['stoi', 'stol', 'stoll', 'stoul', 'stoull', 'stof', 'stod', 'stold']);
const PARSE_FAILURES = ['std::invalid_argument', 'std::out_of_range'];

/** `std::out_of_range` → `out_of_range`; `const Napi::Error &` → `Error`. */
function lastTypeName(type: string): string {
  return type
    .replace(/<.*$/s, '')
    .replace(/\b(?:const|volatile|struct|class)\b|[&*\s]/g, '')
    .replace(/^.*::/, '');
}

/** The direct bases of the classes this file defines, by last name: `ParseError` → [`std::runtime_error`]. */
export function readClassBases(root: Node): Map<string, string[]> {
  const bases = new Map<string, string[]>();
  for (const specifier of root.descendantsOfType(['class_specifier', 'struct_specifier'])) {
    const name = specifier?.childForFieldName('name');
    const clause = specifier?.namedChildren.find((child) => child?.type === 'base_class_clause');
    if (!name || !clause) continue;
    const names = clause.namedChildren.filter((child): child is Node => child !== null && child.type !== 'access_specifier' && child.type !== 'comment');
    bases.set(lastTypeName(name.text), names.map((base) => base.text.replace(/\s+/g, '')));
  }
  return bases;
}

/**
 * The classes a thrown type is: itself and its bases, up through the standard exceptions and the
 * classes of this file. Undefined when a class on the way is not known (its bases are not read).
 */
function typeAndBases(type: string, classBases: ReadonlyMap<string, readonly string[]>): Set<string> | undefined {
  const found = new Set<string>();
  const pending = [type];
  while (pending.length > 0) {
    const current = lastTypeName(pending.pop()!);
    if (found.has(current)) continue;
    found.add(current);
    const bases = classBases.get(current) ?? (STD_BASES.has(current) ? [STD_BASES.get(current)!] : undefined);
    if (bases) pending.push(...bases);
    else if (current !== 'exception') return undefined;
  }
  return found;
}

/**
 * True when one of the handlers of `tryStatement` catches every type in `thrown`. Conservative: a
 * thrown value of unknown type, or of a class whose bases are not all known, is taken as caught
 * by any handler; a string or number by a handler of a built-in type.
 */
function handlersCatch(tryStatement: Node, thrown: readonly string[] | undefined, classBases: ReadonlyMap<string, readonly string[]>): boolean {
  const handlers = tryStatement.namedChildren.filter((child): child is Node => child?.type === 'catch_clause');
  if (handlers.length === 0) return false;
  if (handlers.some((handler) => handler.childForFieldName('parameters')?.text.includes('...'))) return true;
  if (!thrown) return true;
  return thrown.every((type) => {
    const kinds = type === 'string literal' || type === 'number' ? undefined : typeAndBases(type, classBases);
    return handlers.some((handler) => {
      const parameter = handler.childForFieldName('parameters')?.namedChildren.find((child) => child?.type === 'parameter_declaration');
      const caught = parameter?.childForFieldName('type');
      if (!caught) return true;
      if (type === 'string literal' || type === 'number') return caught.type === 'primitive_type';
      return kinds ? kinds.has(lastTypeName(caught.text)) : true;
    });
  });
}

/** True when a try around `node` (inside `body`, not counting the handler `node` itself sits in) catches `thrown`. */
export function isCaughtWithin(
  node: Node,
  body: Node,
  thrown: readonly string[] | undefined,
  classBases: ReadonlyMap<string, readonly string[]> = new Map(),
): boolean {
  let child = node;
  for (let current = node.parent; current; child = current, current = current.parent) {
    if (current.type === 'try_statement' && current.childForFieldName('body')?.id === child.id && handlersCatch(current, thrown, classBases)) {
      return true;
    }
    // A function-try-block (`int f() try { … } catch (...) { … }`) has the try as its body: checked above.
    if (current.id === body.id) return false;
  }
  return false;
}

/**
 * A class named as fatal (`PyFatalError`, `FatalError`) is thrown to end the process; greenlet's,
 * for one, calls `Py_FatalError` in its constructor, so nothing is ever unwound.
 */
function isDeliberateCrash(type: string): boolean {
  return /fatal/i.test(lastTypeName(type));
}

/** What a throw statement throws: the type of `throw T(...)`, `throw T{...}`, `throw ns::make_error(...)`. */
function thrownByStatement(statement: Node): readonly string[] | undefined {
  const value = statement.namedChildren.find((child) => child !== null && child.type !== 'comment');
  if (!value) return undefined; // `throw;` rethrows whatever the handler caught
  const expression = stripParentheses(value);
  switch (expression.type) {
    case 'string_literal':
    case 'concatenated_string':
    case 'raw_string_literal':
      return ['string literal'];
    case 'number_literal':
      return ['number'];
    case 'call_expression':
      return [expression.childForFieldName('function')?.text.replace(/\s+/g, '') ?? ''];
    case 'compound_literal_expression':
      return [expression.childForFieldName('type')?.text.replace(/\s+/g, '') ?? ''];
    default:
      return undefined;
  }
}

/** The first template argument of a call such as `dynamic_cast<T&>(x)` or `std::get<1>(v)`, as written. */
function templateArgument(call: Node): string | undefined {
  let callee = call.childForFieldName('function');
  while (callee?.type === 'qualified_identifier') callee = callee.childForFieldName('name');
  if (callee?.type !== 'template_function') return undefined;
  return callee.childForFieldName('arguments')?.namedChildren.find((child) => child !== null)?.text;
}

function firstArgument(call: Node): Node | undefined {
  return call.childForFieldName('arguments')?.namedChildren.find((child): child is Node => child !== null && child.type !== 'comment');
}

/** True when the callee is written unqualified or in `std::`, not as a member or another namespace's function. */
function isStandardName(call: Node): boolean {
  const callee = call.childForFieldName('function');
  if (!callee) return false;
  if (callee.type === 'identifier' || callee.type === 'template_function') return true;
  return callee.type === 'qualified_identifier' && /^(?:::)?std::/.test(callee.text);
}

/** True when `name`, used inside `call`'s function, is a parameter or local whose declared type is a `std::variant`. */
function isVariantVariable(call: Node, name: string): boolean {
  const definition = enclosingFunction(call);
  if (!definition) return false;
  const candidates = [
    ...parametersOf(definition),
    ...definition.descendantsOfType('declaration').flatMap((declaration) => (declaration ? variablesDeclaredBy(declaration) : [])),
  ];
  return candidates.some((variable) => variable.name === name && /\bvariant\s*</.test(variable.typeName ?? ''));
}

/** The standard exceptions a call to a well-known throwing standard function raises; undefined for other calls. */
export function standardThrowingCall(call: Node): readonly string[] | undefined {
  const name = calleeName(call);
  if (!name) return undefined;
  const callee = call.childForFieldName('function');
  if (callee?.type === 'field_expression') {
    // `v.at(i)`, `m->at(key)`: bounds-checked access on a standard container or string.
    const count = call.childForFieldName('arguments')?.namedChildren.filter((child) => child?.type !== 'comment').length;
    return name === 'at' && count === 1 ? ['std::out_of_range'] : undefined;
  }
  if (!isStandardName(call)) return undefined;
  if (NUMBER_PARSERS.has(name)) return PARSE_FAILURES;
  if (name === 'dynamic_cast') return templateArgument(call)?.trim().endsWith('&') ? ['std::bad_cast'] : undefined;
  if (name === 'any_cast') {
    const argument = firstArgument(call);
    // `any_cast<T>(&a)` returns a null pointer instead of throwing.
    return argument && !(argument.type === 'pointer_expression' && argument.text.startsWith('&')) ? ['std::bad_any_cast'] : undefined;
  }
  if (name === 'get' && /^(?:::)?std::/.test(callee?.text ?? '')) {
    const argument = firstArgument(call);
    return argument?.type === 'identifier' && isVariantVariable(call, argument.text) ? ['std::bad_variant_access'] : undefined;
  }
  return undefined;
}

/** Answers "can an exception escape this body?" for the functions of one file, following calls between them. */
export class ExceptionEscapes {
  private readonly known = new Map<number, EscapingException | null>();
  private readonly inProgress = new Set<number>();

  constructor(
    private readonly functions: ReadonlyMap<string, readonly DefinedFunction[]>,
    private readonly classBases: ReadonlyMap<string, readonly string[]>,
  ) {}

  /** The first place in `body` (source order) from which an exception can leave it, if any. */
  firstEscape(body: Node): EscapingException | undefined {
    for (const node of walkBody(body)) {
      const found = this.escapeAt(node, body);
      if (found) return found;
    }
    return undefined;
  }

  /** Every place in `body` from which an exception can leave it, in source order. */
  private allEscapes(body: Node): EscapingException[] {
    const found: EscapingException[] = [];
    for (const node of walkBody(body)) {
      const escape = this.escapeAt(node, body);
      if (escape) found.push(escape);
    }
    return found.sort((a, b) => a.node.startIndex - b.node.startIndex);
  }

  private escapeAt(node: Node, body: Node): EscapingException | undefined {
    if (node.type === 'throw_statement') {
      const thrown = thrownByStatement(node);
      if (thrown?.some(isDeliberateCrash)) return undefined;
      return isCaughtWithin(node, body, thrown, this.classBases) ? undefined : { node, thrown };
    }
    if (node.type !== 'call_expression') return undefined;
    const standard = standardThrowingCall(node);
    if (standard) return isCaughtWithin(node, body, standard, this.classBases) ? undefined : { node, thrown: standard };
    const callee = node.childForFieldName('function');
    if (!callee || (callee.type !== 'identifier' && callee.type !== 'qualified_identifier')) return undefined;
    const fn = resolveFunction(callee, this.functions);
    const origin = fn ? this.escapeOf(fn) : undefined;
    if (!fn || !origin || isCaughtWithin(node, body, origin.thrown, this.classBases)) return undefined;
    return { node, thrown: origin.thrown, through: { name: displayName(fn), origin } };
  }

  /**
   * The first escape from a function of this file, carrying every type that can leave it; a call
   * cycle counts as no escape on the way round.
   */
  escapeOf(fn: DefinedFunction): EscapingException | undefined {
    const id = fn.definition.id;
    const cached = this.known.get(id);
    if (cached !== undefined) return cached ?? undefined;
    if (this.inProgress.has(id)) return undefined;
    this.inProgress.add(id);
    const all = this.allEscapes(fn.body);
    this.inProgress.delete(id);
    // What a caller must catch: every type that can leave the function (unknown if one is unknown).
    const thrown = all.every((escape) => escape.thrown) ? [...new Set(all.flatMap((escape) => escape.thrown ?? []))] : undefined;
    const found = all.length > 0 ? { ...all[0], thrown } : undefined;
    this.known.set(id, found ?? null);
    return found;
  }
}

/** The place inside the innermost function where the exception starts: the throw or standard call itself. */
export function originOf(escape: EscapingException): EscapingException {
  let current = escape;
  while (current.through) current = current.through.origin;
  return current;
}
