import type { Node } from 'web-tree-sitter';
import { jniShortSymbol } from '../../collectors/jni-natives';

/** A `native` method of a Java file and the JNI symbol the JVM looks up for it. */
export interface NativeMethod {
  name: Node;
  /** Binary name of the declaring class: `com.example.Outer$Inner`. */
  className: string;
  symbol: string;
}

const TYPE_DECLARATIONS = ['class_declaration', 'enum_declaration', 'record_declaration', 'interface_declaration'];

function binaryName(declaration: Node, packageName: string): string {
  const names: string[] = [];
  for (let node: Node | null = declaration; node; node = node.parent) {
    if (TYPE_DECLARATIONS.includes(node.type)) names.unshift(node.childForFieldName('name')?.text ?? '?');
  }
  return (packageName ? `${packageName}.` : '') + names.join('$');
}

function isNative(method: Node): boolean {
  const modifiers = method.namedChildren.find((child) => child.type === 'modifiers');
  return modifiers?.children.some((modifier) => modifier.type === 'native') ?? false;
}

export function readNativeMethods(root: Node): NativeMethod[] {
  const packageName = root.namedChildren.find((child) => child.type === 'package_declaration')?.namedChildren[0]?.text ?? '';
  const methods: NativeMethod[] = [];
  for (const method of root.descendantsOfType('method_declaration')) {
    if (!isNative(method)) continue;
    const name = method.childForFieldName('name');
    const declaration = method.parent?.parent;
    if (!name || !declaration || !TYPE_DECLARATIONS.includes(declaration.type)) continue;
    const className = binaryName(declaration, packageName);
    methods.push({ name, className, symbol: jniShortSymbol(className, name.text) });
  }
  return methods;
}

/** `Outer$Inner` from `com.example.Outer$Inner`. */
export function simpleClassName(binary: string): string {
  return binary.slice(binary.lastIndexOf('.') + 1);
}
