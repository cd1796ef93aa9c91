package ticker

/*
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ticker.h"

extern void goTickHandle(uintptr_t handle, int tick);

static void label_trampoline(void *user_data, int tick) {
	goTickHandle((uintptr_t)user_data, tick);
}

static int register_listener_handle(ticker *t, uintptr_t handle) {
	return ticker_register_listener(t, label_trampoline, (void *)handle);
}
*/
import "C"

import (
	"errors"
	"runtime/cgo"
	"unsafe"
)

// Leaks: the C copy of the label is never freed.
func SetLabelLeaky(t *C.ticker, label string) {
	clabel := C.CString(label)
	C.ticker_set_label(t, clabel, C.size_t(len(label)))
}

// Leaks on the error path: the free comes after an early return.
func SetLabelChecked(t *C.ticker, label string) error {
	clabel := C.CString(label)
	if len(label) > 64 {
		return errors.New("label too long")
	}
	C.ticker_set_label(t, clabel, C.size_t(len(label)))
	C.free(unsafe.Pointer(clabel))
	return nil
}

// Leaks: nothing can free a C string passed inline.
func Announce(label string) {
	C.puts(C.CString(label))
}

// Correct: the deferred free runs on every return.
func SetLabel(t *C.ticker, label string) error {
	if len(label) > 64 {
		return errors.New("label too long")
	}
	clabel := C.CString(label)
	defer C.free(unsafe.Pointer(clabel))
	C.ticker_set_label(t, clabel, C.size_t(len(label)))
	return nil
}

// Leaks the counter: nothing ever deletes the handle, so it is never collected.
func WatchForever(t *C.ticker, c *Counter) {
	h := cgo.NewHandle(c)
	C.register_listener_handle(t, C.uintptr_t(h))
}

// Correct: the handle leaves with the Watch value, whose Close deletes it.
type Watch struct {
	handle cgo.Handle
}

func WatchUntilClosed(t *C.ticker, c *Counter) *Watch {
	w := &Watch{handle: cgo.NewHandle(c)}
	C.register_listener_handle(t, C.uintptr_t(w.handle))
	return w
}

// Close must run only after ticker_free, when no callback can fire any more.
func (w *Watch) Close() {
	w.handle.Delete()
}
