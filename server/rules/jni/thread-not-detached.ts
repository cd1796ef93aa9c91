import type { Node } from 'web-tree-sitter';
import { storageSpecifiersOf, variablesDeclaredBy } from '../../analysis/c/declarations';
import { ExitPaths, type PairedStatements } from '../../analysis/c/exit-paths';
import { stripCasts, stripParentheses } from '../../analysis/c/expressions';
import {
  displayName,
  enclosingFunction,
  functionDeclaratorOf,
  readDefinedFunctions,
  readFunctionDefinition,
  resolveFunction,
  walkBody,
} from '../../analysis/c/functions';
import { envOutVariable, javaVmCallName } from '../../analysis/c/jni-function-table';
import { readThreadDetachment, type ThreadDetachment } from '../../analysis/c/jni-thread-exit';
import { findEntryPoints } from '../../analysis/c/threads';
import { defineRule, type RuleContext } from '../../engine/rule';

const DETACH = 'call DetachCurrentThread before the thread exits, or detach it in a pthread key destructor.';
/** Values that mark "we attached" in a flag the caller or a later step reads. */
const TRUTHY = /^(?:true|TRUE|JNI_TRUE|1)$/;
/** Conditions that test whether the attach itself failed. */
const ATTACH_STATUS = /\bJNI_(?:OK|ERR|EDETACHED|EVERSION|ENOMEM|EEXIST|EINVAL)\b/;

export default defineRule({
  id: 'jni/thread-not-detached',
  languages: ['c', 'cpp'],
  severity: 'error',
  questions: [18, 39],
  description:
    'A function attaches its native thread to the JVM with AttachCurrentThread and can return without DetachCurrentThread, so the thread may exit still attached.',
  messages: {
    returnsAttached: `{{function}} attaches the thread with AttachCurrentThread but returns here without DetachCurrentThread: ${DETACH}`,
    endsAttached: `{{function}} attaches the thread with AttachCurrentThread and can reach its end without DetachCurrentThread: ${DETACH}`,
  },
  fixable: false,
  triggers: ['AttachCurrentThread'],
  check(context) {
    const detachment = context.shared(readThreadDetachment);
    if (detachment.detachesAtThreadExit || guardIsThreadLocal(context.root, detachment)) return;
    const functions = context.shared(readDefinedFunctions);
    const threadRoutines = new Map<number, string>();
    for (const entry of findEntryPoints(context.root, functions)) {
      if (entry.kind !== 'thread') continue;
      const node = entry.routine.kind === 'function' ? entry.routine.fn.definition : entry.routine.node;
      if (!threadRoutines.has(node.id)) threadRoutines.set(node.id, entry.via);
    }
    for (const call of context.root.descendantsOfType('call_expression')) {
      if (call && javaVmCallName(call) === 'AttachCurrentThread') checkAttach(context, call, detachment, threadRoutines);
    }
  },
});

/** `thread_local Guard guard;` of a detaching guard class anywhere in the file. */
function guardIsThreadLocal(root: Node, detachment: ThreadDetachment): boolean {
  if (detachment.detachingGuards.size === 0) return false;
  return root.descendantsOfType('declaration').some((declaration) => {
    if (!declaration) return false;
    const specifiers = storageSpecifiersOf(declaration);
    return specifiers.some((s) => /thread_local|__thread/.test(s)) && isGuardType(declaration, detachment);
  });
}

function isGuardType(declaration: Node, detachment: ThreadDetachment): boolean {
  const type = declaration.childForFieldName('type')?.text.replace(/<.*$/s, '').replace(/^.*::/, '');
  return type !== undefined && detachment.detachingGuards.has(type);
}

/** The statement that holds `call`, when the attach runs unconditionally as a statement of a block. */
function attachStatement(call: Node): Node | undefined {
  let node: Node | null = call.parent;
  while (node && !['declaration', 'expression_statement', 'if_statement', 'compound_statement'].includes(node.type)) node = node.parent;
  if (!node || node.parent?.type !== 'compound_statement') return undefined;
  if (node.type !== 'if_statement') return node;
  // `if (Attach(...) != JNI_OK) return ...;`: attached after the if, when the failure branch leaves.
  const condition = node.childForFieldName('condition');
  const consequence = node.childForFieldName('consequence');
  if (!condition || !consequence || node.childForFieldName('alternative') || !isWithin(call, condition)) return undefined;
  return leaves(consequence) ? node : undefined;
}

function isWithin(inner: Node, outer: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

function leaves(statement: Node): boolean {
  if (['return_statement', 'goto_statement', 'throw_statement'].includes(statement.type)) return true;
  if (statement.type !== 'compound_statement') return false;
  const last = statement.namedChildren.filter((child) => child?.type !== 'comment').at(-1);
  return last !== undefined && last !== null && leaves(last);
}

/** The name a declaration or assignment gives the attach's status (`rc` in `jint rc = …Attach…`). */
function statusVariable(statement: Node): string | undefined {
  if (statement.type === 'declaration') return variablesDeclaredBy(statement)[0]?.name;
  const expression = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
  if (expression?.type === 'assignment_expression') return expression.childForFieldName('left')?.text;
  return undefined;
}

/** True when `exit` sits in a branch of an `if` that tests whether attaching failed. */
function isFailureExit(exit: Node, body: Node, env: string, status: string | undefined): boolean {
  const envNull = new RegExp(`!\\s*${env}\\b|\\b${env}\\s*[!=]=\\s*(?:NULL|nullptr|0)\\b|\\b(?:NULL|nullptr)\\s*[!=]=\\s*${env}\\b`);
  for (let node = exit.parent; node && node.id !== body.id; node = node.parent) {
    if (node.type !== 'if_statement') continue;
    const condition = node.childForFieldName('condition')?.text ?? '';
    if (ATTACH_STATUS.test(condition) || envNull.test(condition)) return true;
    if (status && new RegExp(`\\b${status.replace(/[^\w]/g, '')}\\b`).test(condition)) return true;
  }
  return false;
}

/** True when the function hands the attachment on: returns the env, stores it elsewhere, or sets an "attached" flag. */
function handsOff(body: Node, attach: Node, env: string): boolean {
  for (const node of walkBody(body)) {
    if (node.startIndex < attach.endIndex) continue;
    if (node.type === 'return_statement') {
      const value = node.namedChildren.find((child) => child?.type !== 'comment');
      if (value && stripCasts(value).text === env) return true;
    }
    if (node.type === 'assignment_expression') {
      const right = node.childForFieldName('right');
      if (right && (TRUTHY.test(stripParentheses(right).text) || stripCasts(right).text === env)) return true;
    }
    if (node.type === 'init_declarator') {
      const value = node.childForFieldName('value');
      if (value && stripCasts(value).text === env) return true;
    }
  }
  return false;
}

/** True when `name` is declared as a plain local of this body (not static, not thread-local). */
function isPlainLocal(body: Node, name: string): boolean {
  for (const node of walkBody(body)) {
    if (node.type !== 'declaration') continue;
    for (const variable of variablesDeclaredBy(node)) if (variable.name === name) return variable.storage === 'local';
  }
  return false;
}

function declaresGuard(body: Node, detachment: ThreadDetachment): boolean {
  for (const node of walkBody(body)) if (node.type === 'declaration' && isGuardType(node, detachment)) return true;
  return false;
}

/** `void *worker(void *arg)`: the shape of a POSIX thread routine. */
function hasThreadRoutineSignature(definition: Node): boolean {
  if (definition.type !== 'function_definition') return false;
  const declarator = functionDeclaratorOf(definition);
  const type = definition.childForFieldName('type')?.text;
  const parameters = declarator?.childForFieldName('parameters')?.text.replace(/\s+/g, '');
  const outer = definition.childForFieldName('declarator');
  return type === 'void' && outer?.type === 'pointer_declarator' && /^\(void\*\w*\)$/.test(parameters ?? '');
}

function checkAttach(context: RuleContext, call: Node, detachment: ThreadDetachment, threadRoutines: ReadonlyMap<number, string>): void {
  const fn = enclosingFunction(call);
  const body = fn?.childForFieldName('body');
  if (!fn || !body || body.type !== 'compound_statement') return;
  const read = fn.type === 'function_definition' ? readFunctionDefinition(fn) : undefined;
  if (read?.owner && detachment.detachingGuards.has(read.owner)) return;
  const envNode = envOutVariable(call);
  if (!envNode || envNode.type !== 'identifier') return;
  const env = envNode.text;
  if (!isPlainLocal(body, env) || handsOff(body, call, env) || declaresGuard(body, detachment)) return;
  const statement = attachStatement(call);
  if (!statement) return;

  const functions = context.shared(readDefinedFunctions);
  const isDetach = (inner: Node): boolean => {
    if (javaVmCallName(inner) === 'DetachCurrentThread') return true;
    const callee = inner.childForFieldName('function');
    const target = callee && callee.type !== 'field_expression' ? resolveFunction(callee, functions) : undefined;
    return target !== undefined && detachment.detachingFunctions.has(target.definition.id);
  };
  const mentionsClose = (node: Node) => node.descendantsOfType('call_expression').some((inner) => inner !== null && isDetach(inner));
  const pair: PairedStatements = {
    isOpen: (node) => node.id === statement.id,
    isClose: (node) => {
      if (node.type !== 'expression_statement' && node.type !== 'declaration') return false;
      const value = node.type === 'declaration' ? variablesDeclaredBy(node)[0]?.initializer : node.namedChild(0);
      return value !== undefined && value !== null && stripCasts(value).type === 'call_expression' && isDetach(stripCasts(value));
    },
    mentionsClose,
  };
  // Attached here, detached only by a thread-stop hook elsewhere in the file.
  if (!mentionsClose(body) && detachment.hasDetachOnlyFunction) return;

  const via = threadRoutines.get(fn.id) ?? (hasThreadRoutineSignature(fn) ? 'thread routine' : undefined);
  const name = read ? `\`${displayName(read)}\`` : 'This lambda';
  const subject = via ? `${name} (a thread routine${via === 'thread routine' ? '' : ` started by ${via}`})` : name;
  const status = statement.type === 'if_statement' ? undefined : statusVariable(statement);
  const paths = new ExitPaths(body, pair);
  for (const exit of paths.returnsAfter(statement)) {
    if (mentionsClose(exit) || isFailureExit(exit, body, env, status) || paths.stateBefore(exit) !== 'open') continue;
    context.report({ node: exit, messageId: 'returnsAttached', data: { function: subject } });
  }
  if (paths.stateAtEnd() === 'open') context.report({ node: call, messageId: 'endsAttached', data: { function: subject } });
}
