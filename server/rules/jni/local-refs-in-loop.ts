import type { Node } from 'web-tree-sitter';
import { calleeName } from '../../analysis/c/calls';
import { stripCasts } from '../../analysis/c/expressions';
import { readDefinedFunctions, type DefinedFunction } from '../../analysis/c/functions';
import {
  argumentsOf,
  createsLocalRef,
  declaredTypeText,
  managesLocalFrame,
  readJniCall,
  valueConsumer,
  type JniCall,
} from '../../analysis/c/jni-references';
import { enclosingLoops, hasSmallConstantBound, leavesLoopAfter, loopKeyword, readLoopBounds } from '../../analysis/c/loops';
import { defineRule } from '../../engine/rule';

/** The JVM guarantees at least this many local reference slots per native frame. */
const GUARANTEED_LOCAL_SLOTS = 16;
/** Types of C++ locals that release what they are constructed from, or pop a frame, when they go out of scope. */
const RAII_TYPE = /Local|Scoped|Ref|Guard|Frame|unique_ptr|shared_ptr/;
const FRAME_TYPE = /Frame/;
/** Helpers that, by their name, release or take over a reference handed to them. */
const TAKES_REFERENCE =
  /delete|release|free|unref|drop|dispose|destroy|store|keep|retain|push|put|add|append|insert|emplace|register|cache|own|take|adopt|wrap|set/i;

interface LoopFacts {
  /** The body opens or closes a local frame, which frees what each iteration made. */
  framed: boolean;
  /** Names handed to DeleteLocalRef, to a helper that may take them, or to an RAII local. */
  released: Set<string>;
  /** Names returned, stored elsewhere, or aliased: their fate is out of sight. */
  escaping: Set<string>;
}

/** Names of the JNI function table, as opposed to C++ methods reached through `->` (`list->push_back`). */
function isJniFunctionName(name: string): boolean {
  return /^(?:Get|Set|Call|New|Delete|Release|Push|Pop|Throw|Exception|Monitor|Is|Ensure|Alloc|Find|To|From|Register|Unregister|Define)[A-Z]/.test(name);
}

/** The identifier an argument names, through casts. */
function nameOf(node: Node): string | undefined {
  const value = stripCasts(node);
  return value.type === 'identifier' ? value.text : undefined;
}

/** True when a same-file function body frees local references it is handed. */
function deletesLocals(fn: DefinedFunction): boolean {
  return /\bDeleteLocalRef\b|\bPopLocalFrame\b/.test(fn.body.text);
}

function readLoopFacts(loop: Node, functions: ReadonlyMap<string, readonly DefinedFunction[]>): LoopFacts {
  const facts: LoopFacts = { framed: false, released: new Set(), escaping: new Set() };
  for (const call of loop.descendantsOfType('call_expression')) {
    if (!call) continue;
    const jni = readJniCall(call);
    if (jni && managesLocalFrame(jni.name)) facts.framed = true;
    if (jni && jni.name === 'DeleteLocalRef') {
      for (const arg of jni.args) {
        const name = nameOf(arg);
        if (name) facts.released.add(name);
      }
      continue;
    }
    // JNI functions that merely use the reference (SetObjectArrayElement, ReleaseStringUTFChars) keep it alive.
    if (jni && isJniFunctionName(jni.name)) continue;
    // A helper or container method: the reference is taken over when its name or its body says so.
    const callee = calleeName(call) ?? '';
    if (!TAKES_REFERENCE.test(callee) && !(functions.get(callee)?.some(deletesLocals) ?? false)) continue;
    for (const arg of argumentsOf(call)) {
      const name = nameOf(arg);
      if (name) facts.released.add(name);
    }
  }
  for (const declaration of loop.descendantsOfType('declaration')) {
    if (!declaration) continue;
    const type = declaredTypeText(declaration);
    if (FRAME_TYPE.test(type)) facts.framed = true;
    if (!RAII_TYPE.test(type)) continue;
    for (const value of declaration.descendantsOfType(['argument_list', 'initializer_list'])) {
      for (const arg of value?.namedChildren ?? []) {
        const name = arg ? nameOf(arg) : undefined;
        if (name) facts.released.add(name);
      }
    }
  }
  for (const statement of loop.descendantsOfType('return_statement')) {
    const value = statement?.namedChildren.find((child) => child?.type !== 'comment');
    const name = value ? nameOf(value) : undefined;
    if (name) facts.escaping.add(name);
  }
  for (const assignment of loop.descendantsOfType(['assignment_expression', 'init_declarator'])) {
    const value = assignment?.childForFieldName(assignment.type === 'init_declarator' ? 'value' : 'right');
    const name = value ? nameOf(value) : undefined;
    if (name) facts.escaping.add(name);
  }
  for (const list of loop.descendantsOfType('initializer_list')) {
    for (const item of list?.namedChildren ?? []) {
      const name = item ? nameOf(item) : undefined;
      if (name) facts.escaping.add(name);
    }
  }
  return facts;
}

/** True when `node` runs only while `name` is still unset: `if (!cls) cls = FindClass(…)`. */
function isLazyInitialisation(node: Node, name: string, loop: Node): boolean {
  for (let current = node.parent; current && current !== loop; current = current.parent) {
    if (current.type !== 'if_statement') continue;
    const condition = current.childForFieldName('condition')?.text ?? '';
    if (new RegExp(`(?:!\\s*${name}\\b|\\b${name}\\s*==\\s*(?:NULL|nullptr|0)\\b|\\b(?:NULL|nullptr|0)\\s*==\\s*${name}\\b)`).test(condition))
      return true;
  }
  return false;
}

type Fate =
  | { kind: 'named'; name: string }
  | { kind: 'discarded' }
  | { kind: 'passed'; to: string }
  | { kind: 'unknown' };

/** Where the new reference goes: a variable, nowhere, straight into another JNI call, or somewhere this rule does not follow. */
function fateOf(jni: JniCall): Fate {
  const { consumer, value } = valueConsumer(jni.call);
  switch (consumer.type) {
    case 'expression_statement':
      return { kind: 'discarded' };
    case 'init_declarator': {
      const declaration = consumer.parent;
      if (!declaration || RAII_TYPE.test(declaredTypeText(declaration))) return { kind: 'unknown' };
      const target = consumer.childForFieldName('declarator');
      return target?.type === 'identifier' ? { kind: 'named', name: target.text } : { kind: 'unknown' };
    }
    case 'assignment_expression': {
      if (consumer.childForFieldName('right')?.id !== value.id || consumer.childForFieldName('operator')?.text !== '=') return { kind: 'unknown' };
      const target = consumer.childForFieldName('left');
      return target?.type === 'identifier' ? { kind: 'named', name: target.text } : { kind: 'unknown' };
    }
    case 'argument_list': {
      const outer = consumer.parent?.type === 'call_expression' ? readJniCall(consumer.parent) : undefined;
      if (!outer || !isJniFunctionName(outer.name) || outer.name === 'PopLocalFrame' || outer.name === 'DeleteLocalRef')
        return { kind: 'unknown' };
      return { kind: 'passed', to: outer.name };
    }
    default:
      return { kind: 'unknown' };
  }
}

export default defineRule({
  id: 'jni/local-refs-in-loop',
  languages: ['c', 'cpp'],
  severity: 'warning',
  questions: [17, 31],
  description:
    'A JNI call in a loop creates a local reference on every iteration that is neither deleted nor released by a local frame, filling the local reference table.',
  messages: {
    named:
      '`{{call}}` creates a local reference (`{{name}}`) on every iteration of the `{{loop}}` loop on line {{line}} and nothing deletes it: DeleteLocalRef `{{name}}` at the end of each iteration, or wrap the body in PushLocalFrame/PopLocalFrame.',
    discarded:
      '`{{call}}` returns a new local reference on every iteration of the `{{loop}}` loop on line {{line}} and the result is dropped without DeleteLocalRef: keep it in a variable and DeleteLocalRef it at the end of each iteration, or wrap the body in PushLocalFrame/PopLocalFrame.',
    passed:
      '`{{call}}` creates a local reference on every iteration of the `{{loop}}` loop on line {{line}} that is passed straight to `{{to}}` and never deleted: keep it in a variable and DeleteLocalRef it after the call, or wrap the body in PushLocalFrame/PopLocalFrame.',
  },
  fixable: false,
  triggers: [
    'NewObject',
    'NewString',
    'NewBooleanArray',
    'NewByteArray',
    'NewCharArray',
    'NewShortArray',
    'NewIntArray',
    'NewLongArray',
    'NewFloatArray',
    'NewDoubleArray',
    'GetObjectArrayElement',
    'FindClass',
    'GetObjectClass',
    'GetSuperclass',
    'ObjectField',
    'ObjectMethod',
    'ToReflected',
    'ExceptionOccurred',
    'AllocObject',
    'NewDirectByteBuffer',
    'NewLocalRef',
    'DefineClass',
  ],
  check(context) {
    const bounds = context.shared(readLoopBounds);
    const functions = context.shared(readDefinedFunctions);
    const factsByLoop = new Map<number, LoopFacts>();
    const factsOf = (loop: Node) => {
      let facts = factsByLoop.get(loop.id);
      if (!facts) factsByLoop.set(loop.id, (facts = readLoopFacts(loop, functions)));
      return facts;
    };

    for (const call of context.root.descendantsOfType('call_expression')) {
      const jni = call ? readJniCall(call) : undefined;
      if (!jni || !createsLocalRef(jni.name)) continue;
      // The innermost loop that may run more often than the guaranteed slots allow.
      const loop = enclosingLoops(jni.call).find((candidate) => !hasSmallConstantBound(candidate, bounds, GUARANTEED_LOCAL_SLOTS));
      if (!loop) continue;
      const facts = factsOf(loop);
      if (facts.framed || leavesLoopAfter(jni.call, loop)) continue;
      const fate = fateOf(jni);
      if (fate.kind === 'unknown') continue;
      if (fate.kind === 'discarded' && jni.name === 'ExceptionOccurred') continue;
      if (fate.kind === 'named') {
        if (facts.released.has(fate.name) || facts.escaping.has(fate.name)) continue;
        if (isLazyInitialisation(jni.call, fate.name, loop)) continue;
      }
      const data: Record<string, string> = {
        call: jni.name,
        loop: loopKeyword(loop),
        line: String(loop.startPosition.row + 1),
      };
      if (fate.kind === 'named') data.name = fate.name;
      if (fate.kind === 'passed') data.to = fate.to;
      context.report({ node: jni.call, messageId: fate.kind, data });
    }
  },
});
