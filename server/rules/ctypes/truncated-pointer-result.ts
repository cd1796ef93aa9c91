import type { Node } from 'web-tree-sitter';
import { LIBRARY_LOADING_WORDS, readCtypesBindings, type CtypesBindings, type ForeignFunction } from '../../analysis/python/ctypes-bindings';
import { closestAncestor, indentationOf, nodeRange } from '../../analysis/tree';
import { defineRule, type Fix, type Position } from '../../engine/rule';

/** ctypes helpers that treat their argument as an address. */
const POINTER_CONSUMERS = ['cast', 'string_at', 'wstring_at', 'c_void_p', 'c_char_p', 'c_wchar_p', 'memmove', 'memset'];
/** Deallocators: whatever is passed to one was a pointer. */
const FREE_FUNCTION = /^(?:free|\w+_free|\w+Free|\w+_destroy|\w+_unref)$/;
/** C library functions whose result is a pointer by definition. */
const POINTER_RETURNING_LIBC = new Set([
  'malloc', 'calloc', 'realloc', 'strdup', 'strndup', 'getenv', 'dlopen', 'dlsym', 'fopen', 'fdopen', 'popen',
  'strerror', 'setlocale', 'strchr', 'strrchr', 'strstr', 'memchr', 'strcpy', 'strncpy', 'strcat', 'strtok',
  'opendir', 'readdir', 'getpwnam', 'getpwuid', 'localtime', 'gmtime', 'ctime', 'asctime', 'tmpfile', 'getcwd',
]);
/** Integer types narrower than a pointer on some 64-bit platform (c_long is 32-bit on Windows). */
const INTEGER_RESTYPES = new Set([
  'c_int', 'c_uint', 'c_long', 'c_ulong', 'c_int32', 'c_uint32', 'c_short', 'c_ushort', 'c_int16', 'c_uint16',
  'c_int8', 'c_uint8', 'c_byte', 'c_ubyte', 'c_bool',
]);

/** The last name of a callee (`lib.free` → `free`). */
function calleeName(call: Node): string | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type === 'identifier') return callee.text;
  if (callee?.type === 'attribute') return callee.childForFieldName('attribute')?.text;
  return undefined;
}

/** If `node` is passed straight to a call that treats it as a pointer, a few words saying which. */
function pointerUseOf(node: Node, bindings: CtypesBindings): string | undefined {
  const argumentList = node.parent;
  const call = argumentList?.type === 'argument_list' ? argumentList.parent : null;
  if (call?.type !== 'call') return undefined;
  const callee = call.childForFieldName('function');
  const consumer = POINTER_CONSUMERS.find((member) => bindings.names.isMember(callee, member));
  if (consumer) return `its result goes to ${callee?.text}()`;
  if (callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'from_address') {
    return `its result goes to ${callee.text}()`;
  }
  const name = calleeName(call);
  if (name && FREE_FUNCTION.test(name)) return `its result is freed with ${callee?.text}()`;
  return undefined;
}

/** Evidence that the call's result is used as a pointer, directly or through a local variable. */
function pointerUseOfResult(call: Node, bindings: CtypesBindings): string | undefined {
  const direct = pointerUseOf(call, bindings);
  if (direct) return direct;
  const assignment = call.parent;
  const variable = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
  if (variable?.type !== 'identifier' || assignment?.childForFieldName('right')?.id !== call.id) return undefined;
  const scope = closestAncestor(call, ['function_definition', 'module']) ?? call.tree.rootNode;
  for (const use of scope.descendantsOfType('identifier')) {
    if (use.startIndex <= call.endIndex || use.text !== variable.text) continue;
    const evidence = pointerUseOf(use, bindings);
    if (evidence) return evidence.replace('its result', `its result (${variable.text})`);
  }
  return undefined;
}

/** A C prototype in a comment or string of the module that declares `name` returning a pointer. */
function declaredPointerReturn(name: string, prototypes: string): boolean {
  const escaped = name.replace(/[$]/g, '\\$');
  return new RegExp(`\\b[A-Za-z_]\\w*[ \\t]*\\*+[ \\t]*(?:const[ \\t]+)?${escaped}[ \\t]*\\(`).test(prototypes);
}

interface Evidence {
  node: Node;
  why: string;
  /** Naming is a heuristic: a fix based on it is offered but not applied in bulk. */
  certain: boolean;
}

function findEvidence(fn: ForeignFunction, bindings: CtypesBindings, prototypes: string): Evidence | undefined {
  for (const call of fn.calls) {
    const why = pointerUseOfResult(call, bindings);
    if (why) return { node: call, why, certain: true };
  }
  const [firstCall] = fn.calls;
  if (!firstCall) return undefined;
  if (declaredPointerReturn(fn.name, prototypes)) {
    return { node: firstCall, why: 'its C prototype in this module returns a pointer', certain: true };
  }
  if (POINTER_RETURNING_LIBC.has(fn.name)) {
    return { node: firstCall, why: `${fn.name}() returns a pointer in C`, certain: false };
  }
  return undefined;
}

/** For a value passed first to `cast(value, POINTER(T))`, the `POINTER(T)` node. */
function castPointerType(value: Node, bindings: CtypesBindings): Node | undefined {
  const argumentList = value.parent;
  const call = argumentList?.type === 'argument_list' ? argumentList.parent : null;
  if (call?.type !== 'call' || !bindings.names.isMember(call.childForFieldName('function'), 'cast')) return undefined;
  const [first, target] = argumentList!.namedChildren;
  if (first?.id !== value.id || target?.type !== 'call') return undefined;
  const pointee = target.childForFieldName('arguments')?.namedChildren ?? [];
  return bindings.names.isMember(target.childForFieldName('function'), 'POINTER') && pointee.length === 1 ? target : undefined;
}

/** Where the value of `call` goes: the nodes that use it, or undefined when it goes somewhere unseen. */
function usesOfResult(call: Node): Node[] | undefined {
  const parent = call.parent;
  if (parent?.type === 'expression_statement') return [];
  if (parent?.type !== 'assignment' || parent.childForFieldName('right')?.id !== call.id) return [call];
  const variable = parent.childForFieldName('left');
  if (variable?.type !== 'identifier') return undefined;
  const scope = closestAncestor(call, ['function_definition', 'module']) ?? call.tree.rootNode;
  const uses: Node[] = [];
  for (const use of scope.descendantsOfType('identifier')) {
    if (use.text !== variable.text || use.id === variable.id) continue;
    const binding = use.parent?.type === 'assignment' && use.parent.childForFieldName('left')?.id === use.id;
    if (binding || use.startIndex < call.startIndex) return undefined; // the name also holds something else
    uses.push(use);
  }
  return uses;
}

/** A use that works the same whether the value is an int (`c_void_p`) or a `POINTER(T)` instance. */
function isTruthinessTest(use: Node): boolean {
  const parent = use.parent;
  if (parent?.type === 'not_operator') return true;
  return (parent?.type === 'if_statement' || parent?.type === 'while_statement') && parent.childForFieldName('condition')?.id === use.id;
}

function isFreed(use: Node): boolean {
  const call = use.parent?.type === 'argument_list' ? use.parent.parent : null;
  const name = call?.type === 'call' ? calleeName(call) : undefined;
  return name !== undefined && FREE_FUNCTION.test(name);
}

/** The top-level statement of the module that holds `node`. */
function topLevelStatement(node: Node): Node {
  let current = node;
  while (current.parent && current.parent.type !== 'module') current = current.parent;
  return current;
}

/** Whether every name `expression` starts from is ctypes or defined at module level before `anchor`. */
function namesAvailableAt(expression: Node, anchor: Node, bindings: CtypesBindings): boolean {
  const { names } = bindings;
  const before = topLevelStatement(anchor).startIndex;
  const definedBefore = (name: string): boolean =>
    expression.tree.rootNode.namedChildren.some((statement) => {
      if (statement.startIndex >= before) return false;
      const definition = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
      if (definition?.type === 'class_definition') return definition.childForFieldName('name')?.text === name;
      const assignment = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
      return assignment?.type === 'assignment' && assignment.childForFieldName('left')?.text === name;
    });
  for (const identifier of expression.descendantsOfType('identifier')) {
    const isAttributeName = identifier.parent?.type === 'attribute' && identifier.parent.childForFieldName('attribute')?.id === identifier.id;
    if (isAttributeName) continue;
    const known = names.moduleAliases.has(identifier.text) || names.importedNames.has(identifier.text) || definedBefore(identifier.text);
    if (!known) return false;
  }
  return true;
}

/**
 * The `POINTER(T)` every use of the function's result asks for through `cast`, when that is
 * certain: each result is cast to the same type, or only tested for NULL or freed, and `T` can be
 * named where the declaration goes. Otherwise undefined (the fix then writes `c_void_p`).
 */
function impliedPointerType(fn: ForeignFunction, bindings: CtypesBindings, anchor: Node): string | undefined {
  let pointerType: Node | undefined;
  for (const call of fn.calls) {
    const uses = usesOfResult(call);
    if (!uses) return undefined;
    for (const use of uses) {
      const cast = castPointerType(use, bindings);
      if (cast) {
        if (pointerType && pointerType.text !== cast.text) return undefined;
        pointerType = cast;
      } else if (!isTruthinessTest(use) && !isFreed(use)) {
        return undefined;
      }
    }
  }
  return pointerType && namesAvailableAt(pointerType, anchor, bindings) ? pointerType.text : undefined;
}

const BLOCK_OWNERS = ['try_statement', 'if_statement', 'with_statement'];

/** The statement to insert a declaration after: the loading statement, lifted out of try/if. */
function declarationAnchor(statement: Node): Node {
  let anchor = statement;
  for (let owner = closestAncestor(anchor, BLOCK_OWNERS); owner; owner = closestAncestor(anchor, BLOCK_OWNERS)) {
    const scope = closestAncestor(anchor, ['function_definition', 'class_definition', 'module']);
    if (scope && owner.startIndex < scope.startIndex) break;
    anchor = owner;
  }
  return anchor;
}

function endOf(node: Node): Position {
  return { line: node.endPosition.row, column: node.endPosition.column };
}

/** Where a `restype` declaration for `fn` goes: after its alias, or after the handle's loading statement. */
function declarationSite(fn: ForeignFunction, callee: Node): { anchor: Node; target: string } | undefined {
  const viaAlias = callee.type === 'identifier' ? fn.aliases.get(callee.text) : undefined;
  const statement = viaAlias ?? fn.loadStatement;
  if (!statement) return undefined;
  return { anchor: declarationAnchor(statement), target: viaAlias ? callee.text : fn.key };
}

function declareRestypeFix(
  site: { anchor: Node; target: string },
  pointerType: string,
  source: string,
  safe: boolean,
): Fix {
  const { anchor, target } = site;
  const at = endOf(anchor);
  return {
    title: `Declare ${target}.restype = ${pointerType}`,
    edits: [{ range: { start: at, end: at }, newText: `\n${indentationOf(anchor, source)}${target}.restype = ${pointerType}` }],
    safe,
  };
}

export default defineRule({
  id: 'ctypes/truncated-pointer-result',
  languages: ['python'],
  severity: 'error',
  questions: [14, 7, 33],
  description: 'A ctypes foreign function returns a pointer but its restype is unset (c_int) or an integer type.',
  messages: {
    missingRestype:
      '`{{function}}` returns a pointer ({{evidence}}) but has no restype, so ctypes reads a 32-bit c_int and cuts the address: set `{{function}}.restype = {{pointerType}}`.',
    integerRestype:
      '`{{declaration}} = {{restype}}` is an integer type, but the function returns a pointer ({{evidence}}): 64-bit addresses are truncated. Use {{pointerType}}.',
  },
  fixable: true,
  triggers: LIBRARY_LOADING_WORDS,
  check(context) {
    const bindings = context.shared(readCtypesBindings);
    if (bindings.functions.size === 0) return;
    const prototypes = context.root
      .descendantsOfType(['comment', 'string'])
      .map((node) => node.text)
      .join('\n');
    const voidPointer = bindings.names.spell('c_void_p');
    for (const fn of bindings.functions.values()) {
      if (fn.restype) {
        const restypeName = fn.restype.type === 'attribute' ? fn.restype.childForFieldName('attribute')?.text : fn.restype.text;
        if (!restypeName || !INTEGER_RESTYPES.has(restypeName) || !isCtypesType(fn.restype, restypeName, bindings)) continue;
        const evidence = findEvidence(fn, bindings, prototypes);
        if (!evidence) continue;
        const declaration = fn.restype.parent;
        const pointerType = (declaration && impliedPointerType(fn, bindings, declaration)) ?? voidPointer;
        const declared = declaration?.type === 'assignment' ? declaration.childForFieldName('left')?.text : undefined;
        context.report({
          node: fn.restype,
          messageId: 'integerRestype',
          data: { declaration: declared ?? `${fn.key}.restype`, restype: fn.restype.text, evidence: evidence.why, pointerType },
          fix: {
            title: `Change ${declared ?? `${fn.key}.restype`} to ${pointerType}`,
            edits: [{ range: nodeRange(fn.restype), newText: pointerType }],
            safe: evidence.certain,
          },
        });
        continue;
      }
      if (bindings.hasDynamicRestypes || bindings.mayBeDeclaredElsewhere(fn, 'restype')) continue;
      const evidence = findEvidence(fn, bindings, prototypes);
      const callee = evidence?.node.childForFieldName('function');
      if (!evidence || !callee) continue;
      const site = declarationSite(fn, callee);
      const pointerType = (site && impliedPointerType(fn, bindings, site.anchor)) ?? voidPointer;
      context.report({
        node: callee,
        messageId: 'missingRestype',
        data: { function: callee.type === 'call' ? fn.key : callee.text, evidence: evidence.why, pointerType },
        ...(site ? { fix: declareRestypeFix(site, pointerType, context.source, evidence.certain) } : {}),
      });
    }
  },
});

function isCtypesType(node: Node, name: string, bindings: CtypesBindings): boolean {
  return bindings.names.isMember(node, name);
}
