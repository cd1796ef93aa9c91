/*
 * fastio: a tiny C extension that reads file descriptors for Python.
 *
 * Build it with a setup.py `Extension("fastio", ["fastio.c"])`. Each pair of functions shows the
 * same job done twice: once the way that holds up with many Python threads, once with the mistake
 * people make around the GIL.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#define CHUNK 65536

/* Correct: the GIL is released only around read(); Python objects are built after it is back. */
static PyObject *
fastio_read_chunks(PyObject *module, PyObject *args)
{
    int fd;
    char *buf;
    ssize_t n;
    PyObject *chunks;

    if (!PyArg_ParseTuple(args, "i", &fd))
        return NULL;
    chunks = PyList_New(0);
    buf = PyMem_RawMalloc(CHUNK);
    if (chunks == NULL || buf == NULL) {
        Py_XDECREF(chunks);
        PyMem_RawFree(buf);
        return PyErr_NoMemory();
    }
    for (;;) {
        Py_BEGIN_ALLOW_THREADS
        n = read(fd, buf, CHUNK);
        Py_END_ALLOW_THREADS
        if (n <= 0)
            break;
        PyObject *chunk = PyBytes_FromStringAndSize(buf, n);
        if (chunk == NULL || PyList_Append(chunks, chunk) < 0) {
            Py_XDECREF(chunk);
            n = -2;
            break;
        }
        Py_DECREF(chunk);
    }
    PyMem_RawFree(buf);
    if (n < 0) {
        if (n == -1)
            PyErr_SetFromErrno(PyExc_OSError);
        Py_DECREF(chunks);
        return NULL;
    }
    return chunks;
}

/* Broken: the whole loop runs without the GIL, including the list and bytes calls. */
static PyObject *
fastio_read_chunks_unlocked(PyObject *module, PyObject *args)
{
    int fd;
    char buf[CHUNK];
    ssize_t n;
    PyObject *chunks;

    if (!PyArg_ParseTuple(args, "i", &fd))
        return NULL;
    chunks = PyList_New(0);
    if (chunks == NULL)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        PyObject *chunk = PyBytes_FromStringAndSize(buf, n);   /* no GIL here */
        PyList_Append(chunks, chunk);                          /* no GIL here */
        Py_DECREF(chunk);                                      /* no GIL here */
    }
    Py_END_ALLOW_THREADS
    return chunks;
}

/* Correct: waits for input with the GIL released, raises only once it holds it again. */
static PyObject *
fastio_wait_readable(PyObject *module, PyObject *args)
{
    struct pollfd pfd = {0};
    int timeout_ms, ready;

    if (!PyArg_ParseTuple(args, "ii", &pfd.fd, &timeout_ms))
        return NULL;
    pfd.events = POLLIN;
    Py_BEGIN_ALLOW_THREADS
    ready = poll(&pfd, 1, timeout_ms);
    Py_END_ALLOW_THREADS
    if (ready < 0)
        return PyErr_SetFromErrno(PyExc_OSError);
    return PyBool_FromLong(ready > 0);
}

/* Slow for everyone: poll() waits up to timeout_ms while this thread keeps the GIL. */
static PyObject *
fastio_wait_readable_locked(PyObject *module, PyObject *args)
{
    struct pollfd pfd = {0};
    int timeout_ms, ready;

    if (!PyArg_ParseTuple(args, "ii", &pfd.fd, &timeout_ms))
        return NULL;
    pfd.events = POLLIN;
    ready = poll(&pfd, 1, timeout_ms);
    if (ready < 0)
        return PyErr_SetFromErrno(PyExc_OSError);
    return PyBool_FromLong(ready > 0);
}

static PyMethodDef fastio_methods[] = {
    {"read_chunks", fastio_read_chunks, METH_VARARGS, "Read a descriptor to EOF as a list of bytes."},
    {"read_chunks_unlocked", fastio_read_chunks_unlocked, METH_VARARGS, "The same, touching Python without the GIL."},
    {"wait_readable", fastio_wait_readable, METH_VARARGS, "Wait until a descriptor has input."},
    {"wait_readable_locked", fastio_wait_readable_locked, METH_VARARGS, "The same, holding the GIL."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fastio_module = {
    PyModuleDef_HEAD_INIT, "fastio", "Descriptor reading helpers.", -1, fastio_methods,
};

PyMODINIT_FUNC
PyInit_fastio(void)
{
    return PyModule_Create(&fastio_module);
}
