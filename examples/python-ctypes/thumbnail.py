"""Python bindings for libthumb, a small C library that decodes and scales images.
Its C API (libthumb.h), which the declarations below must mirror exactly:

    thumb_image   *thumb_open(const char *path);
    int            thumb_width(const thumb_image *img);
    int            thumb_height(const thumb_image *img);
    thumb_image   *thumb_scale(const thumb_image *img, int width, int height);
    unsigned char *thumb_encode_png(const thumb_image *img, size_t *size);
    void           thumb_buffer_free(unsigned char *buf);
    void           thumb_free(thumb_image *img);
    const char    *thumb_last_error(void);
"""
import ctypes
import ctypes.util

_lib = ctypes.CDLL(ctypes.util.find_library("thumb") or "libthumb.so.1")

# Declared correctly: opaque handles travel as c_void_p in both directions.
_lib.thumb_open.argtypes = [ctypes.c_char_p]
_lib.thumb_open.restype = ctypes.c_void_p
_lib.thumb_width.argtypes = [ctypes.c_void_p]
_lib.thumb_width.restype = ctypes.c_int
_lib.thumb_height.argtypes = [ctypes.c_void_p]
_lib.thumb_height.restype = ctypes.c_int
_lib.thumb_encode_png.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t)]
_lib.thumb_encode_png.restype = ctypes.POINTER(ctypes.c_ubyte)
_lib.thumb_buffer_free.argtypes = [ctypes.POINTER(ctypes.c_ubyte)]
_lib.thumb_buffer_free.restype = None
_lib.thumb_free.argtypes = [ctypes.c_void_p]
_lib.thumb_free.restype = None

# HAZARD: thumb_scale returns a thumb_image *, not a status: on 64-bit the address is cut.
_lib.thumb_scale.restype = ctypes.c_int


class ThumbError(Exception):
    """libthumb reported a failure; the message comes from thumb_last_error()."""


def _fail(what):
    # HAZARD: thumb_last_error has no restype, so its const char * comes back as a c_int.
    message = ctypes.string_at(_lib.thumb_last_error())
    raise ThumbError(f"{what}: {message.decode(errors='replace')}")


class Image:
    def __init__(self, handle):
        self._handle = handle

    @classmethod
    def open(cls, path):
        handle = _lib.thumb_open(path.encode())
        if not handle:
            _fail(f"cannot open {path}")
        return cls(handle)

    @property
    def size(self):
        return _lib.thumb_width(self._handle), _lib.thumb_height(self._handle)

    def scaled(self, width, height):
        handle = _lib.thumb_scale(self._handle, width, height)
        if not handle:
            _fail("scale failed")
        return Image(handle)

    def png_bytes(self):
        size = ctypes.c_size_t()
        buf = _lib.thumb_encode_png(self._handle, ctypes.byref(size))
        if not buf:
            _fail("encode failed")
        try:
            return ctypes.string_at(buf, size.value)
        finally:
            _lib.thumb_buffer_free(buf)

    def close(self):
        if self._handle:
            _lib.thumb_free(self._handle)
            self._handle = None
