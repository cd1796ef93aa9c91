"""Python bindings for libfswatch, a small C library that reports file-system changes.
Its C API (fswatch.h); every callback runs on the library's own notifier thread:

    typedef int  (*fsw_event_fn)(void *user_data, const char *path, int flags);  /* 0 = keep going, -1 = stop */
    typedef void (*fsw_log_fn)(int level, const char *message);

    fsw_session *fsw_open(void);
    int          fsw_add_watch(fsw_session *s, const char *path, fsw_event_fn fn, void *user_data);  /* kept until fsw_close */
    void         fsw_set_log_handler(fsw_log_fn fn);                                                 /* kept for the process */
    int          fsw_foreach_watch(fsw_session *s, fsw_event_fn fn, void *user_data);                /* calls fn before returning */
    void         fsw_close(fsw_session *s);
"""
import ctypes
import ctypes.util
import logging
import queue
from ctypes import CFUNCTYPE, c_char_p, c_int, c_void_p

log = logging.getLogger("fswatch")

_lib = ctypes.CDLL(ctypes.util.find_library("fswatch") or "libfswatch.so.1")

EVENT_FN = CFUNCTYPE(c_int, c_void_p, c_char_p, c_int)
LOG_FN = CFUNCTYPE(None, c_int, c_char_p)

_lib.fsw_open.argtypes = []
_lib.fsw_open.restype = c_void_p
_lib.fsw_add_watch.argtypes = [c_void_p, c_char_p, EVENT_FN, c_void_p]
_lib.fsw_add_watch.restype = c_int
_lib.fsw_set_log_handler.argtypes = [LOG_FN]
_lib.fsw_set_log_handler.restype = None
_lib.fsw_foreach_watch.argtypes = [c_void_p, EVENT_FN, c_void_p]
_lib.fsw_foreach_watch.restype = c_int
_lib.fsw_close.argtypes = [c_void_p]
_lib.fsw_close.restype = None


# Correct: a module-level callback object lives as long as the module, and nothing escapes it.
@LOG_FN
def _forward_log(level, message):
    try:
        log.log(level, message.decode(errors="replace"))
    except Exception:
        pass


_lib.fsw_set_log_handler(_forward_log)


class Watcher:
    """Correct: the callback object belongs to the Watcher, and the callback catches everything."""

    def __init__(self):
        self._session = _lib.fsw_open()
        if not self._session:
            raise OSError("fsw_open failed")
        self.events = queue.Queue()
        self.errors = []
        self._on_event = EVENT_FN(self._event)

    def _event(self, user_data, path, flags):
        try:
            self.events.put_nowait((path.decode(), flags))
            return 0
        except Exception as error:
            self.errors.append(error)
            return -1

    def add(self, path):
        if _lib.fsw_add_watch(self._session, path.encode(), self._on_event, None) != 0:
            raise OSError(f"cannot watch {path}")

    def count_watches(self):
        # A temporary is fine here: fsw_foreach_watch only calls it before returning.
        seen = []

        def count(user_data, path, flags):
            try:
                seen.append(path)
            except Exception:
                return -1
            return 0

        _lib.fsw_foreach_watch(self._session, EVENT_FN(count), None)
        return len(seen)

    def close(self):
        _lib.fsw_close(self._session)   # C forgets _on_event here; only then may it be freed
        self._session = None


changed = []


# Hazard: a decoding error escapes into C, which then reads an undefined result.
@EVENT_FN
def _record_change(user_data, path, flags):
    changed.append(path.decode())
    return 0


def watch_quickly(session, path):
    # Hazard: the callback object is a temporary; fsw_add_watch keeps its address after it is freed.
    return _lib.fsw_add_watch(session, path.encode(), EVENT_FN(_print_change), None)


def _print_change(user_data, path, flags):
    try:
        print("changed:", path.decode(errors="replace"))
    except Exception:
        return -1
    return 0
