package ticker

/*
#include <stdlib.h>

struct label { int size; const char *text; };

static int label_width(const struct label *l) {
	int n = 0;
	while (l->text && l->text[n]) n++;
	return n * l->size;
}
*/
import "C"

import "unsafe"

type Label struct {
	Size int32
	Text string
}

// LabelWidthUnsafe reinterprets a Go struct holding a Go string as the C struct.
func LabelWidthUnsafe(l Label) int {
	return int(C.label_width((*C.struct_label)(unsafe.Pointer(&l))))
}

// LabelWidth copies the text into C memory and builds the C struct field by field.
func LabelWidth(l Label) int {
	text := C.CString(l.Text)
	defer C.free(unsafe.Pointer(text))
	cl := C.struct_label{size: C.int(l.Size), text: text}
	return int(C.label_width(&cl))
}
