package ticker

/*
#include <stddef.h>
#include <stdint.h>

static uint8_t clamp_level(int v) { return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v; }

static void clamp_levels(const int32_t *in, uint8_t *out, size_t n) {
	for (size_t i = 0; i < n; i++) out[i] = clamp_level(in[i]);
}
*/
import "C"

import "unsafe"

// ClampEach crosses into C once per sample.
func ClampEach(samples []int32, out []byte) {
	for i, s := range samples {
		out[i] = byte(C.clamp_level(C.int(s)))
	}
}

// ClampAll crosses once for the whole buffer; the loop runs in C.
func ClampAll(samples []int32, out []byte) {
	if len(samples) == 0 {
		return
	}
	C.clamp_levels((*C.int32_t)(unsafe.Pointer(&samples[0])), (*C.uint8_t)(unsafe.Pointer(&out[0])), C.size_t(len(samples)))
}
