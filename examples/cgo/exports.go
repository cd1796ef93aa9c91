package ticker

// Go functions a C program can call. A file with //export may only declare in its preamble.

/*
#include <stdint.h>
#include <stdlib.h>
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// Wrong: C receives a Go pointer (and the runtime panics when it is not nil).
//
//export ticker_counter_new
func ticker_counter_new(name *C.char) *Counter {
	return &Counter{Name: C.GoString(name)}
}

// Wrong: a Go string holds a pointer to Go memory.
//
//export ticker_counter_label
func ticker_counter_label(h C.uintptr_t) string {
	return cgo.Handle(h).Value().(*Counter).Name
}

// Right: C gets an integer handle and releases it with ticker_counter_release.
//
//export ticker_counter_open
func ticker_counter_open(name *C.char) C.uintptr_t {
	return C.uintptr_t(cgo.NewHandle(&Counter{Name: C.GoString(name)}))
}

// Right: a C copy of the name, freed by the caller with ticker_string_free.
//
//export ticker_counter_name
func ticker_counter_name(h C.uintptr_t) *C.char {
	return C.CString(cgo.Handle(h).Value().(*Counter).Name)
}

//export ticker_string_free
func ticker_string_free(s *C.char) {
	C.free(unsafe.Pointer(s))
}

//export ticker_counter_release
func ticker_counter_release(h C.uintptr_t) {
	cgo.Handle(h).Delete()
}
