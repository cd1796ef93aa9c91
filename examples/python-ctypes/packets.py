"""Python bindings for libtelemetry, an imaginary sensor-network library. From telemetry.h:

    #pragma pack(push, 1)
    typedef struct {
        uint8_t  version;
        uint8_t  kind;
        uint32_t sequence;
        uint16_t payload_len;
    } tm_frame_header;                  /* on the wire: 8 bytes, no padding */

    typedef struct {
        uint16_t channel;
        uint32_t raw;
    } tm_sample;                        /* 6 bytes */
    #pragma pack(pop)

    typedef struct {
        uint32_t    id;
        int64_t     first_seen_us;      /* microseconds since the epoch */
        long        uptime_s;           /* a C long, whatever its width */
        char        label[24];          /* stored inside the struct */
        const char *vendor;             /* borrowed, owned by the library */
    } tm_sensor_info;

    int  tm_read_frame(void *conn, tm_frame_header *out);
    int  tm_sensor_info_get(void *conn, uint32_t id, tm_sensor_info *out);
"""
import ctypes
import ctypes.util

_tm = ctypes.CDLL(ctypes.util.find_library("telemetry") or "libtelemetry.so.1")


class tm_sample(ctypes.Structure):
    """Correct: packed like the C declaration, fixed-width types throughout."""

    _pack_ = 1
    _layout_ = "ms"
    _fields_ = [("channel", ctypes.c_uint16), ("raw", ctypes.c_uint32)]


# HAZARD: the C struct is packed; without _pack_ ctypes pads `sequence` to offset 4, so every
# field after `kind` is read two bytes late and sizeof is 12 instead of 8.
class tm_frame_header(ctypes.Structure):
    _fields_ = [
        ("version", ctypes.c_uint8),
        ("kind", ctypes.c_uint8),
        ("sequence", ctypes.c_uint32),
        ("payload_len", ctypes.c_uint16),
    ]


class tm_sensor_info(ctypes.Structure):
    _fields_ = [
        ("id", ctypes.c_uint32),
        # HAZARD: int64_t is 8 bytes everywhere, c_long only on Linux and macOS (4 on Windows).
        ("first_seen_us", ctypes.c_long),
        ("uptime_s", ctypes.c_long),           # correct: the C type really is `long`
        # HAZARD: the label is 24 bytes inside the struct, not a pointer to them.
        ("label", ctypes.c_char_p),
        ("vendor", ctypes.c_char_p),           # correct: a real `const char *`
    ]


_tm.tm_read_frame.argtypes = [ctypes.c_void_p, ctypes.POINTER(tm_frame_header)]
_tm.tm_read_frame.restype = ctypes.c_int
_tm.tm_sensor_info_get.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.POINTER(tm_sensor_info)]
_tm.tm_sensor_info_get.restype = ctypes.c_int


def read_frame(conn):
    header = tm_frame_header()
    if _tm.tm_read_frame(conn, ctypes.byref(header)) != 0:
        raise OSError("tm_read_frame failed")
    return header.kind, header.sequence, header.payload_len


def sensor_label(conn, sensor_id):
    info = tm_sensor_info()
    if _tm.tm_sensor_info_get(conn, sensor_id, ctypes.byref(info)) != 0:
        raise KeyError(sensor_id)
    return info.label.decode(), (info.vendor or b"").decode()
