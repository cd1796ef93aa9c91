"""Python side of libwordfreq (linkage.cpp): every function is found in the library by name."""
import ctypes
from ctypes import c_char_p, c_int, c_size_t, c_void_p

_lib = ctypes.CDLL("./libwordfreq.so")

_lib.wf_new.argtypes = []
_lib.wf_new.restype = c_void_p
_lib.wf_add_text.argtypes = [c_void_p, c_char_p]
_lib.wf_add_text.restype = c_int
_lib.wf_count.argtypes = [c_void_p, c_char_p]
_lib.wf_count.restype = c_size_t
_lib.wf_distinct.argtypes = [c_void_p]
_lib.wf_distinct.restype = c_size_t
_lib.wf_free.argtypes = [c_void_p]
_lib.wf_free.restype = None


class WordFreq:
    def __init__(self):
        self._handle = _lib.wf_new()
        if not self._handle:
            raise MemoryError("wf_new failed")

    def add(self, text):
        if _lib.wf_add_text(self._handle, text.encode()) != 0:
            raise RuntimeError("wf_add_text failed")

    def count(self, word):
        return _lib.wf_count(self._handle, word.encode())

    def distinct(self):
        return _lib.wf_distinct(self._handle)

    def close(self):
        if self._handle:
            _lib.wf_free(self._handle)
            self._handle = None
