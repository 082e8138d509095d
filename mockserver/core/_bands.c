/* The store's band check in C: which records of a thin band of a sorted order meet every bound on other fields and
 * the category (``Store._checked``). A query needs how many do (the page count) and where the page's few are, so
 * the two are asked for separately: counting is one vectorised pass (AVX2 where the CPU has it), and finding the
 * page's matches stops at the page's last one.
 *
 *   count(start, stop, columns, ops, bounds, perm, codes, category) -> int
 *   select(out, first, last, total, start, stop, columns, ops, bounds, perm, codes, category) -> int
 *   position(values, perm, sample, step, micros, right) -> int
 *
 * Position k of [start, stop) matches when, for every test t, ``columns[t][k] <op> bounds[t]`` holds (``columns``:
 * int64 arrays aligned with the order, ``ops``: b">" for >=, b"<" for <, b"=" for <=) and, when ``codes`` is not
 * None, ``codes[perm[k]] == category`` (``perm``: the order's record indexes; ``codes``: an integer column by
 * record). ``count`` says how many match; ``select`` writes the records (``perm[k]``) of the matches ranked
 * [first, last) in order to ``out`` (int64, at least last - first long) and says how many it wrote (past those,
 * out's first last - first values may hold scratch; nothing beyond them is written). Given ``total``,
 * how many match (-1: not known), a band of one test is read from its end when the ranks wanted lie nearer to it.
 * ``position`` is ``searchsorted`` of ``micros`` (side right when ``right``) in ``values`` sorted by ``perm``, reading
 * only ``sample`` (every ``step``-th sorted value) and one run of ``step`` values through ``perm``.
 * tests/core/test_store.py holds the store's answers to a brute-force filter of every record.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define MAX_TESTS 8

typedef struct {
    Py_ssize_t start, stop, tests;
    Py_buffer views[MAX_TESTS], perm, codes; /* obj NULL: not taken */
    const int64_t *column[MAX_TESTS];
    int64_t bound[MAX_TESTS];
    char op[MAX_TESTS];
    long long category;
} Band;

/* A 1-D C-contiguous array of signed integers of ``itemsize`` bytes (1, 2, 4 or 8 when 0). */
static int take(PyObject *array, Py_buffer *view, int flags, Py_ssize_t itemsize, const char *what) {
    if (PyObject_GetBuffer(array, view, flags | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    Py_ssize_t size = view->itemsize;
    const char *format = view->format != NULL ? view->format : "B";
    if (*format == '@' || *format == '=' || *format == '<') format++;
    int signed_integer = format[0] != '\0' && format[1] == '\0' && strchr("bhilq", format[0]) != NULL;
    if (view->ndim != 1 || !signed_integer || (itemsize && size != itemsize) ||
        (size != 1 && size != 2 && size != 4 && size != 8)) {
        PyBuffer_Release(view);
        view->obj = NULL;
        PyErr_Format(PyExc_TypeError, "%s: a 1-D integer array expected", what);
        return -1;
    }
    return 0;
}

static void release(Band *band) {
    for (Py_ssize_t t = 0; t < MAX_TESTS; t++)
        if (band->views[t].obj != NULL) PyBuffer_Release(&band->views[t]);
    if (band->perm.obj != NULL) PyBuffer_Release(&band->perm);
    if (band->codes.obj != NULL) PyBuffer_Release(&band->codes);
}

/* The band from (start, stop, columns, ops, bounds, perm, codes, category); on failure, an exception is set and
 * whatever was taken is released. */
static int open_band(PyObject *const *args, Band *band) {
    memset(band, 0, sizeof *band);
    if ((band->start = PyLong_AsSsize_t(args[0])) == -1 && PyErr_Occurred()) return -1;
    if ((band->stop = PyLong_AsSsize_t(args[1])) == -1 && PyErr_Occurred()) return -1;
    PyObject *columns = args[2], *ops = args[3], *bounds = args[4];
    if (!PyTuple_Check(columns) || !PyBytes_Check(ops) || !PyTuple_Check(bounds))
        return PyErr_SetString(PyExc_TypeError, "columns, ops, bounds: a tuple, bytes and a tuple expected"), -1;
    Py_ssize_t tests = PyTuple_GET_SIZE(columns);
    if (tests > MAX_TESTS || PyBytes_GET_SIZE(ops) != tests || PyTuple_GET_SIZE(bounds) != tests)
        return PyErr_Format(PyExc_ValueError, "one column, op and bound per test, at most %d", MAX_TESTS), -1;
    band->tests = tests;
    if (take(args[5], &band->perm, 0, 0, "perm") < 0) goto fail;
    if (band->start < 0 || band->start > band->stop || band->stop > band->perm.len / band->perm.itemsize) {
        PyErr_SetString(PyExc_IndexError, "the band lies outside the order");
        goto fail;
    }
    for (Py_ssize_t t = 0; t < tests; t++) {
        if (take(PyTuple_GET_ITEM(columns, t), &band->views[t], 0, 8, "a column") < 0) goto fail;
        if (band->views[t].len / 8 < band->stop) {
            PyErr_SetString(PyExc_IndexError, "a column is shorter than the band's end");
            goto fail;
        }
        band->column[t] = band->views[t].buf;
        band->bound[t] = PyLong_AsLongLong(PyTuple_GET_ITEM(bounds, t));
        if (band->bound[t] == -1 && PyErr_Occurred()) goto fail;
        band->op[t] = PyBytes_AS_STRING(ops)[t];
        if (band->op[t] != '>' && band->op[t] != '<' && band->op[t] != '=') {
            PyErr_Format(PyExc_ValueError, "op %c: one of > (>=), < (<) and = (<=) expected", band->op[t]);
            goto fail;
        }
    }
    if (args[6] != Py_None && take(args[6], &band->codes, 0, 0, "codes") < 0) goto fail;
    band->category = PyLong_AsLongLong(args[7]);
    if (band->category == -1 && PyErr_Occurred()) goto fail;
    return 0;
fail:
    release(band);
    return -1;
}

static inline int64_t item(const Py_buffer *view, Py_ssize_t k) {
    switch (view->itemsize) {
    case 1: return ((const int8_t *)view->buf)[k];
    case 2: return ((const int16_t *)view->buf)[k];
    case 4: return ((const int32_t *)view->buf)[k];
    default: return ((const int64_t *)view->buf)[k];
    }
}

/* Whether position k meets every test and the category. */
static inline int matches(const Band *band, Py_ssize_t k) {
    for (Py_ssize_t t = 0; t < band->tests; t++) {
        int64_t v = band->column[t][k], b = band->bound[t];
        if (!(band->op[t] == '>' ? v >= b : band->op[t] == '<' ? v < b : v <= b)) return 0;
    }
    if (band->codes.obj != NULL) {
        int64_t record = item(&band->perm, k);
        Py_ssize_t records = band->codes.len / band->codes.itemsize;
        if (record < 0 || record >= records || item(&band->codes, record) != band->category) return 0;
    }
    return 1;
}

/* How many of v[0..n) are >= (or <, or <=) b: loops the compiler vectorises; on x86-64 with glibc, also with AVX2's
 * 64-bit compares, the variant chosen when the module loads (an ifunc) by what the CPU has. */
#if defined(__x86_64__) && defined(__GLIBC__) && (defined(__clang__) || __GNUC__ >= 6)
#define BY_CPU __attribute__((target_clones("avx2", "default")))
#else
#define BY_CPU
#endif
BY_CPU static Py_ssize_t count_one(const int64_t *v, Py_ssize_t n, int64_t b, char op) {
    Py_ssize_t count = 0;
    if (op == '>')
        for (Py_ssize_t k = 0; k < n; k++) count += v[k] >= b;
    else if (op == '<')
        for (Py_ssize_t k = 0; k < n; k++) count += v[k] < b;
    else
        for (Py_ssize_t k = 0; k < n; k++) count += v[k] <= b;
    return count;
}

static PyObject *count(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 8) return PyErr_Format(PyExc_TypeError, "count takes 8 arguments, got %zd", nargs);
    Band band;
    if (open_band(args, &band) < 0) return NULL;
    Py_ssize_t found = 0;
    if (band.tests == 1 && band.codes.obj == NULL) {
        found = count_one(band.column[0] + band.start, band.stop - band.start, band.bound[0], band.op[0]);
    } else {
        for (Py_ssize_t k = band.start; k < band.stop; k++) found += matches(&band, k);
    }
    release(&band);
    return PyLong_FromSsize_t(found);
}

#define SKIP_BLOCK 64

static PyObject *select_(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 12) return PyErr_Format(PyExc_TypeError, "select takes 12 arguments, got %zd", nargs);
    Py_ssize_t first = PyLong_AsSsize_t(args[1]);
    if (first == -1 && PyErr_Occurred()) return NULL;
    Py_ssize_t last = PyLong_AsSsize_t(args[2]);
    if (last == -1 && PyErr_Occurred()) return NULL;
    Py_ssize_t total = PyLong_AsSsize_t(args[3]);
    if (total == -1 && PyErr_Occurred()) return NULL;
    Py_buffer out;
    if (take(args[0], &out, PyBUF_WRITABLE, 8, "out") < 0) return NULL;
    if (first < 0 || last < first || out.len / 8 < last - first) {
        PyBuffer_Release(&out);
        return PyErr_Format(PyExc_ValueError, "ranks [%zd, %zd) do not fit in out", first, last);
    }
    Band band;
    if (open_band(args + 4, &band) < 0) {
        PyBuffer_Release(&out);
        return NULL;
    }
    if (first == last) { /* no rank asked for: the scans below write a tentative value first, with no room for it */
        release(&band);
        PyBuffer_Release(&out);
        return PyLong_FromSsize_t(0);
    }
    int64_t *kept = out.buf;
    Py_ssize_t rank = 0, written = 0, k = band.start;
    int one_test = band.tests == 1 && band.codes.obj == NULL;
    if (one_test && total >= 0 && total - first < last) {
        /* Nearer the end (where the overlap rule's matches crowd): read backwards, ranking from the total. */
        for (k = band.stop - 1; k >= band.start && total > first; k--) {
            if (matches(&band, k) && --total < last) kept[written++] = item(&band.perm, k);
        }
        for (Py_ssize_t a = 0, z = written - 1; a < z; a++, z--) {
            int64_t swap = kept[a];
            kept[a] = kept[z];
            kept[z] = swap;
        }
        k = band.stop; /* nothing left for the forward reading below */
    } else if (one_test) {
        /* One test (the overlap rule), a block at a time: a block with no rank wanted (before the first, or without
         * a match) is counted, not scanned; a block with some is scanned without a branch per position (where the
         * matches lie at random, a branch would be mispredicted one time in two). Until the last rank is written,
         * written < last - first, so each position's tentative write stays within ``out``. */
        const int64_t *v = band.column[0], b = band.bound[0];
        const char op = band.op[0];
        while (k < band.stop && rank < last) {
            Py_ssize_t stop = k + SKIP_BLOCK < band.stop ? k + SKIP_BLOCK : band.stop;
            Py_ssize_t c = count_one(v + k, stop - k, b, op);
            if (c == 0 || rank + c <= first) {
                rank += c;
                k = stop;
                continue;
            }
#define SCAN(test)                                                                                                     \
    for (; k < stop && rank < last; k++) {                                                                             \
        Py_ssize_t hit = (test);                                                                                       \
        kept[written] = item(&band.perm, k);                                                                           \
        written += hit & (rank >= first);                                                                              \
        rank += hit;                                                                                                   \
    }
            if (op == '>')
                SCAN(v[k] >= b)
            else if (op == '<')
                SCAN(v[k] < b)
            else
                SCAN(v[k] <= b)
#undef SCAN
        }
    }
    for (; k < band.stop && rank < last; k++) {
        if (matches(&band, k)) {
            if (rank >= first) kept[written++] = item(&band.perm, k);
            rank++;
        }
    }
    release(&band);
    PyBuffer_Release(&out);
    return PyLong_FromSsize_t(written);
}

static PyObject *position(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6) return PyErr_Format(PyExc_TypeError, "position takes 6 arguments, got %zd", nargs);
    Py_ssize_t step = PyLong_AsSsize_t(args[3]);
    if (step == -1 && PyErr_Occurred()) return NULL;
    long long micros = PyLong_AsLongLong(args[4]);
    if (micros == -1 && PyErr_Occurred()) return NULL;
    int right = PyObject_IsTrue(args[5]);
    if (right < 0) return NULL;
    if (step < 1) return PyErr_Format(PyExc_ValueError, "step: %zd is not positive", step);
    Py_buffer values = {0}, perm = {0}, sample = {0};
    PyObject *result = NULL;
    if (take(args[0], &values, 0, 8, "values") < 0 || take(args[1], &perm, 0, 0, "perm") < 0 ||
        take(args[2], &sample, 0, 8, "sample") < 0)
        goto done;
    Py_ssize_t records = values.len / 8, length = perm.len / perm.itemsize, samples = sample.len / 8;
    if (samples > PY_SSIZE_T_MAX / step) {
        PyErr_Format(PyExc_ValueError, "step: %zd samples of %zd values overflow", samples, step);
        goto done;
    }
    const int64_t *value = values.buf, *sampled = sample.buf;
    Py_ssize_t low = 0, high = samples;
    while (low < high) { /* the first sampled value above micros (right), or at or above it (left) */
        Py_ssize_t middle = low + (high - low) / 2;
        if (right ? sampled[middle] <= micros : sampled[middle] < micros)
            low = middle + 1;
        else
            high = middle;
    }
    Py_ssize_t start = (low > 0 ? low - 1 : 0) * step;
    high = low * step < length ? low * step : length;
    low = start < length ? start : length;
    for (Py_ssize_t k = low; k < high; k++) { /* the run's values asked for at once: their cache misses overlap */
        int64_t record = item(&perm, k);
        if (record >= 0 && record < records) __builtin_prefetch(value + record);
    }
    while (low < high) { /* the same within the run, through perm (every record index checked) */
        Py_ssize_t middle = low + (high - low) / 2;
        int64_t record = item(&perm, middle);
        if (record < 0 || record >= records) {
            PyErr_SetString(PyExc_IndexError, "perm names a record outside values");
            goto done;
        }
        int64_t v = value[record];
        if (right ? v <= micros : v < micros)
            low = middle + 1;
        else
            high = middle;
    }
    result = PyLong_FromSsize_t(low);
done:
    if (values.obj != NULL) PyBuffer_Release(&values);
    if (perm.obj != NULL) PyBuffer_Release(&perm);
    if (sample.obj != NULL) PyBuffer_Release(&sample);
    return result;
}

static PyMethodDef METHODS[] = {
    {"position", (PyCFunction)(void (*)(void))position, METH_FASTCALL, "searchsorted through a sample and perm."},
    {"count", (PyCFunction)(void (*)(void))count, METH_FASTCALL, "How many positions of the band match."},
    {"select", (PyCFunction)(void (*)(void))select_, METH_FASTCALL, "The positions of the matches ranked [first, last)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {PyModuleDef_HEAD_INIT, "mockserver.core._bands", NULL, -1, METHODS};

PyMODINIT_FUNC PyInit__bands(void) { return PyModule_Create(&MODULE); }
