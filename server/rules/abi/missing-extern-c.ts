import type { Node } from 'web-tree-sitter';
import { functionDeclaratorOf } from '../../analysis/c/functions';
import { declaredFunctionName, declaredLinkage, hasCLinkage, namesWithCLinkage } from '../../analysis/c/linkage';
import {
  baseNameOf,
  blockSpans,
  cLinkageSpans,
  codeOnly,
  definedMacros,
  inclusions,
  isWithinSpans,
  linkageOfPrefix,
  type Inclusion,
} from '../../analysis/c/linkage-text';
import { startOf } from '../../analysis/tree';
import { boundSymbolOf } from '../../collectors/bound-symbols';
import {
  C_LINKAGE_DECLARATION,
  C_LINKAGE_MACRO,
  HEADER_FILE,
  INCLUDED_BY_C,
  INCLUDED_IN_C_LINKAGE,
  OTHER_MACRO,
  PLAIN_DECLARATION,
} from '../../collectors/c-headers';
import { defineRule, type Fix, type RuleContext } from '../../engine/rule';
import type { WorkspaceFacts } from '../../engine/workspace';

/** Names system headers declare with C linkage (jni.h, node_api.h), and `main`. */
const DECLARED_BY_SYSTEM_HEADERS = new Set(['main', 'wmain', 'WinMain', 'DllMain', 'JNI_OnLoad', 'JNI_OnUnload', 'napi_register_module_v1']);

/**
 * Angle-bracket headers that cannot declare a project's functions: with only these included, no
 * other file can give a definition C linkage, so the workspace need not be complete.
 */
const SYSTEM_HEADER =
  /^(?:[a-z_]+|(?:jni|jni_md|Python|node_api|js_native_api|assert|ctype|errno|float|inttypes|limits|locale|math|setjmp|signal|stdarg|stdbool|stddef|stdint|stdio|stdlib|string|time|wchar|unistd|pthread|dlfcn|fcntl|windows)\.h|sys\/\w+\.h)$/;

/** The place a function definition may stand at for a loader to find it: file scope, not static or a template. */
function isCandidate(definition: Node): boolean {
  for (let parent = definition.parent; parent; parent = parent.parent) {
    if (!['translation_unit', 'linkage_specification', 'declaration_list', 'ERROR'].includes(parent.type) && !parent.type.startsWith('preproc_')) {
      return false;
    }
  }
  return !definition.namedChildren.some((child) => child?.type === 'storage_class_specifier' && child.text === 'static');
}

/** Why a loader or linker will look `name` up by its plain C name, if anything says so. */
interface Lookup {
  messageId: 'bound' | 'jni' | 'pyinit' | 'cHeader';
  data: Record<string, string>;
}

function lookupOf(name: string, includes: readonly Inclusion[], context: RuleContext): Lookup | undefined {
  if (name.startsWith('Java_')) return { messageId: 'jni', data: {} };
  if (name.startsWith('PyInit_')) return { messageId: 'pyinit', data: { module: name.slice('PyInit_'.length) } };
  const bound = boundSymbolOf(name, context.workspace);
  if (bound) return { messageId: 'bound', data: { ...bound, where: baseNameOf(bound.file) } };
  // A C header (read by a .c file) that this file includes declares it without extern "C".
  const included = new Set(includes.map((inclusion) => baseNameOf(inclusion.path)));
  for (const header of context.workspace.filesWith(PLAIN_DECLARATION, name)) {
    const headerName = baseNameOf(header);
    if (!included.has(headerName)) continue;
    const [cFile] = context.workspace.filesWith(INCLUDED_BY_C, headerName);
    if (cFile) return { messageId: 'cHeader', data: { header: headerName, cFile: baseNameOf(cFile) } };
  }
  return undefined;
}

/**
 * True when the file includes the header `javac -h` writes for the native's class (by its name:
 * `org_example_Codec.h` for `Java_org_example_Codec_…`), which declares it extern "C", even with
 * angle brackets from a build directory outside the workspace.
 */
function includesJavahHeader(name: string, includes: readonly Inclusion[]): boolean {
  // A nested class's `$` is `_00024` in the symbol but `_` in the header's name (org_zeromq_ZMQ_Context.h).
  const flattened = name.replace(/_00024/g, '_');
  return includes.some((inclusion) => {
    const stem = baseNameOf(inclusion.path).replace(/\.h$/, '');
    return stem.length > 0 && (name.startsWith(`Java_${stem}_`) || flattened.startsWith(`Java_${stem}_`));
  });
}

/** True when a header that some `.c` file includes declares `name` without C linkage. */
function isInCHeader(name: string, workspace: WorkspaceFacts): boolean {
  return workspace.filesWith(PLAIN_DECLARATION, name).some((header) => workspace.has(INCLUDED_BY_C, baseNameOf(header)));
}

function insertExternCFix(definition: Node): Fix {
  return {
    title: 'Give it C linkage with extern "C"',
    edits: [{ range: { start: startOf(definition), end: startOf(definition) }, newText: 'extern "C" ' }],
    safe: false,
  };
}

export default defineRule({
  id: 'abi/missing-extern-c',
  languages: ['cpp'],
  severity: 'error',
  questions: [2],
  description: 'A C++ function without extern "C" that a binding, the JVM, Python\'s importer or C code looks up by its plain name.',
  messages: {
    bound:
      '`{{function}}` has C++ linkage, so its symbol is mangled, but {{binding}} in {{where}} looks it up by its plain name: {{failure}}; define it inside extern "C".',
    jni: '`{{function}}` has C++ linkage, so its symbol is mangled and the JVM cannot find the native method (UnsatisfiedLinkError); define it inside extern "C" or include the javac -h header.',
    pyinit:
      '`{{function}}` has C++ linkage, so its symbol is mangled and `import {{module}}` fails (dynamic module does not define init function); declare it with PyMODINIT_FUNC.',
    cHeader:
      '`{{function}}` is declared in {{header}}, which {{cFile}} compiles as C, but has C++ linkage here: C callers fail to link (undefined reference); wrap the header\'s declarations in `#ifdef __cplusplus extern "C" {`.',
  },
  fixable: true,
  triggers: ['('],
  // Parsing every C++ file costs more than reading its names: go on only if one of them is looked up.
  appliesTo(text, workspace) {
    if (text.includes('Java_') || text.includes('PyInit_')) return true;
    const seen = new Set<string>();
    for (const [, name] of text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (boundSymbolOf(name, workspace) || isInCHeader(name, workspace)) return true;
    }
    return false;
  },
  check(context) {
    const definitions = context.root.descendantsOfType('function_definition').filter((d): d is Node => d !== null && isCandidate(d));
    if (definitions.length === 0) return;
    const { source, workspace } = context;
    const includes = inclusions(source);
    // A declaration elsewhere may give C linkage: absence is known only once every file is read.
    if (!workspace.complete && includes.some((inclusion) => inclusion.quoted || !SYSTEM_HEADER.test(inclusion.path))) return;
    // A project header the workspace does not hold (generated, like javac -h output) may declare anything.
    if (includes.some((inclusion) => inclusion.quoted && !workspace.has(HEADER_FILE, baseNameOf(inclusion.path)))) return;
    const code = codeOnly(source);
    const macros = definedMacros(source);
    const spans = cLinkageSpans(code, macros.withCLinkage);
    const blocks = blockSpans(code, spans);
    const sameFileCNames = namesWithCLinkage(context.root);
    const includedNames = new Set(includes.map((inclusion) => baseNameOf(inclusion.path)));
    const includedInCBlock = new Set(includes.filter((i) => isWithinSpans(i.offset, spans)).map((i) => baseNameOf(i.path)));
    const prefixMacros = {
      withCLinkage: (word: string) => macros.withCLinkage.has(word) || workspace.has(C_LINKAGE_MACRO, word),
      isDefinedOtherwise: (word: string) => macros.others.has(word) || workspace.has(OTHER_MACRO, word),
    };
    const definitionCounts = new Map<string, number>();
    for (const definition of definitions) {
      const name = declaredFunctionName(definition);
      if (name) definitionCounts.set(name, (definitionCounts.get(name) ?? 0) + 1);
    }
    for (const definition of definitions) {
      const name = declaredFunctionName(definition);
      const nameNode = functionDeclaratorOf(definition)?.childForFieldName('declarator');
      if (!name || !nameNode || DECLARED_BY_SYSTEM_HEADERS.has(name)) continue;
      // extern "C" around it (or a deliberate extern "C++"), or inherited from an earlier declaration.
      if (hasCLinkage(definition, 'cpp') || declaredLinkage(definition) === 'C++' || sameFileCNames.has(name)) continue;
      if (isWithinSpans(definition.startIndex, spans) || isWithinSpans(definition.startIndex, blocks)) continue;
      if (linkageOfPrefix(declarationPrefix(code, definition.startIndex, nameNode.startIndex), prefixMacros) !== 'none') continue;
      if (workspace.has(C_LINKAGE_DECLARATION, name)) continue;
      const declaringHeaders = workspace.filesWith(PLAIN_DECLARATION, name).map(baseNameOf);
      if (declaringHeaders.some((header) => includedInCBlock.has(header) || workspace.has(INCLUDED_IN_C_LINKAGE, header))) continue;
      // Registered through a function pointer (napi_create_function, a RegisterNatives table): no lookup by name.
      if (/\bnapi_|\bRegisterNatives\b/.test(source) && isUsedAsValue(name, context.root)) continue;
      const lookup = lookupOf(name, includes, context);
      if (!lookup || (lookup.messageId === 'jni' && includesJavahHeader(name, includes))) continue;
      // extern "C" on the definition conflicts with an earlier C++ declaration: the fix belongs there.
      const fixable =
        lookup.messageId !== 'cHeader' &&
        lookup.messageId !== 'pyinit' &&
        definitionCounts.get(name) === 1 &&
        !declaringHeaders.some((header) => includedNames.has(header)) &&
        !isDeclaredBefore(name, definition, context.root);
      context.report({
        node: nameNode,
        messageId: lookup.messageId,
        data: { function: name, ...lookup.data },
        ...(fixable ? { fix: insertExternCFix(definition) } : {}),
      });
    }
  },
});

/**
 * The words before a definition's name, from the end of the previous declaration: the parser
 * leaves a function-like macro (`API_EXPORT(int) name(…)`) out of the definition.
 */
function declarationPrefix(code: string, definitionStart: number, nameStart: number): string {
  let start = definitionStart;
  while (start > 0 && !';{}'.includes(code[start - 1])) start--;
  return code.slice(start, nameStart);
}

/** True when the file declares `name` (a prototype) before `definition`. */
function isDeclaredBefore(name: string, definition: Node, root: Node): boolean {
  return root
    .descendantsOfType('declaration')
    .some((declaration) => declaration !== null && declaration.startIndex < definition.startIndex && declaredFunctionName(declaration) === name);
}

/** True when `name` appears other than as the callee of a call or a declared name: its address is taken. */
function isUsedAsValue(name: string, root: Node): boolean {
  return root.descendantsOfType('identifier').some((identifier) => {
    if (identifier?.text !== name) return false;
    const parent = identifier.parent;
    if (parent?.type === 'function_declarator') return false;
    return !(parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === identifier.id);
  });
}
