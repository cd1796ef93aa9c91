package ticker

/*
#include <stdlib.h>
#include "ticker.h"
extern void goTickRaw(void *user_data, int tick);
*/
import "C"

import "unsafe"

// RawTicker shows the tempting version: libticker is given the address of Go
// memory and keeps it between calls. The garbage collector cannot see that copy.
type RawTicker struct {
	t     *C.ticker
	count Counter
}

func NewRawTicker(name string, periodMs int) *RawTicker {
	r := &RawTicker{count: Counter{Name: name}}

	// HAZARD: a Go pointer written into C-allocated memory, kept by ticker_new.
	opts := (*C.ticker_options)(C.calloc(1, C.sizeof_ticker_options))
	defer C.free(unsafe.Pointer(opts))
	opts.period_ms = C.int(periodMs)
	opts.on_tick = C.ticker_cb(C.goTickRaw)
	opts.user_data = unsafe.Pointer(&r.count)
	r.t = C.ticker_new(opts)
	return r
}

// AddLogger registers a second listener on the same Go value.
func (r *RawTicker) AddLogger() {
	// HAZARD: registration keeps user_data after this call returns.
	C.ticker_register_listener(r.t, C.ticker_cb(C.goTickRaw), unsafe.Pointer(&r.count))
}

// Restart replaces the C ticker, building its options as a C-typed Go value.
func (r *RawTicker) Restart(periodMs int) {
	C.ticker_free(r.t)
	// HAZARD: a Go pointer inside a C struct literal; &opts is Go memory holding it,
	// and ticker_new keeps the copy of user_data.
	opts := C.ticker_options{
		period_ms: C.int(periodMs),
		on_tick:   C.ticker_cb(C.goTickRaw),
		user_data: unsafe.Pointer(&r.count),
	}
	r.t = C.ticker_new(&opts)
}

func (r *RawTicker) Run(n int) int {
	C.ticker_run(r.t, C.int(n))
	return r.count.Ticks
}

func (r *RawTicker) Close() { C.ticker_free(r.t) }
