import type { Node } from 'web-tree-sitter';
import { calleeName } from './calls';
import { variablesDeclaredBy } from './declarations';
import { isNullPointerConstant, stripCasts, stripParentheses } from './expressions';
import type { PairedStatements } from './exit-paths';
import { enclosingFunction, walkBody } from './functions';

/*
 * JNI buffers borrowed from the VM: the pointers that Get<Type>ArrayElements,
 * GetPrimitiveArrayCritical and the GetString…Chars/Critical functions hand out, which must go back
 * through the matching Release function.
 */

const PRIMITIVES = ['Boolean', 'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double'];
const TYPES = [...PRIMITIVES, 'Object', 'Void'];

/** Every function of the JNIEnv table, by name. */
export const JNI_FUNCTIONS: ReadonlySet<string> = new Set([
  ...'GetVersion DefineClass FindClass FromReflectedMethod FromReflectedField ToReflectedMethod GetSuperclass IsAssignableFrom ToReflectedField Throw ThrowNew ExceptionOccurred ExceptionDescribe ExceptionClear FatalError PushLocalFrame PopLocalFrame NewGlobalRef DeleteGlobalRef DeleteLocalRef IsSameObject NewLocalRef EnsureLocalCapacity AllocObject NewObject NewObjectV NewObjectA GetObjectClass IsInstanceOf GetMethodID GetFieldID GetStaticMethodID GetStaticFieldID NewString GetStringLength GetStringChars ReleaseStringChars NewStringUTF GetStringUTFLength GetStringUTFChars ReleaseStringUTFChars GetArrayLength NewObjectArray GetObjectArrayElement SetObjectArrayElement RegisterNatives UnregisterNatives MonitorEnter MonitorExit GetJavaVM GetStringRegion GetStringUTFRegion GetPrimitiveArrayCritical ReleasePrimitiveArrayCritical GetStringCritical ReleaseStringCritical NewWeakGlobalRef DeleteWeakGlobalRef ExceptionCheck NewDirectByteBuffer GetDirectBufferAddress GetDirectBufferCapacity GetObjectRefType GetModule IsVirtualThread'.split(
    ' ',
  ),
  ...TYPES.flatMap((type) =>
    ['', 'Nonvirtual', 'Static'].flatMap((kind) => ['', 'V', 'A'].map((suffix) => `Call${kind}${type}Method${suffix}`)),
  ),
  ...TYPES.filter((type) => type !== 'Void').flatMap((type) => [`Get${type}Field`, `Set${type}Field`, `GetStatic${type}Field`, `SetStatic${type}Field`]),
  ...PRIMITIVES.flatMap((type) => [
    `New${type}Array`,
    `Get${type}ArrayElements`,
    `Release${type}ArrayElements`,
    `Get${type}ArrayRegion`,
    `Set${type}ArrayRegion`,
  ]),
]);

/** The functions that open and close a critical region; the only JNI calls allowed inside one. */
export const CRITICAL_FUNCTIONS: ReadonlySet<string> = new Set([
  'GetPrimitiveArrayCritical',
  'ReleasePrimitiveArrayCritical',
  'GetStringCritical',
  'ReleaseStringCritical',
]);

/** The Release function for each Get that lends a buffer. */
const RELEASE_OF: ReadonlyMap<string, string> = new Map([
  ...PRIMITIVES.map((type): [string, string] => [`Get${type}ArrayElements`, `Release${type}ArrayElements`]),
  ['GetPrimitiveArrayCritical', 'ReleasePrimitiveArrayCritical'],
  ['GetStringCritical', 'ReleaseStringCritical'],
  ['GetStringUTFChars', 'ReleaseStringUTFChars'],
  ['GetStringChars', 'ReleaseStringChars'],
]);
const RELEASES: ReadonlySet<string> = new Set(RELEASE_OF.values());

/**
 * True for a call through a JNIEnv: `(*env)->FindClass(env, …)` in C, `env->FindClass(…)` in C++,
 * recognised by the function name and the `->` call shape.
 */
export function isJniCall(call: Node): boolean {
  const callee = call.childForFieldName('function');
  if (!callee || stripParentheses(callee).type !== 'field_expression') return false;
  const name = calleeName(call);
  return name !== undefined && JNI_FUNCTIONS.has(name);
}

/** The arguments of a JNI call after the env: `(*env)->F(env, a, b)` and `env->F(a, b)` both give `a, b`. */
export function jniArguments(call: Node): Node[] {
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (child): child is Node => child !== null && child.type !== 'comment',
  );
  const callee = call.childForFieldName('function');
  const receiver = callee ? stripParentheses(callee).childForFieldName('argument') : null;
  // C: the receiver is `(*env)` and the env is passed again as the first argument.
  const cStyle = receiver !== null && stripParentheses(receiver).type === 'pointer_expression';
  return cStyle ? args.slice(1) : args;
}

/** `static_cast<T>(x)`, `reinterpret_cast<T>(x)`, `const_cast<T>(x)`: a C++ cast that parses as a call. */
export function isCppCast(call: Node): boolean {
  const callee = call.type === 'call_expression' ? call.childForFieldName('function') : null;
  return callee?.type === 'template_function' && /^(static|reinterpret|const)_cast$/.test(callee.childForFieldName('name')?.text ?? '');
}

/** A buffer one Get call lends, and where its pointer went. */
export interface BorrowedBuffer {
  get: Node;
  getName: string;
  releaseName: string;
  critical: boolean;
  /** The jarray or jstring argument, as written. */
  source: string | undefined;
  /** The statement, directly in a block, that stores the pointer; undefined when the Get stands elsewhere. */
  statement: Node | undefined;
  /** The local variable that receives the pointer (declared or assigned); undefined for fields, globals and the rest. */
  pointer: string | undefined;
  /** The function (or lambda) whose body holds the Get. */
  fn: Node | undefined;
  body: Node | undefined;
}

/** The names a function body declares as automatic locals. */
export function localNames(body: Node): Set<string> {
  const names = new Set<string>();
  for (const declaration of body.descendantsOfType('declaration')) {
    if (!declaration) continue;
    for (const variable of variablesDeclaredBy(declaration)) if (variable.storage === 'local') names.add(variable.name);
  }
  return names;
}

/** Every call in the file that lends a buffer, with the local that keeps it. */
export function readBorrowedBuffers(root: Node): BorrowedBuffer[] {
  const buffers: BorrowedBuffer[] = [];
  const locals = new Map<number, Set<string>>();
  for (const get of root.descendantsOfType('call_expression')) {
    const getName = get ? calleeName(get) : undefined;
    const releaseName = getName ? RELEASE_OF.get(getName) : undefined;
    if (!get || !getName || !releaseName || !isJniCall(get)) continue;
    const fn = enclosingFunction(get);
    const body = fn?.childForFieldName('body') ?? undefined;
    const [sourceNode] = jniArguments(get);
    const buffer: BorrowedBuffer = {
      get,
      getName,
      releaseName,
      critical: getName.endsWith('Critical'),
      source: sourceNode ? stripCasts(sourceNode).text : undefined,
      statement: undefined,
      pointer: undefined,
      fn,
      body,
    };
    buffers.push(buffer);
    if (!body || body.type !== 'compound_statement') continue;
    let value: Node = get;
    for (;;) {
      const up = value.parent;
      if (up && (up.type === 'cast_expression' || up.type === 'parenthesized_expression')) value = up;
      else if (up?.type === 'argument_list' && up.namedChildCount === 1 && up.parent && isCppCast(up.parent)) value = up.parent;
      else break;
    }
    const parent = value.parent;
    let target: string | undefined;
    if (parent?.type === 'init_declarator' && parent.childForFieldName('value')?.id === value.id) {
      const declaration = parent.parent;
      if (declaration?.type === 'declaration') {
        buffer.statement = declaration;
        const variable = variablesDeclaredBy(declaration).find((candidate) => candidate.declarator.id === parent.id);
        if (variable?.storage === 'local') target = variable.name;
      }
    } else if (parent?.type === 'assignment_expression' && parent.childForFieldName('right')?.id === value.id) {
      if (parent.parent?.type === 'expression_statement' && parent.childForFieldName('operator')?.text === '=') {
        buffer.statement = parent.parent;
        const left = parent.childForFieldName('left');
        if (left && stripParentheses(left).type === 'identifier') target = stripParentheses(left).text;
      }
    }
    if (buffer.statement && !['compound_statement', 'case_statement'].includes(buffer.statement.parent?.type ?? '')) {
      buffer.statement = undefined;
    }
    if (target && buffer.statement) {
      let names = locals.get(body.id);
      if (!names) locals.set(body.id, (names = localNames(body)));
      if (names.has(target)) buffer.pointer = target;
    }
  }
  return buffers;
}

/** The variable name a Get stored its result in, as written on the left (locals or not): for matching releases. */
function storedAs(buffer: BorrowedBuffer): string | undefined {
  if (buffer.pointer) return buffer.pointer;
  const statement = buffer.statement;
  if (statement?.type !== 'expression_statement') return undefined;
  const assignment = statement.namedChildren.find((child) => child?.type === 'assignment_expression');
  const left = assignment?.childForFieldName('left');
  return left ? stripParentheses(left).text : undefined;
}

/**
 * True when `call` gives the buffer back: the matching Release with the same pointer or the same
 * array or string. A `JNI_COMMIT` release copies the data back but keeps the buffer, so it does not count.
 */
export function isReleaseOf(call: Node, buffer: BorrowedBuffer): boolean {
  if (call.type !== 'call_expression' || calleeName(call) !== buffer.releaseName || !isJniCall(call)) return false;
  const [source, pointer, mode] = jniArguments(call);
  if (mode && stripCasts(mode).text === 'JNI_COMMIT') return false;
  const stored = storedAs(buffer);
  if (pointer && stored !== undefined && stripCasts(pointer).text === stored) return true;
  return source !== undefined && buffer.source !== undefined && stripCasts(source).text === buffer.source;
}

/** True for any Release function of the buffer-lending family. */
export function isAnyRelease(name: string | undefined): boolean {
  return name !== undefined && RELEASES.has(name);
}

/** The statement (a direct child of a block) that holds `node`, within `body`. */
export function statementHolding(node: Node, body: Node): Node | undefined {
  for (let current: Node | null = node; current && current.id !== body.id; current = current.parent) {
    const parent = current.parent;
    if (parent && (parent.type === 'compound_statement' || parent.type === 'case_statement') && current.type !== 'comment') {
      if (parent.type === 'case_statement' && parent.childForFieldName('value')?.id === current.id) continue;
      return current;
    }
  }
  return undefined;
}

type NullTest = 'null' | 'non-null' | undefined;

/** What a condition says about `pointer`: `!p`, `p == NULL` test for null; `p`, `p != NULL` for non-null. */
function nullTest(condition: Node, pointer: string): NullTest {
  let node = stripParentheses(condition);
  if (node.type === 'condition_clause') {
    const value = node.childForFieldName('value');
    if (!value) return undefined;
    node = stripParentheses(value);
  }
  if (node.type === 'identifier') return node.text === pointer ? 'non-null' : undefined;
  if (node.type === 'unary_expression' && node.childForFieldName('operator')?.text === '!') {
    const argument = node.childForFieldName('argument');
    return argument && stripParentheses(argument).text === pointer ? 'null' : undefined;
  }
  if (node.type === 'binary_expression') {
    const operator = node.childForFieldName('operator')?.text;
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right || (operator !== '==' && operator !== '!=')) return undefined;
    const tested =
      (stripCasts(left).text === pointer && isNullPointerConstant(right)) || (stripCasts(right).text === pointer && isNullPointerConstant(left));
    if (!tested) return undefined;
    return operator === '==' ? 'null' : 'non-null';
  }
  return undefined;
}

/**
 * True when `node` only runs where `pointer` is null: in the branch of an `if` (after `after`)
 * that tests it for null, where there is nothing to release and no region is open.
 */
export function isInNullBranch(node: Node, pointer: string, after: Node): boolean {
  for (let current: Node | null = node; current?.parent; current = current.parent) {
    const parent: Node = current.parent;
    if (parent.startIndex < after.endIndex) return false;
    const statement = parent.type === 'else_clause' ? parent.parent : parent;
    if (statement?.type !== 'if_statement') continue;
    const condition = statement.childForFieldName('condition');
    const test = condition ? nullTest(condition, pointer) : undefined;
    if (!test) continue;
    const inElse = parent.type === 'else_clause';
    const inThen = parent.type === 'if_statement' && statement.childForFieldName('consequence')?.id === current.id;
    if ((inThen && test === 'null') || (inElse && test === 'non-null')) return true;
  }
  return false;
}

/** True when `statement` is an `if` testing for a pending exception (`ExceptionCheck`, `ExceptionOccurred`). */
export function testsPendingException(statement: Node): boolean {
  const condition = statement.type === 'if_statement' ? statement.childForFieldName('condition') : null;
  return (
    condition !== null &&
    condition.descendantsOfType('call_expression').some((call) => call !== null && /^Exception(Check|Occurred)$/.test(calleeName(call) ?? ''))
  );
}

/** The nodes of a body in document order, nested lambdas included (for questions about escapes). */
export function* everyNode(body: Node): Generator<Node> {
  yield* walkBody(body);
  for (const lambda of body.descendantsOfType('lambda_expression')) if (lambda) yield* walkBody(lambda);
}

/** The Get statement opens the buffer, a statement that is its matching Release closes it. */
export function releasePairing(buffer: BorrowedBuffer, getStatement: Node): PairedStatements {
  return {
    isOpen: (node) => node.id === getStatement.id,
    isClose: (node) => {
      if (node.type !== 'expression_statement') return false;
      const expression = node.namedChildren.find((child) => child?.type !== 'comment');
      return expression !== undefined && expression !== null && isReleaseOf(stripCasts(expression), buffer);
    },
    mentionsClose: (node) => node.descendantsOfType('call_expression').some((call) => call !== null && isReleaseOf(call, buffer)),
  };
}
