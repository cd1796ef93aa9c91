import type { Node } from 'web-tree-sitter';
import { calleeName } from '../../analysis/c/calls';
import { variablesDeclaredBy } from '../../analysis/c/declarations';
import { ExitPaths } from '../../analysis/c/exit-paths';
import { stripParentheses } from '../../analysis/c/expressions';
import { readDefinedFunctions, readFunctionDefinition, resolveFunction, walkBody, displayName, type DefinedFunction } from '../../analysis/c/functions';
import {
  everyNode,
  isAnyRelease,
  isInNullBranch,
  isCppCast,
  isJniCall,
  isReleaseOf,
  readBorrowedBuffers,
  releasePairing,
  testsPendingException,
  type BorrowedBuffer,
  localNames,
} from '../../analysis/c/jni-borrowed-buffers';
import { closestAncestor, indentationOf } from '../../analysis/tree';
import { defineRule, type Fix, type RuleContext } from '../../engine/rule';

/** Helpers whose name says they take the pointer over, release or store it. */
const TAKES_OVER = /release|free|clean|destroy|dispose|unpin|adopt|take_?own|push_back|emplace|insert/i;

/** Class names that say an object holds a borrowed buffer and gives it back when it goes. */
const GUARD_NAME = /scoped|guard|elements|holder|chars|critical|pinned|release|borrow|raii|auto/i;

/** True when objects of `typeName` own a buffer: a guard-like name, or a destructor in the file that calls a Release. */
function ownsBuffers(typeName: string | undefined, root: Node): boolean {
  if (!typeName) return false;
  const name = typeName.replace(/<.*$/s, '').replace(/^.*::/, '');
  if (GUARD_NAME.test(name)) return true;
  for (const definition of root.descendantsOfType('function_definition')) {
    const declarator = definition?.childForFieldName('declarator');
    const destructor = declarator?.descendantsOfType('destructor_name')[0];
    if (!definition || destructor?.text.replace(/^~\s*/, '') !== name) continue;
    if (definition.descendantsOfType('call_expression').some((call) => call !== null && isAnyRelease(calleeName(call)))) return true;
  }
  return false;
}

/** True when `fn`, or a same-file function it calls, gives any JNI buffer back. */
function releasesBuffers(fn: DefinedFunction, functions: Map<string, DefinedFunction[]>, seen = new Set<number>()): boolean {
  if (seen.has(fn.definition.id)) return false;
  seen.add(fn.definition.id);
  for (const node of walkBody(fn.body)) {
    if (node.type !== 'call_expression') continue;
    if (isAnyRelease(calleeName(node))) return true;
    const callee = node.childForFieldName('function');
    const helper = callee ? resolveFunction(callee, functions) : undefined;
    if (helper && releasesBuffers(helper, functions, seen)) return true;
  }
  return false;
}

/**
 * True when the pointer may be released out of this function's sight: returned, stored beyond a
 * local, given to a constructor or to a helper that releases or keeps it, captured, or its address taken.
 */
function escapes(pointer: string, body: Node, root: Node, functions: Map<string, DefinedFunction[]>, locals: Set<string>): boolean {
  for (const node of everyNode(body)) {
    if (node.text !== pointer) continue;
    // `Guard guard(env, array, p);` can parse as a prototype whose "parameter types" are the arguments.
    if (node.type === 'type_identifier') {
      const declaration = closestAncestor(node, ['parameter_list'])?.parent?.parent;
      if (declaration?.type === 'declaration' && ownsBuffers(declaration.childForFieldName('type')?.text, root)) return true;
      continue;
    }
    if (node.type !== 'identifier') continue;
    const lambda = closestAncestor(node, ['lambda_expression']);
    if (lambda && lambda.startIndex > body.startIndex) return true; // used by a lambda: released wherever it runs
    let value = node;
    for (;;) {
      const up = value.parent;
      if (up && ['cast_expression', 'parenthesized_expression', 'binary_expression', 'conditional_expression'].includes(up.type)) value = up;
      else if (up?.type === 'argument_list' && up.namedChildCount === 1 && up.parent && isCppCast(up.parent)) value = up.parent;
      else break;
    }
    const parent = value.parent;
    if (!parent) continue;
    if (parent.type === 'return_statement' || parent.type === 'co_return_statement') return true;
    if (parent.type === 'pointer_expression' && parent.childForFieldName('operator')?.text === '&') return true;
    if (parent.type === 'lambda_capture_specifier') return true;
    if (parent.type === 'assignment_expression' && parent.childForFieldName('right')?.id === value.id) {
      const left = parent.childForFieldName('left');
      if (!left || stripParentheses(left).type !== 'identifier' || !locals.has(stripParentheses(left).text)) return true;
    }
    if (parent.type === 'init_declarator' && parent.childForFieldName('value')?.id === value.id) {
      const declaration = parent.parent;
      const variable = declaration?.type === 'declaration' ? variablesDeclaredBy(declaration).find((v) => v.declarator.id === parent.id) : undefined;
      if (variable?.storage !== 'local') return true;
    }
    if (parent.type === 'initializer_list' || parent.type === 'initializer_pair' || parent.type === 'new_expression') return true;
    if (parent.type === 'argument_list') {
      const call = parent.parent;
      if (call?.type !== 'call_expression') {
        // A constructor: `Guard guard(env, array, p)` owns the buffer when its class says so.
        if (call?.type === 'init_declarator' && ownsBuffers(call.parent?.childForFieldName('type')?.text, root)) return true;
        continue;
      }
      if (isJniCall(call)) continue;
      for (let outer: Node | null = call; outer && outer.id !== body.id; outer = outer.parent) {
        if (outer.type === 'compound_statement') break;
        if (outer.type !== 'call_expression' || isCppCast(outer)) continue;
        const name = calleeName(outer);
        if (name !== undefined && TAKES_OVER.test(name)) return true;
        const callee = outer.childForFieldName('function');
        const helper = callee ? resolveFunction(callee, functions) : undefined;
        if (helper && releasesBuffers(helper, functions)) return true;
      }
    }
  }
  return false;
}

function functionLabel(fn: Node): string {
  const read = fn.type === 'function_definition' ? readFunctionDefinition(fn) : undefined;
  return read ? `\`${displayName(read)}\`` : 'this lambda';
}

/** The release call as the file writes JNI calls: `(*env)->F(env, …)` in C, `env->F(…)` in C++. */
function releaseCallText(buffer: BorrowedBuffer, pointer: string): string | undefined {
  const callee = buffer.get.childForFieldName('function');
  const receiver = callee ? stripParentheses(callee).childForFieldName('argument') : null;
  if (!receiver || !buffer.source) return undefined;
  const mode = buffer.releaseName.startsWith('ReleaseString') ? '' : ', 0';
  const receiverNode = stripParentheses(receiver);
  if (receiverNode.type === 'pointer_expression') {
    const env = receiverNode.childForFieldName('argument')?.text;
    return env ? `(*${env})->${buffer.releaseName}(${env}, ${buffer.source}, ${pointer}${mode});` : undefined;
  }
  return `${receiver.text}->${buffer.releaseName}(${buffer.source}, ${pointer}${mode});`;
}

/** Inserts the Release before a `return` that stands alone on its line in a block and returns nothing, a constant or a plain name. */
function releaseBefore(exit: Node, buffer: BorrowedBuffer, pointer: string, source: string): Fix | undefined {
  const parent = exit.parent;
  if (parent?.type !== 'compound_statement' && parent?.type !== 'case_statement') return undefined;
  const value = exit.namedChildren.find((child) => child?.type !== 'comment');
  if (value && (stripParentheses(value).text === pointer || !['identifier', 'number_literal', 'null', 'true', 'false', 'nullptr'].includes(stripParentheses(value).type))) {
    return undefined;
  }
  if (source.slice(source.lastIndexOf('\n', exit.startIndex - 1) + 1, exit.startIndex).trim() !== '') return undefined;
  const call = releaseCallText(buffer, pointer);
  if (!call) return undefined;
  return {
    title: `Release \`${pointer}\` (${buffer.releaseName}) before returning`,
    edits: [
      {
        range: { start: { line: exit.startPosition.row, column: 0 }, end: { line: exit.startPosition.row, column: 0 } },
        newText: `${indentationOf(exit, source)}${call}\n`,
      },
    ],
    safe: false,
  };
}

export default defineRule({
  id: 'jni/unreleased-array-elements',
  languages: ['c', 'cpp'],
  severity: 'error',
  questions: [5, 8],
  description:
    'A buffer from Get<Type>ArrayElements, GetPrimitiveArrayCritical or GetString(UTF)Chars/Critical is not given back with the matching Release call on some return path.',
  messages: {
    returnsWithoutRelease:
      '{{function}} returns here without {{release}} for `{{pointer}}` from {{get}}: the buffer (and any pin or copy behind it) leaks on this path. Release it before this return, or jump to a cleanup label that does.',
    endsWithoutRelease:
      '{{function}} can reach its end without {{release}} for `{{pointer}}` from {{get}}: the buffer leaks. Release it on every path before the function returns.',
    neverReleased:
      '`{{pointer}}` from {{get}} is never given back in {{function}}: call {{release}}({{source}}, {{pointer}}, …) once you are done with it, on every path out.',
  },
  fixable: true,
  triggers: ['ArrayElements', 'GetPrimitiveArrayCritical', 'GetStringUTFChars', 'GetStringChars', 'GetStringCritical'],
  check(context) {
    checkBuffers(context);
  },
});

function checkBuffers(context: RuleContext): void {
  const functions = context.shared(readDefinedFunctions);
  const buffers = context.shared(readBorrowedBuffers);
  const localsByBody = new Map<number, Set<string>>();
  // One finding per return: a second leaked buffer there shows up once the first is fixed.
  const reportedExits = new Set<number>();
  for (const buffer of buffers) {
    const { pointer, statement, body, fn } = buffer;
    if (!pointer || !statement || !body || !fn || body.type !== 'compound_statement') continue;
    let locals = localsByBody.get(body.id);
    if (!locals) localsByBody.set(body.id, (locals = localNames(body)));
    if (escapes(pointer, body, context.root, functions, locals)) continue;
    const pair = releasePairing(buffer, statement);
    const data = {
      function: functionLabel(fn),
      pointer,
      get: buffer.getName,
      release: buffer.releaseName,
      source: buffer.source ?? 'array',
    };
    const everReleased = [...everyNode(body)].some((node) => node.type === 'call_expression' && calleeName(node) === buffer.releaseName && isReleaseOf(node, buffer));
    // When the Get is followed at once by `if (ExceptionCheck()) return`, that check stands for the null test.
    let next = statement.nextNamedSibling;
    while (next?.type === 'comment') next = next.nextNamedSibling;
    const exceptionGuard = next && testsPendingException(next) ? next : undefined;
    if (!everReleased) {
      context.report({ node: buffer.get, messageId: 'neverReleased', data });
      continue;
    }
    const paths = new ExitPaths(body, pair);
    for (const exit of paths.returnsAfter(statement)) {
      if (pair.mentionsClose(exit) || isInNullBranch(exit, pointer, statement)) continue;
      if (exceptionGuard && exit.startIndex < exceptionGuard.endIndex) continue;
      if (reportedExits.has(exit.id) || paths.stateBefore(exit) !== 'open') continue;
      reportedExits.add(exit.id);
      context.report({
        node: exit,
        messageId: 'returnsWithoutRelease',
        data,
        fix: releaseBefore(exit, buffer, pointer, context.source),
      });
    }
    if (paths.stateAtEnd() === 'open') context.report({ node: buffer.get, messageId: 'endsWithoutRelease', data });
  }
}
