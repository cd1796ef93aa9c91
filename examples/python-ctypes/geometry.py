"""Python bindings for libgeo, an imaginary geometry library with its own allocator. From geo.h:

    geo_shape  *geo_parse(const char *wkt);
    char       *geo_to_json(const geo_shape *s);    /* newly allocated: release with geo_free() */
    char       *geo_to_wkt(const geo_shape *s);     /* newly allocated: release with geo_free() */
    const char *geo_version(void);                  /* static string */
    void        geo_free(void *p);
    void        geo_shape_free(geo_shape *s);
"""
import ctypes
import ctypes.util

_libc = ctypes.CDLL(ctypes.util.find_library("c"))
_libc.free.argtypes = [ctypes.c_void_p]
_libc.free.restype = None

_geo = ctypes.CDLL(ctypes.util.find_library("geo") or "libgeo.so.3")
_geo.geo_parse.argtypes = [ctypes.c_char_p]
_geo.geo_parse.restype = ctypes.c_void_p
_geo.geo_to_json.argtypes = [ctypes.c_void_p]
_geo.geo_to_json.restype = ctypes.c_void_p          # owned: keep the address to free it
_geo.geo_version.argtypes = []
_geo.geo_version.restype = ctypes.c_char_p          # borrowed: a bytes copy is what we want
_geo.geo_free.argtypes = [ctypes.c_void_p]
_geo.geo_free.restype = None
_geo.geo_shape_free.argtypes = [ctypes.c_void_p]
_geo.geo_shape_free.restype = None

# HAZARD: geo_to_wkt returns an owned string; c_char_p copies it and loses the address.
_geo.geo_to_wkt.argtypes = [ctypes.c_void_p]
_geo.geo_to_wkt.restype = ctypes.c_char_p


def _take_string(address):
    """Copy an owned C string into Python, then give the memory back to libgeo."""
    if not address:
        raise MemoryError("libgeo returned NULL")
    try:
        return ctypes.string_at(address).decode()
    finally:
        _geo.geo_free(address)


class Shape:
    def __init__(self, wkt):
        self._shape = _geo.geo_parse(wkt.encode())
        if not self._shape:
            raise ValueError(f"not a shape: {wkt!r}")

    def json(self):
        # Correct: libgeo's memory goes back to libgeo.
        return _take_string(_geo.geo_to_json(self._shape))

    def json_with_libc(self):
        raw = _geo.geo_to_json(self._shape)
        try:
            return ctypes.string_at(raw).decode()
        finally:
            # HAZARD: libc's free() on memory from libgeo's allocator.
            _libc.free(raw)

    def wkt(self):
        # The bytes are a copy; the C string behind them is never freed.
        return _geo.geo_to_wkt(self._shape).decode()

    def close(self):
        if self._shape:
            _geo.geo_shape_free(self._shape)
            self._shape = None


def version():
    return _geo.geo_version().decode()
