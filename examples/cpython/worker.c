/*
 * worker: a C extension that runs jobs on its own threads and reports back to Python.
 *
 * Build it with a setup.py `Extension("worker", ["worker.c"])` against an imaginary `libpulse`
 * (pulse.h) that calls a registered function from its timer thread. Each piece comes twice: the
 * version that survives many threads, and the one that only works while the GIL happens to cover it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include "pulse.h"

typedef struct {
    PyObject *on_done; /* strong reference, released by the thread */
    long rounds;
    double result;
} job_t;

typedef struct {
    PyMutex lock;      /* guards started */
    long started;
    pulse_t *pulse;
} worker_state;

static double crunch(long rounds)
{
    double total = 0;
    for (long i = 1; i <= rounds; i++)
        total += 1.0 / (double)i;
    return total;
}

/* Correct: C work first, then the GIL and a thread state, given back on every path. */
static void *run_job(void *arg)
{
    job_t *job = arg;
    job->result = crunch(job->rounds);

    PyGILState_STATE gstate = PyGILState_Ensure();
    PyObject *value = PyFloat_FromDouble(job->result);
    if (value == NULL)
        goto done;
    PyObject *outcome = PyObject_CallOneArg(job->on_done, value);
    Py_DECREF(value);
    if (outcome == NULL)
        PyErr_WriteUnraisable(job->on_done);
    else
        Py_DECREF(outcome);
done:
    Py_DECREF(job->on_done);
    PyGILState_Release(gstate);
    PyMem_RawFree(job);
    return NULL;
}

/* Hazard: this thread was started by pthread_create and never takes the GIL. */
static void *run_job_unsafe(void *arg)
{
    job_t *job = arg;
    job->result = crunch(job->rounds);
    PyObject *value = PyFloat_FromDouble(job->result);
    PyObject *outcome = PyObject_CallOneArg(job->on_done, value);
    Py_XDECREF(outcome);
    Py_XDECREF(value);
    Py_DECREF(job->on_done);
    PyMem_RawFree(job);
    return NULL;
}

/* The pulse library calls this from its timer thread. Hazard: the error path keeps the GIL. */
static void on_tick(long tick, void *user_data)
{
    PyObject *callback = user_data;
    PyGILState_STATE gstate = PyGILState_Ensure();
    PyObject *outcome = PyObject_CallFunction(callback, "l", tick);
    if (outcome == NULL) {
        PyErr_WriteUnraisable(callback);
        return;
    }
    Py_DECREF(outcome);
    PyGILState_Release(gstate);
}

static job_t *new_job(PyObject *args)
{
    PyObject *on_done;
    long rounds;
    if (!PyArg_ParseTuple(args, "Ol", &on_done, &rounds))
        return NULL;
    job_t *job = PyMem_RawCalloc(1, sizeof *job);
    if (job == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    job->on_done = Py_NewRef(on_done);
    job->rounds = rounds;
    return job;
}

static PyObject *start_thread(void *(*routine)(void *), job_t *job)
{
    pthread_t thread;
    if (pthread_create(&thread, NULL, routine, job) != 0) {
        Py_DECREF(job->on_done);
        PyMem_RawFree(job);
        return PyErr_Format(PyExc_RuntimeError, "cannot start a thread");
    }
    pthread_detach(thread);
    Py_RETURN_NONE;
}

/* Correct: the counter lives in module state, behind a PyMutex. */
static PyObject *worker_submit(PyObject *module, PyObject *args)
{
    worker_state *state = PyModule_GetState(module);
    job_t *job = new_job(args);
    if (job == NULL)
        return NULL;
    PyMutex_Lock(&state->lock);
    state->started++;
    PyMutex_Unlock(&state->lock);
    return start_thread(run_job, job);
}

/* Hazard: a process-wide counter that only the GIL keeps consistent. */
static long jobs_started_unsafe;

static PyObject *worker_submit_unsafe(PyObject *module, PyObject *args)
{
    job_t *job = new_job(args);
    if (job == NULL)
        return NULL;
    jobs_started_unsafe++;
    return start_thread(run_job_unsafe, job);
}

static PyObject *worker_every(PyObject *module, PyObject *args)
{
    worker_state *state = PyModule_GetState(module);
    PyObject *callback;
    long interval_ms;
    if (!PyArg_ParseTuple(args, "Ol", &callback, &interval_ms))
        return NULL;
    /* The library keeps the callback until pulse_free(): give it its own reference. */
    pulse_set_callback(state->pulse, interval_ms, on_tick, Py_NewRef(callback));
    Py_RETURN_NONE;
}

static PyObject *worker_started(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    worker_state *state = PyModule_GetState(module);
    PyMutex_Lock(&state->lock);
    long started = state->started;
    PyMutex_Unlock(&state->lock);
    return PyLong_FromLong(started);
}

static PyMethodDef worker_methods[] = {
    {"submit", worker_submit, METH_VARARGS, "Run a job on a new thread, then call on_done(result)."},
    {"submit_unsafe", worker_submit_unsafe, METH_VARARGS, "The same, done wrong."},
    {"every", worker_every, METH_VARARGS, "Call callback(tick) from the pulse timer thread."},
    {"started", worker_started, METH_NOARGS, "How many jobs submit() has started."},
    {NULL, NULL, 0, NULL},
};

static int worker_exec(PyObject *module)
{
    worker_state *state = PyModule_GetState(module);
    state->pulse = pulse_new();
    return state->pulse == NULL ? -1 : 0;
}

static void worker_free(void *module)
{
    worker_state *state = PyModule_GetState((PyObject *)module);
    if (state != NULL && state->pulse != NULL)
        pulse_free(state->pulse); /* stops the timer thread before Python finalises */
}

static PyModuleDef_Slot worker_slots[] = {
    {Py_mod_exec, worker_exec},
    {0, NULL},
};

static struct PyModuleDef worker_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "worker",
    .m_size = sizeof(worker_state),
    .m_methods = worker_methods,
    .m_slots = worker_slots,
    .m_free = worker_free,
};

PyMODINIT_FUNC PyInit_worker(void)
{
    return PyModuleDef_Init(&worker_module);
}
