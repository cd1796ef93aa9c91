import type { Node } from 'web-tree-sitter';

/** One `"key": value` member of a JSON object, with both nodes (to report on the key). */
export interface ManifestMember {
  key: Node;
  value: Node;
}

/** The decoded text of a JSON string node; undefined for other values or a malformed string. */
export function stringValue(node: Node | undefined): string | undefined {
  if (node?.type !== 'string') return undefined;
  try {
    const decoded: unknown = JSON.parse(node.text);
    return typeof decoded === 'string' ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/** The members of a JSON object node by decoded key; a repeated key keeps its last value, as JSON.parse does. */
export function objectMembers(node: Node | undefined): Map<string, ManifestMember> {
  const members = new Map<string, ManifestMember>();
  if (node?.type !== 'object') return members;
  for (const pair of node.namedChildren) {
    if (pair?.type !== 'pair') continue;
    const key = pair.childForFieldName('key');
    const value = pair.childForFieldName('value');
    const name = stringValue(key ?? undefined);
    if (key && value && name !== undefined) members.set(name, { key, value });
  }
  return members;
}

/** The strings of a JSON array node (other elements are skipped). */
export function stringElements(node: Node | undefined): string[] {
  if (node?.type !== 'array') return [];
  return node.namedChildren.map((child) => stringValue(child ?? undefined)).filter((s): s is string => s !== undefined);
}

/** The top-level fields of a package.json, read from its tree (comments and errors tolerated). */
export interface PackageManifest {
  /** The document's top-level object, for reporting when no field fits. */
  root: Node;
  fields: Map<string, ManifestMember>;
  /** `scripts`, by name, decoded. */
  scripts: Map<string, { key: Node; command: string }>;
  /** Names in dependencies, devDependencies, optionalDependencies and peerDependencies. */
  dependencies: Set<string>;
  optionalDependencies: Set<string>;
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/** Reads the manifest, or undefined when the document is not a JSON object. */
export function readPackageManifest(document: Node): PackageManifest | undefined {
  const root = document.namedChildren.find((child) => child?.type === 'object');
  if (!root) return undefined;
  const fields = objectMembers(root);
  const scripts = new Map<string, { key: Node; command: string }>();
  for (const [name, member] of objectMembers(fields.get('scripts')?.value)) {
    const command = stringValue(member.value);
    if (command !== undefined) scripts.set(name, { key: member.key, command });
  }
  const dependencies = new Set<string>();
  for (const field of DEPENDENCY_FIELDS) {
    for (const name of objectMembers(fields.get(field)?.value).keys()) dependencies.add(name);
  }
  const optionalDependencies = new Set(objectMembers(fields.get('optionalDependencies')?.value).keys());
  return { root, fields, scripts, dependencies, optionalDependencies };
}

/** `field` is `true` (or the string "true", which npm's truthiness test accepts too). */
export function isTrue(manifest: PackageManifest, field: string): boolean {
  const value = manifest.fields.get(field)?.value;
  return value?.type === 'true' || stringValue(value) === 'true';
}
