/* libticker: a tiny C event source that calls listeners back on every tick. */
#ifndef TICKER_H
#define TICKER_H

#include <stddef.h>

typedef void (*ticker_cb)(void *user_data, int tick);

typedef struct ticker_options {
    int period_ms;
    ticker_cb on_tick;
    void *user_data;        /* handed back to on_tick on every tick */
} ticker_options;

typedef struct ticker ticker;

/* Copies *opts, and keeps opts->user_data until ticker_free. */
ticker *ticker_new(const ticker_options *opts);

/* Adds a listener; keeps user_data until ticker_free. Returns -1 when full. */
int ticker_register_listener(ticker *t, ticker_cb cb, void *user_data);

/* Copies the label; the pointer is not kept after the call. */
void ticker_set_label(ticker *t, const char *label, size_t len);

/* Runs n ticks on the calling thread, calling every listener each time. */
void ticker_run(ticker *t, int n);

void ticker_free(ticker *t);

#endif
