package ticker

/*
#include <stdint.h>
#include "ticker.h"
extern void goTickHandle(uintptr_t handle, int tick);

// C keeps an integer, never a Go address; this trampoline turns it back.
static void tick_trampoline(void *user_data, int tick) {
	goTickHandle((uintptr_t)user_data, tick);
}

static ticker *ticker_new_with_handle(int period_ms, uintptr_t handle) {
	ticker_options opts = { period_ms, tick_trampoline, (void *)handle };
	return ticker_new(&opts);
}

static int register_handle_listener(ticker *t, uintptr_t handle) {
	return ticker_register_listener(t, tick_trampoline, (void *)handle);
}
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// SafeTicker gives libticker a cgo.Handle: an integer key to a Go value.
type SafeTicker struct {
	t       *C.ticker
	counter *Counter
	handle  cgo.Handle
}

func NewSafeTicker(name string, periodMs int) *SafeTicker {
	s := &SafeTicker{counter: &Counter{Name: name}}
	s.handle = cgo.NewHandle(s.counter)
	s.t = C.ticker_new_with_handle(C.int(periodMs), C.uintptr_t(s.handle))
	// Fine: the label is only read during this call, and the bytes hold no Go pointers.
	if label := []byte(name); len(label) > 0 {
		C.ticker_set_label(s.t, (*C.char)(unsafe.Pointer(&label[0])), C.size_t(len(label)))
	}
	return s
}

// AddLogger registers the same handle again; the integer is safe to keep.
func (s *SafeTicker) AddLogger() {
	C.register_handle_listener(s.t, C.uintptr_t(s.handle))
}

func (s *SafeTicker) Run(n int) int {
	C.ticker_run(s.t, C.int(n))
	return s.counter.Ticks
}

// Close frees the C side first, so no callback can fire after Delete.
func (s *SafeTicker) Close() {
	C.ticker_free(s.t)
	s.handle.Delete()
}
