import ctypes

libc = ctypes.CDLL("libc.so.6")
# strdup returns a char*: without restype ctypes reads it as a C int
copy = ctypes.string_at(libc.strdup(b"hello"))
