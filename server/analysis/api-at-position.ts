import type { Node } from 'web-tree-sitter';
import type { LanguageId } from '../engine/languages';
import type { Position, Range } from '../engine/rule';
import { nodeRange } from './tree';

/**
 * What the cursor rests on, as the spellings an API note may be filed under, most specific first:
 * - `name` — the name itself, bare or as the member of an access (`CFUNCTYPE`, `JNIEnv`);
 * - `.name` / `::name` — only as a member (`.restype` on `f.restype`, `::into_raw` on `Box::into_raw`);
 * - `receiver.name` / `Scope::name` — with that receiver (`C.CString`, `Napi::AsyncWorker`, `Arena.ofShared`);
 * - syntax of its own: `//export` (a Go comment opening a line), `extern "C"` (on the linkage
 *   string or its keyword), `#[no_mangle]` / `#[repr(C)]` (anywhere in the Rust attribute).
 */
export interface ApiMention {
  keys: string[];
  range: Range;
}

/** Nodes that name something, per grammar. */
const NAME_TYPES = new Set([
  'identifier',
  'field_identifier',
  'type_identifier',
  'namespace_identifier',
  'package_identifier',
  'property_identifier',
]);

/** Access nodes: receiver field, member field, separator written between them. */
const ACCESS: Readonly<Record<string, { receiver: string; member: string; separator: string }>> = {
  attribute: { receiver: 'object', member: 'attribute', separator: '.' }, // python
  selector_expression: { receiver: 'operand', member: 'field', separator: '.' }, // go
  qualified_type: { receiver: 'package', member: 'name', separator: '.' }, // go
  method_invocation: { receiver: 'object', member: 'name', separator: '.' }, // java
  field_access: { receiver: 'object', member: 'field', separator: '.' }, // java
  scoped_identifier: { receiver: 'path', member: 'name', separator: '::' }, // rust (java uses scope/name, handled below)
  scoped_type_identifier: { receiver: 'path', member: 'name', separator: '::' }, // rust
  qualified_identifier: { receiver: 'scope', member: 'name', separator: '::' }, // c++
  field_expression: { receiver: 'argument', member: 'field', separator: '.' }, // c, c++ (rust: value/field)
};

/** A name that is being defined here rather than used: a user's own function of the same name. */
const DEFINITIONS = new Set([
  'function_definition',
  'function_declaration',
  'function_item',
  'function_signature_item',
  'method_declaration',
  'class_definition',
  'class_declaration',
  'function_declarator',
  'struct_item',
]);

const PLAIN_NAME = /^[A-Za-z_]\w*$/;

function accessOf(node: Node): { receiver: Node | null; member: Node | null; separator: string } | undefined {
  const access = ACCESS[node.type];
  if (!access) return undefined;
  const receiver = node.childForFieldName(access.receiver) ?? node.childForFieldName('scope') ?? node.childForFieldName('value');
  return { receiver, member: node.childForFieldName(access.member), separator: access.separator };
}

function same(a: Node | null | undefined, b: Node): boolean {
  return !!a && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

function isDefinedHere(node: Node): boolean {
  const parent = node.parent;
  if (!parent || !DEFINITIONS.has(parent.type)) return false;
  return same(parent.childForFieldName('name'), node) || same(parent.childForFieldName('declarator'), node);
}

/** Spellings for the receiver of a member access, so that `ffibuilder.cdef` reads as `ffi.cdef`. */
function normalizeReceiver(language: LanguageId, receiver: string): string {
  if (language === 'python' && /ffi/i.test(receiver)) return 'ffi';
  return receiver;
}

/**
 * The keys of a name at the end of `prefix`, the chain of accesses written before it (`f.restype`,
 * `Napi::ThreadSafeFunction`, `Linker.nativeLinker().upcallStub`), whitespace removed.
 */
function keysOfChain(language: LanguageId, prefix: string): string[] {
  const parts = prefix.split(/(::|\.|->)/);
  const name = parts[parts.length - 1];
  if (parts.length < 3) return [name];
  const separator = parts[parts.length - 2] === '->' ? '.' : parts[parts.length - 2];
  const receiver = parts[parts.length - 3];
  const keys: string[] = [];
  if (PLAIN_NAME.test(receiver)) keys.push(`${normalizeReceiver(language, receiver)}${separator}${name}`);
  keys.push(`${separator}${name}`, name);
  if (separator === '::' || (language === 'java' && /^[A-Z]/.test(receiver))) {
    // `CString::new`, `Napi::ThreadSafeFunction::New`, `FunctionDescriptor.ofVoid`: a member of a
    // type (a static method, a constructor) reads as the type.
    keys.push(...keysOfChain(language, parts.slice(0, -2).join('')));
  }
  return keys;
}

function nameMention(language: LanguageId, leaf: Node, source: string): ApiMention | undefined {
  if (isDefinedHere(leaf)) return undefined;
  // The outermost access the name is part of (as receiver or member): the chain starts there.
  let outer: Node = leaf;
  while (outer.parent) {
    const access = accessOf(outer.parent);
    if (!access || !(same(access.receiver, outer) || same(access.member, outer))) break;
    outer = outer.parent;
  }
  const prefix = source.slice(outer.startIndex, leaf.endIndex).replace(/\s+/g, '').replace(/<[^<>]*>/g, '');
  const keys = keysOfChain(language, prefix);
  // On a receiver, the member it qualifies: `C` in `C.CString`, `Napi` in `Napi::AsyncWorker`.
  const parent = leaf.parent ? accessOf(leaf.parent) : undefined;
  if (parent && same(parent.receiver, leaf) && parent.member) {
    const member = /^[A-Za-z_]\w*/.exec(parent.member.text)?.[0];
    if (member) keys.push(`${normalizeReceiver(language, leaf.text)}${parent.separator}${member}`);
  }
  return { keys: [...new Set(keys)], range: nodeRange(leaf) };
}

function goExportMention(leaf: Node): ApiMention | undefined {
  if (leaf.type !== 'comment' || leaf.startPosition.column !== 0 || !/^\/\/export\s+\w/.test(leaf.text)) return undefined;
  return { keys: ['//export'], range: nodeRange(leaf) };
}

/** `extern "C"` in C++ (`linkage_specification`) and Rust (`extern_modifier`), on its keyword or string. */
function linkageMention(leaf: Node): ApiMention | undefined {
  let holder: Node | null = leaf;
  for (let depth = 0; holder && depth < 3 && !['linkage_specification', 'extern_modifier'].includes(holder.type); depth++) holder = holder.parent;
  if (!holder || !['linkage_specification', 'extern_modifier'].includes(holder.type)) return cGuardMention(leaf);
  const abi = holder.childForFieldName('value') ?? holder.namedChildren.find((child) => child?.type === 'string_literal');
  if (!abi || leaf.startIndex > abi.endIndex) return undefined; // in the braces of `extern "C" { … }`
  if (abi.text !== '"C"') return undefined;
  return {
    keys: ['extern "C"'],
    range: { start: nodeRange(holder).start, end: nodeRange(abi).end },
  };
}

/**
 * The C grammar has no linkage specification: `extern "C" {` in a header (behind `#ifdef
 * __cplusplus`) parses as the name `extern` followed by a string. Only that pair counts.
 */
function cGuardMention(leaf: Node): ApiMention | undefined {
  const literal = leaf.type === 'string_literal' ? leaf : leaf.parent?.type === 'string_literal' ? leaf.parent : undefined;
  const keyword = literal ? literal.previousSibling : leaf.text === 'extern' ? leaf : undefined;
  const abi = literal ?? keyword?.nextSibling;
  if (!keyword || !abi || keyword.text !== 'extern' || abi.type !== 'string_literal' || abi.text !== '"C"') return undefined;
  return { keys: ['extern "C"'], range: { start: nodeRange(keyword).start, end: nodeRange(abi).end } };
}

/** `#[no_mangle]`, `#[unsafe(no_mangle)]`, `#[repr(C)]`, `#[repr(C, packed)]`... */
function rustAttributeMention(leaf: Node): ApiMention | undefined {
  let item: Node | null = leaf;
  while (item && item.type !== 'attribute_item' && item.type !== 'inner_attribute_item') item = item.parent;
  const attribute = item?.namedChildren.find((child) => child?.type === 'attribute');
  if (!item || !attribute) return undefined;
  let path = attribute.namedChildren[0]?.text ?? '';
  let args = attribute.childForFieldName('arguments')?.text ?? '';
  if (path === 'unsafe') {
    const inner = /^\(\s*(\w+)\s*(.*)\)$/s.exec(args);
    path = inner?.[1] ?? '';
    args = inner?.[2] ?? '';
  }
  if (!PLAIN_NAME.test(path)) return undefined;
  const key = path === 'repr' ? (/\bC\b/.test(args) ? '#[repr(C)]' : '#[repr]') : `#[${path}]`;
  return { keys: [key], range: nodeRange(item) };
}

/** The API the cursor rests on in a parsed document, as the keys a note may be filed under. */
export function apiMentionAt(root: Node, language: LanguageId, position: Position): ApiMention | undefined {
  const point = { row: position.line, column: position.column };
  const leaf = root.descendantForPosition(point);
  if (!leaf) return undefined;
  if (language === 'go') {
    const exported = goExportMention(leaf);
    if (exported) return exported;
  }
  if (language === 'rust') {
    const attribute = rustAttributeMention(leaf);
    if (attribute) return attribute;
  }
  if (language === 'rust' || language === 'cpp' || language === 'c') {
    const linkage = linkageMention(leaf);
    if (linkage) return linkage;
  }
  if (NAME_TYPES.has(leaf.type)) return nameMention(language, leaf, root.text);
  return undefined;
}
