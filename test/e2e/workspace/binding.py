import ctypes

lib = ctypes.CDLL("libfoo.so")
print(ctypes.string_at(lib.foo_name()))
