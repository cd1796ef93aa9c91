"""Python bindings for libmixer, a small C library that mixes audio streams.
Its C API (libmixer.h), which the declarations below must mirror exactly:

    mixer  *mixer_new(int sample_rate);
    void    mixer_free(mixer *m);
    int     mixer_add_stream(mixer *m, const char *path);
    void    mixer_set_gain(mixer *m, int stream, double gain);
    void    mixer_set_pan(mixer *m, int stream, double pan);
    void    mixer_mute(mixer *m, int stream);
    size_t  mixer_render(mixer *m, float *out, size_t frames);
"""
import ctypes
import ctypes.util

_lib = ctypes.CDLL(ctypes.util.find_library("mixer") or "libmixer.so.0")

# Declared correctly: the handle travels as c_void_p, the gain as a double, sizes as size_t.
_lib.mixer_new.argtypes = [ctypes.c_int]
_lib.mixer_new.restype = ctypes.c_void_p
_lib.mixer_free.argtypes = [ctypes.c_void_p]
_lib.mixer_free.restype = None
_lib.mixer_add_stream.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_lib.mixer_add_stream.restype = ctypes.c_int
_lib.mixer_set_gain.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_double]
_lib.mixer_set_gain.restype = None
_lib.mixer_render.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float), ctypes.c_size_t]
_lib.mixer_render.restype = ctypes.c_size_t
# HAZARD: mixer_set_pan and mixer_mute were never declared; see Mixer.pan and render_preview.


class Mixer:
    def __init__(self, sample_rate=48000):
        handle = _lib.mixer_new(sample_rate)
        if not handle:
            raise MemoryError("mixer_new failed")
        self._handle = handle

    def add(self, path):
        stream = _lib.mixer_add_stream(self._handle, path.encode())
        if stream < 0:
            raise OSError(f"cannot open {path}")
        return stream

    def gain(self, stream, decibels):
        # Declared: the float is converted to a C double.
        _lib.mixer_set_gain(self._handle, stream, 10 ** (decibels / 20))

    def pan(self, stream, percent):
        # HAZARD: no argtypes, so ctypes refuses the float with ArgumentError.
        _lib.mixer_set_pan(self._handle, stream, percent / 100)

    def close(self):
        if self._handle:
            _lib.mixer_free(self._handle)
            self._handle = None


def render_preview(paths, frames=4800):
    """Mixes the files with the first one muted, returning the samples."""
    handle = _lib.mixer_new(48000)
    if not handle:
        raise MemoryError("mixer_new failed")
    try:
        for path in paths:
            _lib.mixer_add_stream(handle, path.encode())
        # HAZARD: no argtypes, so the 64-bit handle is passed as a 32-bit int.
        _lib.mixer_mute(handle, 0)
        samples = (ctypes.c_float * frames)()
        rendered = _lib.mixer_render(handle, samples, frames)
        return list(samples[:rendered])
    finally:
        _lib.mixer_free(handle)
