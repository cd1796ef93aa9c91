//! Version queries C links to by name. Declared in greeter.h:
//!     int      greeter_abi_version(void);
//!     uint32_t greeter_max_name_len(void);
//!     double   greeter_scale(double value, double factor);

use std::ffi::{c_int, c_void};

/// Correct: C calling convention and an unmangled symbol.
#[no_mangle]
pub extern "C" fn greeter_abi_version() -> c_int {
    2
}

/// HAZARD: no #[no_mangle], so the symbol in libgreeter.so is a mangled Rust name and
/// `greeter_max_name_len` is missing when C links against the library.
pub extern "C" fn greeter_max_name_len() -> u32 {
    256
}

/// HAZARD: the linker finds `greeter_scale`, but the function uses the Rust ABI;
/// C passes the two doubles the C way.
#[no_mangle]
pub fn greeter_scale(value: f64, factor: f64) -> f64 {
    value * factor
}

/// Correct without #[no_mangle]: C never looks this up by name, it receives its address.
pub extern "C" fn greeter_count_visit(user_data: *mut c_void) {
    let _ = user_data;
}

/// The table handed to the host application, which calls `visit` later.
#[repr(C)]
pub struct GreeterHooks {
    pub visit: extern "C" fn(*mut c_void),
}

#[no_mangle]
pub extern "C" fn greeter_hooks() -> GreeterHooks {
    GreeterHooks { visit: greeter_count_visit }
}
