/* A counter in one 64-bit word of a shared buffer, incremented atomically, with no lock: the journal ids of the
 * embedded store (``server/state/embedded.py``), which the workers forked from one supervisor take from one
 * anonymous shared mapping.
 *
 *   Counter(buffer, index) -> the counter of the index-th 64-bit word of ``buffer``
 *   counter.next() -> the word plus one, written back in one atomic read-modify-write (no other process sharing
 *                     the memory can take the same number)
 *
 * ``buffer`` is any writable C-contiguous buffer (an mmap); the word must lie wholly inside it and be 8-byte aligned
 * (else ValueError). The counter holds the buffer exported while it lives (an mmap cannot be closed or resized under
 * it). The Python twin is the embedded store's own counter under its lock.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

typedef struct {
    PyObject_HEAD
    Py_buffer view; /* view.obj is NULL until __init__ succeeded */
    int64_t *word;
} Counter;

static int Counter_init(Counter *self, PyObject *args, PyObject *kwargs) {
    PyObject *buffer;
    Py_ssize_t index;
    static char *names[] = {"buffer", "index", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "On:Counter", names, &buffer, &index)) return -1;
    if (self->word != NULL) {
        PyErr_SetString(PyExc_TypeError, "Counter: already initialised");
        return -1;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(buffer, &view, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) return -1;
    /* index < len / 8: the whole word inside the buffer, with no overflow in the check */
    if (index < 0 || index >= view.len / (Py_ssize_t)sizeof(int64_t)) {
        PyBuffer_Release(&view);
        PyErr_Format(PyExc_ValueError, "Counter: word %zd is outside a buffer of %zd bytes", index, view.len);
        return -1;
    }
    int64_t *word = (int64_t *)view.buf + index;
    if ((uintptr_t)word % _Alignof(int64_t) != 0) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "Counter: the word is not 8-byte aligned");
        return -1;
    }
    self->view = view;
    self->word = word;
    return 0;
}

static void Counter_dealloc(Counter *self) {
    if (self->word != NULL) {
        self->word = NULL;
        PyBuffer_Release(&self->view);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Counter_next(Counter *self, PyObject *Py_UNUSED(ignored)) {
    if (self->word == NULL) {
        PyErr_SetString(PyExc_ValueError, "Counter: not initialised");
        return NULL;
    }
    /* wraps at 2^63 as every atomic add does (two's complement): about 290 years at a billion a second */
    return PyLong_FromLongLong(__atomic_add_fetch(self->word, 1, __ATOMIC_SEQ_CST));
}

static PyMethodDef COUNTER_METHODS[] = {
    {"next", (PyCFunction)Counter_next, METH_NOARGS, "next(): the word plus one, written back atomically."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CounterType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "mockserver.core._words.Counter",
    .tp_basicsize = sizeof(Counter),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Counter(buffer, index): an atomic counter in the index-th 64-bit word of a writable buffer.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Counter_init,
    .tp_dealloc = (destructor)Counter_dealloc,
    .tp_methods = COUNTER_METHODS,
};

static struct PyModuleDef MODULE = {PyModuleDef_HEAD_INIT, .m_name = "mockserver.core._words", .m_size = -1};

PyMODINIT_FUNC PyInit__words(void) {
    if (PyType_Ready(&CounterType) < 0) return NULL;
    PyObject *module = PyModule_Create(&MODULE);
    if (module == NULL) return NULL;
    Py_INCREF(&CounterType);
    if (PyModule_AddObject(module, "Counter", (PyObject *)&CounterType) < 0) {
        Py_DECREF(&CounterType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
