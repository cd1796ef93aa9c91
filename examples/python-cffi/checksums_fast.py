"""The same checksums through the API-mode module that build_crc.py compiles: direct C calls,
with the declarations checked against crc.h when the package is built."""
from _crc_cffi import ffi, lib

CRC_VERSION = ffi.string(lib.crc_version()).decode()


def checksum_files(paths):
    sums = {}
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        sums[path] = lib.crc32c(0, data, len(data))
    return sums
