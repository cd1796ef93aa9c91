package ticker

/*
#include <unistd.h>

// Stand-in for a device driver call that waits for the hardware.
static int device_read(int id) { usleep(1000); return id * 2; } // blocking
*/
import "C"

import (
	"fmt"
	"net/http"
)

// readingUnbounded waits in C on every request: one OS thread per waiting request.
func readingUnbounded(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, int(C.device_read(1)))
}

var deviceSlots = make(chan struct{}, 8)

// readingBounded lets at most eight requests wait in C at a time.
func readingBounded(w http.ResponseWriter, r *http.Request) {
	deviceSlots <- struct{}{}
	defer func() { <-deviceSlots }()
	fmt.Fprintln(w, int(C.device_read(2)))
}
