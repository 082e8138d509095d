/* The column draws of ``draws.Hasher`` in C: SplitMix64's finaliser twice over a whole column, in one pass.
 *
 *   finish(flat, key, seed) -> None
 *
 * ``flat`` is a 1-D C-contiguous uint64 array, written in place: each value v becomes mix64(mix64(v) + seed), where
 * v is first replaced by its own position xor ``key`` when ``key`` is not None (``Hasher.column``: record i's value
 * is mix64(mix64(i ^ key) + seed)). All arithmetic wraps at 64 bits, as numpy's unsigned arrays and the Python
 * ``draws.mix64`` (masked) do; tests/core/test_draws.py holds the three equal. The loop runs without the GIL.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "splitmix64.h"

static PyObject *finish(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3) return PyErr_Format(PyExc_TypeError, "finish takes 3 arguments, got %zd", nargs);
    int keyed = args[1] != Py_None;
    uint64_t key = keyed ? PyLong_AsUnsignedLongLong(args[1]) : 0;
    if (keyed && key == (uint64_t)-1 && PyErr_Occurred()) return NULL;
    uint64_t seed = PyLong_AsUnsignedLongLong(args[2]);
    if (seed == (uint64_t)-1 && PyErr_Occurred()) return NULL;
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    const char *format = view.format != NULL ? view.format : "B";
    if (*format == '@' || *format == '=' || *format == '<') format++;
    /* one item code, L or Q: format[1] is read only past a code (the format may be empty), and strchr would find
     * the terminator of "LQ" for a NUL */
    int uint64 = format[0] != '\0' && format[1] == '\0' && strchr("LQ", format[0]) != NULL;
    if (view.ndim != 1 || view.itemsize != 8 || !uint64) {
        PyBuffer_Release(&view);
        return PyErr_Format(PyExc_TypeError, "flat: a 1-D array of uint64 expected");
    }
    uint64_t *v = view.buf;
    Py_ssize_t n = view.len / 8;
    Py_BEGIN_ALLOW_THREADS;
    if (keyed)
        for (Py_ssize_t i = 0; i < n; i++) v[i] = mix64(mix64((uint64_t)i ^ key) + seed);
    else
        for (Py_ssize_t i = 0; i < n; i++) v[i] = mix64(mix64(v[i]) + seed);
    Py_END_ALLOW_THREADS;
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

static PyMethodDef METHODS[] = {
    {"finish", (PyCFunction)(void (*)(void))finish, METH_FASTCALL, "finish(flat, key, seed): the column draws."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {PyModuleDef_HEAD_INIT, "mockserver.core._splitmix", NULL, -1, METHODS};

PyMODINIT_FUNC PyInit__splitmix(void) { return PyModule_Create(&MODULE); }
