import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readCStructs } from '../../server/analysis/c/struct-text';

/** The C-text reader behind ctypes/struct-layout-mismatch, on the shapes headers actually use. */
describe('readCStructs', () => {
  test('typedef names, tags, pointer typedefs and typedef aliases', () => {
    const [point] = readCStructs('typedef struct _point { int x, *y; } Point, *PPoint;\ntypedef struct _point point_t;');
    assert.deepEqual(point.names, ['_point', 'Point', 'point_t']);
    assert.deepEqual(
      point.fields.map((f) => [f.name, f.type, f.pointerDepth]),
      [['x', 'int', 0], ['y', 'int', 1]],
    );
  });

  test('canonical integer spellings, qualifiers, arrays, bit-fields and function pointers', () => {
    const [s] = readCStructs(`struct s {
      const unsigned long int a;   /* comment */
      long unsigned b[4][2];
      signed c : 3;
      void (*on_event)(int, void *);
      char name[NAME_MAX + 1];
    };`);
    assert.deepEqual(
      s.fields.map((f) => [f.name, f.type, f.dimensions.join('|'), f.bits ?? '']),
      [
        ['a', 'unsigned long', '', ''],
        ['b', 'unsigned long', '4|2', ''],
        ['c', 'int', '', '3'],
        ['on_event', 'function pointer', '', ''],
        ['name', 'char', 'NAME_MAX + 1', ''],
      ],
    );
  });

  test('packing: pragma stack, attributes before and after the body, __packed', () => {
    const structs = readCStructs(`
      #pragma pack(push, 2)
      struct a { char c; int i; };
      #pragma pack(pop)
      struct b { char c; int i; };
      struct __attribute__((__packed__)) c { char x; };
      typedef struct { char x; } __attribute__((packed)) d;
      struct __packed e { char x; };
      #pragma pack(4)
      struct f { char x; };
      #pragma pack()
      struct g { char x; };
    `);
    assert.deepEqual(
      structs.map((s) => [s.names[0], s.packing ?? 0]),
      [['a', 2], ['b', 0], ['c', 1], ['d', 1], ['e', 1], ['f', 4], ['g', 0]],
    );
  });

  test('nested definitions become members and structs of their own; unions keep their kind', () => {
    const structs = readCStructs('union v { struct inner { int a; } in; struct { int b; } anon; float f; };');
    const v = structs.find((s) => s.names.includes('v'));
    assert.equal(v?.kind, 'union');
    assert.deepEqual(v?.fields.map((f) => [f.name, f.type]), [['in', 'struct inner'], ['anon', 'struct {…}'], ['f', 'float']]);
    assert.ok(structs.some((s) => s.names.includes('inner')));
  });

  test('prototypes and casts that mention struct are not declarations', () => {
    assert.deepEqual(readCStructs('int f(struct a *p); x = (struct b *)0; static const struct c table[] = { {1}, {2} };'), []);
  });
});
