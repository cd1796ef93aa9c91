//! A byte buffer exported to C.
//!
//! C callers see:
//!     struct buffer *buffer_new(void);                                  /* leaks: no way to free */
//!     size_t         buffer_len(const struct buffer *b);                /* trusts b */
//!     int            buffer_append(struct buffer *b, const uint8_t *bytes, size_t len);
//!     char          *buffer_hex(const struct buffer *b);                /* free with buffer_hex_free */
//!     void           buffer_hex_free(char *hex);

use std::ffi::{c_char, c_int, CString};

pub struct Buffer {
    bytes: Vec<u8>,
}

/// HAZARD: ownership goes to C, but no function in this file calls Box::from_raw,
/// so C can only leak the buffer or free() it with the wrong allocator.
#[no_mangle]
pub extern "C" fn buffer_new() -> *mut Buffer {
    Box::into_raw(Box::new(Buffer { bytes: Vec::new() }))
}

/// HAZARD: C may pass NULL; dereferencing it is undefined behaviour.
#[no_mangle]
pub unsafe extern "C" fn buffer_len(buffer: *const Buffer) -> usize {
    (*buffer).bytes.len()
}

/// Correct: every pointer from C is tested before it is used.
#[no_mangle]
pub unsafe extern "C" fn buffer_append(buffer: *mut Buffer, bytes: *const u8, len: usize) -> c_int {
    let Some(buffer) = buffer.as_mut() else { return -1 };
    if len == 0 {
        return 0;
    }
    if bytes.is_null() {
        return -1;
    }
    buffer.bytes.extend_from_slice(std::slice::from_raw_parts(bytes, len));
    0
}

/// Correct: the string goes to C with into_raw and comes back in buffer_hex_free.
#[no_mangle]
pub extern "C" fn buffer_hex(buffer: Option<&Buffer>) -> *mut c_char {
    let hex: String = buffer.map_or(&[][..], |b| &b.bytes[..]).iter().map(|b| format!("{b:02x}")).collect();
    CString::new(hex).unwrap_or_default().into_raw()
}

#[no_mangle]
pub unsafe extern "C" fn buffer_hex_free(hex: *mut c_char) {
    if !hex.is_null() {
        drop(CString::from_raw(hex));
    }
}

/// HAZARD: a safe Rust API that reads through a caller's raw pointer; safe code can
/// pass a dangling pointer and cause undefined behaviour.
pub fn checksum(bytes: *const u8, len: usize) -> u32 {
    let bytes = unsafe { std::slice::from_raw_parts(bytes, len) };
    bytes.iter().map(|&b| u32::from(b)).sum()
}

/// Correct: the same function taking a slice.
pub fn checksum_of(bytes: &[u8]) -> u32 {
    bytes.iter().map(|&b| u32::from(b)).sum()
}
