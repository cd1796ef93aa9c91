"""Checksums for a log archive through libcrc (imaginary), bound in cffi ABI mode: no build step."""
import cffi

_ffi = cffi.FFI()
_ffi.cdef(
    """
    uint32_t crc32c(uint32_t seed, const void *data, size_t len);
    const char *crc_version(void);
    """
)
_crc = _ffi.dlopen("libcrc.so.2")

# Correct: a one-off call at import time costs nothing worth compiling for.
CRC_VERSION = _ffi.string(_crc.crc_version()).decode()


def checksum_files(paths):
    """HAZARD: one ABI-mode call per file, each dispatched through libffi with an unchecked cdef."""
    sums = {}
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        sums[path] = _crc.crc32c(0, data, len(data))
    return sums
