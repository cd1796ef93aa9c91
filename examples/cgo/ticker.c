#include <stdlib.h>
#include <string.h>
#include "ticker.h"

#define MAX_LISTENERS 8

struct ticker {
    int period_ms;
    char label[32];
    int count;
    ticker_cb cbs[MAX_LISTENERS];
    void *data[MAX_LISTENERS];   /* user data kept between calls: must never be a Go pointer */
};

ticker *ticker_new(const ticker_options *opts) {
    ticker *t = calloc(1, sizeof *t);
    if (t == NULL) return NULL;
    t->period_ms = opts->period_ms;
    if (opts->on_tick != NULL) ticker_register_listener(t, opts->on_tick, opts->user_data);
    return t;
}

int ticker_register_listener(ticker *t, ticker_cb cb, void *user_data) {
    if (t->count == MAX_LISTENERS) return -1;
    t->cbs[t->count] = cb;
    t->data[t->count] = user_data;
    return t->count++;
}

void ticker_set_label(ticker *t, const char *label, size_t len) {
    if (len >= sizeof t->label) len = sizeof t->label - 1;
    memcpy(t->label, label, len);
    t->label[len] = '\0';
}

void ticker_run(ticker *t, int n) {
    for (int tick = 1; tick <= n; tick++) {
        for (int i = 0; i < t->count; i++) t->cbs[i](t->data[i], tick);
    }
}

void ticker_free(ticker *t) {
    free(t);
}
