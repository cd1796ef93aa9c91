//! Shapes for C callers: values passed by copy, and parsing that can fail.
//!
//! C callers see:
//!     typedef struct { double x, y; } greeter_point;
//!     double greeter_distance(greeter_point a, greeter_point b);
//!     greeter_size greeter_size_of(unsigned w, unsigned h);    /* broken: no repr(C) */
//!     int    greeter_parse_sides(const char *text);            /* broken: can panic */
//!     int    greeter_parse_sides_checked(const char *text);

use std::ffi::{c_char, c_int, c_uint, CStr};
use std::panic;

/// Declared like the C struct, so both sides agree on field order and padding.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// HAZARD: Rust layout; C reads a `greeter_size` by value and may find the fields elsewhere.
#[derive(Clone, Copy)]
pub struct Size {
    pub width: c_uint,
    pub height: c_uint,
}

#[no_mangle]
pub extern "C" fn greeter_distance(a: Point, b: Point) -> f64 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

#[no_mangle]
pub extern "C" fn greeter_size_of(width: c_uint, height: c_uint) -> Size {
    Size { width, height }
}

fn sides(text: &str) -> c_int {
    let sides: c_int = text.trim().parse().expect("a number of sides");
    360 / sides
}

/// HAZARD: invalid UTF-8 or a non-number panics, and the panic cannot unwind into C: the host aborts.
#[no_mangle]
pub unsafe extern "C" fn greeter_parse_sides(text: *const c_char) -> c_int {
    if text.is_null() {
        return -1;
    }
    sides(CStr::from_ptr(text).to_str().unwrap())
}

/// Every failure, panics included, becomes -1 before control returns to C.
#[no_mangle]
pub unsafe extern "C" fn greeter_parse_sides_checked(text: *const c_char) -> c_int {
    if text.is_null() {
        return -1;
    }
    let text = match CStr::from_ptr(text).to_str() {
        Ok(text) => text,
        Err(_) => return -1,
    };
    panic::catch_unwind(|| sides(text)).unwrap_or(-1)
}
