//! libgreeter: a Rust library with a C ABI, built as a cdylib.
//!
//! C callers see:
//!     const char *greeter_greeting_borrowed(const char *name);   /* broken */
//!     char       *greeter_greeting(const char *name);            /* free with greeter_string_free */
//!     void        greeter_string_free(char *s);
//!     void        greeter_log(const char *name);

use std::ffi::{c_char, c_int, CStr, CString};

extern "C" {
    fn puts(s: *const c_char) -> c_int;
}

fn greeting_text(name: *const c_char) -> String {
    let name = if name.is_null() {
        "stranger".into()
    } else {
        // SAFETY: the caller promises a valid NUL-terminated string.
        unsafe { CStr::from_ptr(name) }.to_string_lossy()
    };
    format!("Hello, {name}!")
}

/// HAZARD: the CString is a temporary, freed at the end of the statement;
/// C receives the address of memory that has already been released.
#[no_mangle]
pub extern "C" fn greeter_greeting_borrowed(name: *const c_char) -> *const c_char {
    CString::new(greeting_text(name)).unwrap().as_ptr()
}

/// Correct: ownership moves to C with into_raw, and comes back in greeter_string_free.
#[no_mangle]
pub extern "C" fn greeter_greeting(name: *const c_char) -> *mut c_char {
    // The text came from a C string, so it holds no interior NUL: unwrap cannot panic.
    CString::new(greeting_text(name)).unwrap().into_raw()
}

/// Frees a string returned by greeter_greeting; NULL is ignored.
#[no_mangle]
pub extern "C" fn greeter_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: s came from CString::into_raw in greeter_greeting and is freed once.
        drop(unsafe { CString::from_raw(s) });
    }
}

#[no_mangle]
pub extern "C" fn greeter_log(name: *const c_char) {
    // HAZARD: the temporary CString dies at the end of this `let`; `line` dangles.
    let line = CString::new("greeter: logging").unwrap().as_ptr();
    // SAFETY: none, line is already freed. This is the bug.
    unsafe { puts(line) };

    // Correct: bind the CString first so it outlives every use of its pointer.
    let owned = CString::new(greeting_text(name)).unwrap();
    // SAFETY: owned lives until the end of this function.
    unsafe { puts(owned.as_ptr()) };
}

// Symbols C looks up by name; see exports.rs.
pub mod exports;

// Values and errors crossing the C ABI; see shapes.rs.
pub mod shapes;

// The C API of a byte buffer; see buffer.rs.
pub mod buffer;
