"""Python bindings for libspool, an imaginary print-spooler client library. Its C API:

    spool_conn *spool_connect(const char *socket_path);
    int         spool_submit(spool_conn *c, const char *path);
    int         spool_wait_job(spool_conn *c, int job, int timeout_ms);   /* blocks */
    int         spool_queue_length(spool_conn *c);
    void        spool_disconnect(spool_conn *c);
    PyObject   *spool_job_info(spool_conn *c, int job);    /* builds a dict: needs the GIL */
"""
import ctypes
import ctypes.util

_LIBRARY = ctypes.util.find_library("spool") or "libspool.so.1"

# Functions that build Python objects need the GIL held: PyDLL is right for them.
_py_api = ctypes.PyDLL(_LIBRARY)
_py_api.spool_job_info.argtypes = [ctypes.c_void_p, ctypes.c_int]
_py_api.spool_job_info.restype = ctypes.py_object

# Plain C functions: CDLL releases the GIL while they run, so other threads keep going.
_lib = ctypes.CDLL(_LIBRARY)
_lib.spool_connect.argtypes = [ctypes.c_char_p]
_lib.spool_connect.restype = ctypes.c_void_p
_lib.spool_submit.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_lib.spool_submit.restype = ctypes.c_int
_lib.spool_wait_job.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
_lib.spool_wait_job.restype = ctypes.c_int
_lib.spool_queue_length.argtypes = [ctypes.c_void_p]
_lib.spool_queue_length.restype = ctypes.c_int
_lib.spool_disconnect.argtypes = [ctypes.c_void_p]
_lib.spool_disconnect.restype = None

# HAZARD: a second handle loaded "to be safe" with PyDLL, used for a call that blocks.
_legacy = ctypes.PyDLL(_LIBRARY)
_legacy.spool_wait_job.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
_legacy.spool_wait_job.restype = ctypes.c_int


class Spooler:
    def __init__(self, socket_path="/run/spool.sock"):
        self._conn = _lib.spool_connect(socket_path.encode())
        if not self._conn:
            raise ConnectionError(f"cannot reach the spooler at {socket_path}")

    def submit(self, path):
        return _lib.spool_submit(self._conn, path.encode())

    def wait(self, job, timeout_ms=-1):
        # Correct: the GIL is released while the spooler works.
        return _lib.spool_wait_job(self._conn, job, timeout_ms)

    def wait_legacy(self, job, timeout_ms=-1):
        # HAZARD: the GIL stays held until the job finishes; every other thread stops.
        return _legacy.spool_wait_job(self._conn, job, timeout_ms)

    def info(self, job):
        return _py_api.spool_job_info(self._conn, job)

    def close(self):
        if self._conn:
            _lib.spool_disconnect(self._conn)
            self._conn = None
