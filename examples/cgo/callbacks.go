package ticker

// Go functions that libticker calls back. A file with //export may only
// declare things in its preamble, so the C helpers live in the other files.

/*
#include <stdint.h>
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// Counter is the Go state a listener updates on every tick.
type Counter struct {
	Name  string
	Ticks int
}

//export goTickRaw
func goTickRaw(userData unsafe.Pointer, tick C.int) {
	// Trusts that userData is still the *Counter it was an unknown time ago.
	(*Counter)(userData).Ticks++
}

//export goTickHandle
func goTickHandle(handle C.uintptr_t, tick C.int) {
	counter := cgo.Handle(handle).Value().(*Counter)
	counter.Ticks++
}
