"""API-mode build script for libcrc (imaginary): compiled against crc.h, so a wrong cdef fails here.

Run by setup.py through `cffi_modules=["build_crc.py:ffibuilder"]`, or by hand.
"""
from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef(
    """
    uint32_t crc32c(uint32_t seed, const void *data, size_t len);
    const char *crc_version(void);
    """
)
ffibuilder.set_source("_crc_cffi", "#include <crc.h>", libraries=["crc"])

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
