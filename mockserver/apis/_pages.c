/* Page renderers of the two APIs in C: record indexes -> the JSON array of their records, byte for byte what the
 * one-record renderer (the field makers of events.py and interventions.py, then orjson) writes for each.
 *
 * Each maker is mirrored here, next to its name; tests/apis/test_page_render.py holds the two equal on generated
 * pages of every dataset shape (seeds, anchors, counts). Everything a dataset draws from comes in as data when its
 * context is made (columns, field keys, ranges, chances, text pools already written as JSON), so the C knows only
 * the arithmetic of a record: SplitMix64 streams, ``integer`` and ``chance``, instants written as RFC 3339 text.
 *
 *   events_context(start, end, created, updated, high, low, category, record_key, seed, keys, thresholds, pools,
 *                  categories, offset_minutes) -> context
 *   events_page(context, indexes) -> bytes (the JSON array of the records)
 *   interventions_context(start, end, anchor, record_key, seed, keys, lows, spans, thresholds, pools) -> context
 *   interventions_page(context, indexes) -> bytes
 *
 * Columns are 1-D C-contiguous arrays (int64; uint64 for the id halves; int8 for categories); keys, lows, spans
 * and thresholds hold one value per drawn field, in the order of the API's ``_DRAWN`` (``INTERVENTIONS_FIELDS``
 * below names it for the interventions: their makers read one another by name). A context keeps its arrays and
 * pools alive; it reads its columns, never writes them (the datasets pass them read-only).
 *
 * Memory safety is checked, not assumed: every write goes through ``room`` (a record that does not fit is written
 * again into a larger buffer), every instant's arithmetic is checked for overflow (an OverflowError: a signed overflow
 * is never relied on), a category code is checked where it is read, and lists of numbers are copied before their
 * items are converted (a conversion runs Python code, which may change the list). ``make check-native`` runs the
 * tests under AddressSanitizer and UndefinedBehaviorSanitizer.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define MINUTE_US INT64_C(60000000)
#define DAY_US INT64_C(86400000000)
#define POOL_SIZE 1024

static inline uint64_t mix64(uint64_t z) {
    z += UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Hasher.record_seed: the base of record ``index``'s rendered fields. */
static inline uint64_t record_base(uint64_t index, uint64_t record_key, uint64_t seed) {
    return mix64(mix64(index ^ record_key) + seed);
}

/* ``integer``: uniform in [low, low + span) from the low 32 bits. */
static inline int64_t draw_integer(uint64_t bits, int64_t low, uint64_t span) {
    return (int64_t)(((bits & UINT64_C(0xFFFFFFFF)) * span) >> 32) + low;
}

/* ``chance``: the high 32 bits against p * 2**32 (exact in a double). */
static inline int draw_chance(uint64_t bits, double threshold) { return (double)(bits >> 32) < threshold; }

static inline int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* --- Writing ------------------------------------------------------------------------------------------------------ */

/* The text of one day, "YYYY-MM-DDT" (a year of up to 7 characters: int64 microseconds reach year ±292,277). */
typedef struct {
    int64_t days;
    uint8_t length; /* 0: an empty slot */
    char text[15];
} DateText;
#define DATE_SLOTS 2048

/* Where a record is written: [at, end) is the room left. A write that does not fit writes nothing and sets ``full``
 * (every later one then writes nothing either): the page writes the record again with more room. ``failed``: the
 * record cannot be written (an instant outside int64 microseconds, a category code without a name). */
enum { FINE, OVERFLOW, NO_CATEGORY };
typedef struct {
    char *at, *end;
    DateText *dates; /* the context's days written lately, by days modulo DATE_SLOTS */
    int full, failed;
} Out;

/* Whether ``n`` more bytes fit; every write asks first, for all it writes. */
static inline int room(Out *o, size_t n) {
    if (o->full || (size_t)(o->end - o->at) < n) {
        o->full = 1;
        return 0;
    }
    return 1;
}

static inline void put(Out *o, const char *s, size_t n) {
    if (!room(o, n)) return;
    memcpy(o->at, s, n);
    o->at += n;
}
#define PUT(o, literal) put((o), (literal), sizeof(literal) - 1)

/* ``a + b * unit``, or 0 with ``failed`` set when it leaves int64 (an instant past the microseconds int64 holds). */
static inline int64_t shifted(Out *o, int64_t a, int64_t b, int64_t unit) {
    int64_t product, sum;
    if (__builtin_mul_overflow(b, unit, &product) || __builtin_add_overflow(a, product, &sum)) {
        o->failed = OVERFLOW;
        return 0;
    }
    return sum;
}

/* The decimal digits of ``u``, last first, into ``digits`` (20 hold any uint64); how many. */
static inline int digits_of(uint64_t u, char digits[20]) {
    int n = 0;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    return n;
}

/* ``str(v)`` of an integer. */
static void put_int(Out *o, int64_t v) {
    char digits[20];
    int n = digits_of(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, digits);
    if (!room(o, (size_t)n + (v < 0))) return;
    if (v < 0) *o->at++ = '-';
    while (n) *o->at++ = digits[--n];
}

/* ``f"{v:0{width}d}"`` of a non-negative integer. */
static void put_padded(Out *o, int64_t v, int width) {
    char digits[20];
    int n = digits_of((uint64_t)v, digits);
    if (!room(o, (size_t)(n < width ? width : n))) return;
    for (int k = n; k < width; k++) *o->at++ = '0';
    while (n) *o->at++ = digits[--n];
}

static void put_bytes(Out *o, PyObject *bytes) { put(o, PyBytes_AS_STRING(bytes), (size_t)PyBytes_GET_SIZE(bytes)); }

/* "00" to "99", for two digits at a time. */
static const char PAIRS[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static inline void put_pair(Out *o, int64_t v) { put(o, PAIRS + 2 * v, 2); }

/* ``_date_text(days) + "T"``: H. Hinnant's civil_from_days, as instants._civil_from_days (floor divisions). */
static int write_date(DateText *d, int64_t days) {
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);
    Out o = {d->text, d->text + sizeof d->text, NULL, 0, FINE};
    if (year < 0) { /* Python's {:04d}: the sign counts in the width */
        PUT(&o, "-");
        put_padded(&o, -year, 3);
    } else {
        put_padded(&o, year, 4);
    }
    PUT(&o, "-");
    put_pair(&o, month);
    PUT(&o, "-");
    put_pair(&o, day);
    PUT(&o, "T");
    d->days = days;
    d->length = o.full ? 0 : (uint8_t)(o.at - d->text); /* (int64 microseconds' years fit: never full) */
    return o.full ? -1 : 0;
}

/* ``format_instant(micros, offset_minutes)`` as a JSON string: "YYYY-MM-DDTHH:MM:SS.mmm" then Z or ±HH:MM. The
 * date comes from the context's table of the days written lately (a dataset's instants fall on a few hundred). */
static void put_instant(Out *o, int64_t micros, int offset_minutes) {
    int64_t local = shifted(o, micros, offset_minutes, MINUTE_US);
    if (o->failed) return;
    int64_t days = floor_div(local, DAY_US), into = local % DAY_US; /* (days * DAY_US may leave int64) */
    int64_t millis = (into < 0 ? into + DAY_US : into) / 1000;         /* into the day */
    DateText *d = &o->dates[(uint64_t)days & (DATE_SLOTS - 1)];
    if ((d->length == 0 || d->days != days) && write_date(d, days) < 0) {
        o->failed = OVERFLOW;
        return;
    }
    /* '"', the date (its slot copied whole), "HH:MM:SS.mmm", "+HH:MM" at most, '"' */
    if (!room(o, 1 + sizeof d->text + 12 + 6 + 1)) return;
    *o->at++ = '"';
    memcpy(o->at, d->text, sizeof d->text);
    o->at += d->length;
    int64_t seconds = millis / 1000;
    put_pair(o, seconds / 3600);
    *o->at++ = ':';
    put_pair(o, seconds / 60 % 60);
    *o->at++ = ':';
    put_pair(o, seconds % 60);
    *o->at++ = '.';
    *o->at++ = (char)('0' + millis % 1000 / 100);
    put_pair(o, millis % 100);
    if (offset_minutes == 0) {
        *o->at++ = 'Z';
    } else {
        int m = offset_minutes < 0 ? -offset_minutes : offset_minutes;
        *o->at++ = offset_minutes < 0 ? '-' : '+';
        put_pair(o, m / 60);
        *o->at++ = ':';
        put_pair(o, m % 60);
    }
    *o->at++ = '"';
}

static void put_instant_or_null(Out *o, int present, int64_t micros) {
    if (present)
        put_instant(o, micros, 0);
    else
        PUT(o, "null");
}

static void put_int_or_null(Out *o, int present, int64_t v) {
    if (present)
        put_int(o, v);
    else
        PUT(o, "null");
}

/* --- Contexts ----------------------------------------------------------------------------------------------------- */

#define MAX_ARRAYS 8
#define MAX_FIELDS 40
#define MAX_POOLS 8

typedef struct {
    Py_buffer arrays[MAX_ARRAYS];
    int array_count;
    Py_ssize_t count; /* records: the length of every column */
    uint64_t record_key, seed;
    int field_count;
    uint64_t keys[MAX_FIELDS];
    int64_t lows[MAX_FIELDS];
    uint64_t spans[MAX_FIELDS];
    double thresholds[MAX_FIELDS];
    /* Each pool's POOL_SIZE strings (written as JSON) end to end, string k at [at[k], at[k + 1]): a pick reads one
     * place, not a bytes object's header and then its text elsewhere (at 1M records, picks missed the caches). */
    char *packed[MAX_POOLS];
    uint32_t at[MAX_POOLS][POOL_SIZE + 1];
    int pool_count;
    PyObject *categories; /* tuple of bytes (events) */
    int64_t anchor;
    int offset_minutes;
    Py_ssize_t longest; /* the room a page keeps for its next record: its picks' longest, then the longest written */
    DateText dates[DATE_SLOTS];
} Context;

/* Each kind of context has its own capsule name: a page of one API is never written from the other's context. */
static const char EVENTS[] = "mockserver.apis._pages.events";
static const char INTERVENTIONS[] = "mockserver.apis._pages.interventions";

/* Release what a context took (its arrays' buffers, its pools and categories) and the context itself. */
static void free_context(Context *c) {
    for (int k = 0; k < c->array_count; k++) PyBuffer_Release(&c->arrays[k]);
    for (int k = 0; k < c->pool_count; k++) PyMem_Free(c->packed[k]);
    Py_XDECREF(c->categories);
    PyMem_Free(c);
}

static void context_free(PyObject *capsule) {
    Context *c = PyCapsule_GetPointer(capsule, PyCapsule_GetName(capsule));
    if (c != NULL) free_context(c);
}

/* Whether ``view`` holds items of one of the struct format codes ``kinds`` (native or little-endian order). */
static int format_is(const Py_buffer *view, const char *kinds) {
    const char *format = view->format != NULL ? view->format : "B";
    if (*format == '@' || *format == '=' || *format == '<') format++;
    return format[0] != '\0' && format[1] == '\0' && strchr(kinds, format[0]) != NULL;
}

/* Take a 1-D contiguous column of ``itemsize``-byte integers, signed unless ``is_unsigned`` (all columns share one
 * length). */
static const void *take_array(Context *c, PyObject *array, Py_ssize_t itemsize, int is_unsigned, const char *what) {
    Py_buffer *view = &c->arrays[c->array_count];
    if (PyObject_GetBuffer(array, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    c->array_count++;
    if (view->ndim != 1 || view->itemsize != itemsize || !format_is(view, is_unsigned ? "BHILQ" : "bhilq")) {
        PyErr_Format(PyExc_ValueError, "%s: a 1-D column of %zd-byte %s integers expected", what, itemsize,
                     is_unsigned ? "unsigned" : "signed");
        return NULL;
    }
    Py_ssize_t length = view->len / itemsize;
    if (c->count < 0) {
        c->count = length;
    } else if (length != c->count) {
        PyErr_Format(PyExc_ValueError, "%s: %zd values, the other columns have %zd", what, length, c->count);
        return NULL;
    }
    return view->buf;
}

/* Fill ``out`` from a sequence of numbers, one per field: uint64 (kind 'u'), int64 ('i') or double ('d'). The
 * sequence is copied first (a tuple holds its items): converting an item may run its ``__index__`` or ``__float__``,
 * which may change the caller's list, never the copy. */
static int take_numbers(Context *c, PyObject *seq, const char *what, void *out, int kind) {
    PyObject *fast = PySequence_Tuple(seq);
    if (fast == NULL) return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(fast);
    if (n > MAX_FIELDS || (c->field_count >= 0 && n != c->field_count)) {
        PyErr_Format(PyExc_ValueError, "%s: %zd values for %d fields", what, n, c->field_count);
        Py_DECREF(fast);
        return -1;
    }
    c->field_count = (int)n;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *item = PyTuple_GET_ITEM(fast, k);
        if (kind == 'u')
            ((uint64_t *)out)[k] = PyLong_AsUnsignedLongLongMask(item);
        else if (kind == 'i')
            ((int64_t *)out)[k] = PyLong_AsLongLong(item);
        else
            ((double *)out)[k] = PyFloat_AsDouble(item);
        if (PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
    }
    Py_DECREF(fast);
    return 0;
}

/* The longest item of a tuple of bytes of exactly ``length`` items. */
static Py_ssize_t longest_of(PyObject *tuple, Py_ssize_t length, const char *what) {
    if (!PyTuple_Check(tuple) || (length >= 0 && PyTuple_GET_SIZE(tuple) != length)) {
        PyErr_Format(PyExc_ValueError, "%s: a tuple of %zd bytes expected", what, length);
        return -1;
    }
    Py_ssize_t most = 0;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(tuple); k++) {
        PyObject *item = PyTuple_GET_ITEM(tuple, k);
        if (!PyBytes_Check(item)) {
            PyErr_Format(PyExc_TypeError, "%s: bytes expected", what);
            return -1;
        }
        if (PyBytes_GET_SIZE(item) > most) most = PyBytes_GET_SIZE(item);
    }
    return most;
}

static int take_pools(Context *c, PyObject *pools, int expected) {
    if (!PyTuple_Check(pools) || PyTuple_GET_SIZE(pools) != expected) {
        PyErr_Format(PyExc_ValueError, "pools: a tuple of %d pools expected", expected);
        return -1;
    }
    for (int k = 0; k < expected; k++) {
        PyObject *pool = PyTuple_GET_ITEM(pools, k);
        Py_ssize_t most = longest_of(pool, POOL_SIZE, "a pool"), size = 0;
        if (most < 0) return -1;
        for (Py_ssize_t i = 0; i < POOL_SIZE; i++) size += PyBytes_GET_SIZE(PyTuple_GET_ITEM(pool, i));
        if (size > UINT32_MAX) return PyErr_SetString(PyExc_ValueError, "a pool holds more than 4 GiB"), -1;
        char *packed = PyMem_Malloc(size ? (size_t)size : 1);
        if (packed == NULL) return PyErr_NoMemory(), -1;
        uint32_t *at = c->at[c->pool_count];
        at[0] = 0;
        for (Py_ssize_t i = 0; i < POOL_SIZE; i++) {
            PyObject *text = PyTuple_GET_ITEM(pool, i);
            memcpy(packed + at[i], PyBytes_AS_STRING(text), (size_t)PyBytes_GET_SIZE(text));
            at[i + 1] = at[i] + (uint32_t)PyBytes_GET_SIZE(text);
        }
        c->packed[c->pool_count++] = packed;
        c->longest += most;
    }
    return 0;
}

static Context *new_context(void) {
    Context *c = PyMem_Calloc(1, sizeof(Context));
    if (c == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    c->count = -1;
    c->field_count = -1;
    return c;
}

static PyObject *wrap(Context *c, const char *kind) {
    PyObject *capsule = PyCapsule_New(c, kind, context_free);
    if (capsule == NULL) free_context(c);
    return capsule;
}

/* A page's record indexes: a 1-D array of int32 or int64, read in place, or any sequence of ints. */
typedef struct {
    Py_buffer view; /* view.obj is NULL unless an array is read */
    PyObject *fast;
    int width;
    Py_ssize_t n;
} Indexes;

static int open_indexes(PyObject *given, Indexes *ix) {
    memset(ix, 0, sizeof *ix);
    if (!PyObject_CheckBuffer(given)) {
        ix->fast = PySequence_Fast(given, "indexes: a sequence of record indexes expected");
        if (ix->fast == NULL) return -1;
        ix->n = PySequence_Fast_GET_SIZE(ix->fast);
        return 0;
    }
    if (PyObject_GetBuffer(given, &ix->view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    if (ix->view.ndim != 1 || !format_is(&ix->view, "ilq") || (ix->view.itemsize != 4 && ix->view.itemsize != 8)) {
        PyBuffer_Release(&ix->view);
        PyErr_SetString(PyExc_TypeError, "indexes: a 1-D array of int32 or int64 expected");
        return -1;
    }
    ix->width = (int)ix->view.itemsize;
    ix->n = ix->view.len / ix->view.itemsize;
    return 0;
}

static int index_at(const Indexes *ix, Py_ssize_t k, long long *index) {
    if (ix->width == 4)
        *index = ((const int32_t *)ix->view.buf)[k];
    else if (ix->width == 8)
        *index = ((const int64_t *)ix->view.buf)[k];
    else {
        PyObject *given = PySequence_Fast_GET_ITEM(ix->fast, k);
        if (!PyLong_Check(given)) { /* no __index__ of the caller's runs while its list is read */
            PyErr_Format(PyExc_TypeError, "indexes: an int expected, not %.100s", Py_TYPE(given)->tp_name);
            return -1;
        }
        if ((*index = PyLong_AsLongLong(given)) == -1 && PyErr_Occurred()) return -1;
    }
    return 0;
}

static void close_indexes(Indexes *ix) {
    if (ix->view.obj != NULL) PyBuffer_Release(&ix->view);
    Py_XDECREF(ix->fast);
}

/* Ask the caches for the column values of records [from, to) of the page, when it is an array: a record's values lie
 * at random places in columns of millions, and a record's writing is too long for the CPU to reach the next one's
 * loads by itself; asked for early, their misses overlap. */
#define AHEAD 32
static void prefetch(const Context *c, const Indexes *ix, Py_ssize_t from, Py_ssize_t to) {
    if (ix->width == 0) return;
    for (Py_ssize_t k = from; k < to && k < ix->n; k++) {
        long long index = -1;
        if (index_at(ix, k, &index) < 0 || index < 0 || index >= c->count) continue; /* (an array's never fails) */
        for (int a = 0; a < c->array_count; a++)
            __builtin_prefetch((const char *)c->arrays[a].buf + index * c->arrays[a].itemsize);
    }
}

/* A page: its records' JSON as one JSON array, each index checked against the dataset; the bytes object grows by
 * doubling while records are written into it, and is cut to size at the end. */
typedef void (*Writer)(const Context *c, int64_t index, Out *o);

/* A page's bytes object, twice as long and ``more`` (out is NULL when it fails). */
static int grow(PyObject **out, Py_ssize_t *size, Py_ssize_t more) {
    if (*size > (PY_SSIZE_T_MAX - more) / 2) {
        Py_CLEAR(*out);
        PyErr_NoMemory();
        return -1;
    }
    *size = 2 * *size + more;
    return _PyBytes_Resize(out, *size);
}

static PyObject *page(PyObject *const *args, Py_ssize_t nargs, Writer write, const char *kind) {
    if (nargs != 2) return PyErr_Format(PyExc_TypeError, "(context, indexes) expected, got %zd arguments", nargs);
    Context *c = PyCapsule_GetPointer(args[0], kind); /* a ValueError for another kind of context */
    if (c == NULL) return NULL;
    Indexes ix;
    if (open_indexes(args[1], &ix) < 0) return NULL;
    Py_ssize_t size = 2 + (ix.n < 16 ? ix.n : 16) * c->longest, length = 0;
    PyObject *out = PyBytes_FromStringAndSize(NULL, size);
    if (out == NULL) goto fail;
    PyBytes_AS_STRING(out)[length++] = '[';
    prefetch(c, &ix, 0, AHEAD);
    for (Py_ssize_t k = 0; k < ix.n; k++) {
        prefetch(c, &ix, k + AHEAD, k + AHEAD + 1);
        long long index;
        if (index_at(&ix, k, &index) < 0) goto fail;
        if (index < 0 || index >= c->count) {
            PyErr_Format(PyExc_IndexError, "record %lld of %zd", index, c->count);
            goto fail;
        }
        /* room for the context's estimate of a record: a hint that saves writing records twice, not relied on */
        if (size - length < c->longest + 2 && grow(&out, &size, c->longest) < 0) goto fail;
        for (;;) {
            char *start = PyBytes_AS_STRING(out);
            Out o = {start + length, start + size, c->dates, 0, FINE};
            if (k) PUT(&o, ",");
            write(c, (int64_t)index, &o);
            if (o.failed) {
                if (o.failed == OVERFLOW)
                    PyErr_Format(PyExc_OverflowError, "record %lld: an instant outside 64-bit microseconds", index);
                else
                    PyErr_Format(PyExc_ValueError, "record %lld: a category code without a name", index);
                goto fail;
            }
            if (!o.full) {
                if (o.at - (start + length) > c->longest) c->longest = o.at - (start + length); /* learnt */
                length = o.at - start;
                break;
            }
            if (grow(&out, &size, c->longest) < 0) goto fail; /* then the record again, from its start */
        }
    }
    if (size - length < 1 && grow(&out, &size, 1) < 0) goto fail;
    PyBytes_AS_STRING(out)[length++] = ']';
    close_indexes(&ix);
    if (_PyBytes_Resize(&out, length) < 0) return NULL;
    return out;
fail:
    close_indexes(&ix);
    Py_XDECREF(out);
    return NULL;
}

/* The pool's string that ``bits`` pick, written out. */
static void put_pick(Out *o, const Context *c, int pool, uint64_t bits) {
    const uint32_t *at = c->at[pool] + (bits & (POOL_SIZE - 1));
    put(o, c->packed[pool] + at[0], at[1] - at[0]);
}

/* --- events ------------------------------------------------------------------------------------------------------- */

enum { E_START, E_END, E_CREATED, E_UPDATED, E_HIGH, E_LOW, E_CATEGORY };
enum { E_SUMMARY, E_DESCRIPTION, E_LOCATION, E_LINK, E_FIELDS }; /* events._DRAWN */
static const char BASE32HEX[] = "0123456789abcdefghijklmnopqrstuv";

/* ``_event_id``: 26 base32hex characters of (high << 66) | (low << 2) | (high & 3). */
static void put_event_id(Out *o, uint64_t high, uint64_t low) {
    if (!room(o, 1 + 26 + 1)) return;
    char *s = o->at;
    *s++ = '"';
    for (int k = 0; k < 12; k++) *s++ = BASE32HEX[(high >> (59 - 5 * k)) & 31];
    *s++ = BASE32HEX[((high & 15) << 1) | (low >> 63)];
    for (int k = 0; k < 12; k++) *s++ = BASE32HEX[(low >> (58 - 5 * k)) & 31];
    *s++ = BASE32HEX[((low & 7) << 2) | (high & 3)];
    *s++ = '"';
    o->at = s;
}

static void put_pick_or_null(Out *o, const Context *c, int pool, int field, uint64_t bits) {
    if (draw_chance(bits, c->thresholds[field]))
        put_pick(o, c, pool, bits);
    else
        PUT(o, "null");
}

static void write_event(const Context *c, int64_t i, Out *o) {
    const int64_t *start = c->arrays[E_START].buf, *end = c->arrays[E_END].buf;
    const int64_t *created = c->arrays[E_CREATED].buf, *updated = c->arrays[E_UPDATED].buf;
    const uint64_t *high = c->arrays[E_HIGH].buf, *low = c->arrays[E_LOW].buf;
    const int8_t *category = c->arrays[E_CATEGORY].buf;
    uint64_t base = record_base((uint64_t)i, c->record_key, c->seed), bits[E_FIELDS];
    for (int f = 0; f < E_FIELDS; f++) bits[f] = mix64(base ^ c->keys[f]);
    int offset = c->offset_minutes;
    PUT(o, "{\"id\":");
    put_event_id(o, high[i], low[i]);
    PUT(o, ",\"created_at\":");
    put_instant(o, created[i], offset);
    PUT(o, ",\"updated_at\":");
    put_instant(o, updated[i], offset);
    PUT(o, ",\"summary\":");
    put_pick_or_null(o, c, 0, E_SUMMARY, bits[E_SUMMARY]);
    PUT(o, ",\"description\":");
    put_pick_or_null(o, c, 1, E_DESCRIPTION, bits[E_DESCRIPTION]);
    PUT(o, ",\"location\":");
    put_pick_or_null(o, c, 2, E_LOCATION, bits[E_LOCATION]);
    PUT(o, ",\"category\":");
    if (category[i] < 0 || category[i] >= PyTuple_GET_SIZE(c->categories)) { /* the column may have been written */
        o->failed = NO_CATEGORY;
        return;
    }
    put_bytes(o, PyTuple_GET_ITEM(c->categories, category[i]));
    PUT(o, ",\"start\":");
    put_instant(o, start[i], offset);
    PUT(o, ",\"end\":");
    put_instant(o, end[i], offset);
    PUT(o, ",\"link\":");
    put_pick_or_null(o, c, 3, E_LINK, bits[E_LINK]);
    PUT(o, "}");
}

static PyObject *events_context(PyObject *self, PyObject *args) {
    PyObject *columns[7], *keys, *thresholds, *pools, *categories;
    unsigned long long record_key, seed;
    int offset_minutes;
    if (!PyArg_ParseTuple(args, "OOOOOOOKKOOOOi", &columns[0], &columns[1], &columns[2], &columns[3], &columns[4],
                          &columns[5], &columns[6], &record_key, &seed, &keys, &thresholds, &pools, &categories,
                          &offset_minutes))
        return NULL;
    if (offset_minutes <= -24 * 60 || offset_minutes >= 24 * 60)
        return PyErr_Format(PyExc_ValueError, "offset_minutes: %d is not within a day", offset_minutes);
    Context *c = new_context();
    if (c == NULL) return NULL;
    static const Py_ssize_t sizes[7] = {8, 8, 8, 8, 8, 8, 1};
    static const int is_unsigned[7] = {0, 0, 0, 0, 1, 1, 0};
    static const char *names[7] = {"start", "end", "created", "updated", "high", "low", "category"};
    for (int k = 0; k < 7; k++)
        if (take_array(c, columns[k], sizes[k], is_unsigned[k], names[k]) == NULL) goto fail;
    c->record_key = record_key;
    c->seed = seed;
    c->offset_minutes = offset_minutes;
    c->field_count = E_FIELDS;
    if (take_numbers(c, keys, "keys", c->keys, 'u') < 0) goto fail;
    if (take_numbers(c, thresholds, "thresholds", c->thresholds, 'd') < 0) goto fail;
    if (take_pools(c, pools, E_FIELDS) < 0) goto fail;
    Py_ssize_t most = longest_of(categories, -1, "categories");
    if (most < 0) goto fail;
    Py_INCREF(categories);
    c->categories = categories;
    const int8_t *codes = c->arrays[E_CATEGORY].buf;
    for (Py_ssize_t k = 0; k < c->count; k++)
        if (codes[k] < 0 || codes[k] >= PyTuple_GET_SIZE(categories)) {
            PyErr_Format(PyExc_ValueError, "category: code %d of record %zd has no name", codes[k], k);
            goto fail;
        }
    c->longest += most;
    return wrap(c, EVENTS);
fail:
    free_context(c);
    return NULL;
}

static PyObject *events_page(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    return page(args, nargs, write_event, EVENTS);
}

/* --- interventions ------------------------------------------------------------------------------------------------ */

/* interventions.FIELDS, in order (``_DRAWN``): every field has a stream, a range and a chance. */
#define INTERVENTION_FIELDS(X)                                                                                         \
    X(ID, "id") X(SCHEDULED_START, "scheduledStart") X(SCHEDULED_END, "scheduledEnd") X(ACTUAL_START, "actualStart")   \
    X(ACTUAL_END, "actualEnd") X(STATUS, "status") X(TYPE, "type") X(DESCRIPTION, "description")                       \
    X(IMG_SIGNATURE, "imgSignature") X(CODE_PIN, "codePin") X(AUTO_CREATED, "autoCreated")                             \
    X(CREATION_STATUS, "creationStatus") X(PROVIDER_NAME, "providerName") X(PROVIDER_EMAIL, "providerEmail")           \
    X(PROVIDER_ACTION_COMMENT, "providerActionComment") X(PROVIDER_GENERAL_COMMENT, "providerGeneralComment")          \
    X(ASSIGNED_COMPANY_CONTACT_ID, "assignedCompanyContactId") X(ASSIGNED_USER_ID, "assignedUserId")                   \
    X(VERIFIED_AT, "verifiedAt") X(VERIFIED_BY_USER_ID, "verifiedByUserId") X(DECISION_COMMENT, "decisionComment")     \
    X(ATTENDEE_COUNT, "attendeeCount") X(ROUTINE_ID, "routineId") X(ORGANIZATION_ID, "organizationId")                 \
    X(CREATED_BY_USER_ID, "createdByUserId") X(ARCHIVED_AT, "archivedAt") X(CREATED_AT, "createdAt")                   \
    X(UPDATED_AT, "updatedAt") X(EVENT_TYPE, "eventType")
#define AS_ENUM(name, text) I_##name,
#define AS_TEXT(name, text) text,
enum { INTERVENTION_FIELDS(AS_ENUM) I_FIELDS };
static const char *INTERVENTION_NAMES[] = {INTERVENTION_FIELDS(AS_TEXT)};
enum { P_DESCRIPTION, P_COMPANY, P_EMAIL, P_COMMENT, P_POOLS }; /* the pools, in this order */
enum { I_COLUMN_START, I_COLUMN_END };
static const int64_t EVENT_TYPES[] = {101, 123, 130, 205, 310};

static const char HEX[] = "0123456789abcdef";

/* ``_img_signature``: "signatures/<uuid>.png", a version-4 UUID of (bits << 64) | more_bits(bits). */
static void put_signature(Out *o, uint64_t bits) {
    uint64_t high = (bits & ~UINT64_C(0xF000)) | UINT64_C(0x4000);
    uint64_t low = (mix64(bits) & ~(UINT64_C(0xC000) << 48)) | (UINT64_C(0x8000) << 48);
    PUT(o, "\"signatures/");
    if (!room(o, 36)) return;
    char *s = o->at;
    for (int k = 0; k < 32; k++) {
        if (k == 8 || k == 12 || k == 16 || k == 20) *s++ = '-';
        uint64_t word = k < 16 ? high : low;
        *s++ = HEX[(word >> (60 - 4 * (k % 16))) & 15];
    }
    o->at = s;
    PUT(o, ".png\"");
}

static void write_intervention(const Context *c, int64_t i, Out *o) {
    const int64_t start = ((const int64_t *)c->arrays[I_COLUMN_START].buf)[i];
    const int64_t end = ((const int64_t *)c->arrays[I_COLUMN_END].buf)[i];
    uint64_t base = record_base((uint64_t)i, c->record_key, c->seed), bits[I_FIELDS];
    int64_t drawn[I_FIELDS];
    int lucky[I_FIELDS];
    for (int f = 0; f < I_FIELDS; f++) {
        bits[f] = mix64(base ^ c->keys[f]);
        drawn[f] = draw_integer(bits[f], c->lows[f], c->spans[f]);
        lucky[f] = draw_chance(bits[f], c->thresholds[f]);
    }
    const int64_t anchor = c->anchor;
    /* Every instant is checked for overflow (``shifted``), those a record does not write too: then the record is
     * refused (an OverflowError), never written from a wrapped value. */
    int begun = start < anchor && lucky[I_ACTUAL_START];
    int64_t actual_start = shifted(o, start, drawn[I_ACTUAL_START], MINUTE_US);
    int ended = begun && end < anchor;
    int64_t length = shifted(o, shifted(o, end, -1, start), drawn[I_ACTUAL_END], MINUTE_US);
    int64_t actual_end = shifted(o, actual_start, length > 0 ? length : 0, 1);
    int status = begun ? (ended ? 3 : 2) : (lucky[I_STATUS] ? 4 : 1);
    int automatic = lucky[I_AUTO_CREATED];
    int verified = ended && lucky[I_VERIFIED_AT];
    int64_t verified_at = shifted(o, actual_end, drawn[I_VERIFIED_AT], MINUTE_US);
    int archived = verified && lucky[I_ARCHIVED_AT];
    int64_t archived_at = shifted(o, verified_at, drawn[I_ARCHIVED_AT], DAY_US);
    int64_t created = shifted(o, start, drawn[I_CREATED_AT], -MINUTE_US);
    int64_t updated = shifted(o, created, drawn[I_UPDATED_AT], MINUTE_US);
    if (o->failed) return;
    /* max(edited, verifiedAt or 0, archivedAt or 0): an absent one counts as 0 (archived implies verified) */
    if (verified && verified_at > updated) updated = verified_at;
    if (archived && archived_at > updated) updated = archived_at;
    if (!archived && updated < 0) updated = 0;

    PUT(o, "{\"id\":");
    put_int(o, i + 1);
    PUT(o, ",\"status\":");
    put_int(o, status);
    PUT(o, ",\"type\":");
    put_int(o, drawn[I_TYPE]);
    PUT(o, ",\"description\":");
    put_pick(o, c, P_DESCRIPTION, bits[I_DESCRIPTION]);
    PUT(o, ",\"imgSignature\":");
    if (ended)
        put_signature(o, bits[I_IMG_SIGNATURE]);
    else
        PUT(o, "null");
    PUT(o, ",\"codePin\":");
    put_int(o, drawn[I_CODE_PIN]);
    PUT(o, ",\"autoCreated\":");
    if (automatic)
        PUT(o, "true");
    else
        PUT(o, "false");
    PUT(o, ",\"creationStatus\":");
    put_int(o, drawn[I_CREATION_STATUS]);
    PUT(o, ",\"scheduledStart\":");
    put_instant(o, start, 0);
    PUT(o, ",\"scheduledEnd\":");
    put_instant(o, end, 0);
    PUT(o, ",\"actualStart\":");
    put_instant_or_null(o, begun, actual_start);
    PUT(o, ",\"actualEnd\":");
    put_instant_or_null(o, ended, actual_end);
    PUT(o, ",\"providerName\":");
    put_pick(o, c, P_COMPANY, bits[I_PROVIDER_NAME]);
    PUT(o, ",\"providerEmail\":");
    put_pick(o, c, P_EMAIL, bits[I_PROVIDER_EMAIL]);
    PUT(o, ",\"providerActionComment\":");
    if (begun && lucky[I_PROVIDER_ACTION_COMMENT])
        put_pick(o, c, P_COMMENT, bits[I_PROVIDER_ACTION_COMMENT]);
    else
        PUT(o, "null");
    PUT(o, ",\"providerGeneralComment\":");
    if (lucky[I_PROVIDER_GENERAL_COMMENT])
        put_pick(o, c, P_COMMENT, bits[I_PROVIDER_GENERAL_COMMENT]);
    else
        PUT(o, "null");
    PUT(o, ",\"assignedCompanyContactId\":");
    put_int_or_null(o, lucky[I_ASSIGNED_COMPANY_CONTACT_ID], drawn[I_ASSIGNED_COMPANY_CONTACT_ID]);
    PUT(o, ",\"assignedUserId\":");
    put_int_or_null(o, lucky[I_ASSIGNED_USER_ID], drawn[I_ASSIGNED_USER_ID]);
    PUT(o, ",\"verifiedByUserId\":");
    put_int_or_null(o, verified, drawn[I_VERIFIED_BY_USER_ID]);
    PUT(o, ",\"verifiedAt\":");
    put_instant_or_null(o, verified, verified_at);
    PUT(o, ",\"decisionComment\":");
    if (status == 4 || lucky[I_DECISION_COMMENT])
        put_pick(o, c, P_COMMENT, bits[I_DECISION_COMMENT]);
    else
        PUT(o, "null");
    PUT(o, ",\"attendeeCount\":");
    put_int(o, drawn[I_ATTENDEE_COUNT]);
    PUT(o, ",\"routineId\":");
    put_int_or_null(o, lucky[I_ROUTINE_ID], drawn[I_ROUTINE_ID]);
    PUT(o, ",\"organizationId\":");
    put_int(o, drawn[I_ORGANIZATION_ID]);
    PUT(o, ",\"createdByUserId\":");
    put_int_or_null(o, !automatic, drawn[I_CREATED_BY_USER_ID]);
    PUT(o, ",\"archivedAt\":");
    put_instant_or_null(o, archived, archived_at);
    PUT(o, ",\"updatedAt\":");
    put_instant(o, updated, 0);
    PUT(o, ",\"createdAt\":");
    put_instant(o, created, 0);
    PUT(o, ",\"eventType\":");
    put_int(o, EVENT_TYPES[drawn[I_EVENT_TYPE]]);
    PUT(o, "}");
}

static PyObject *interventions_context(PyObject *self, PyObject *args) {
    PyObject *start, *end, *keys, *lows, *spans, *thresholds, *pools;
    long long anchor;
    unsigned long long record_key, seed;
    if (!PyArg_ParseTuple(args, "OOLKKOOOOO", &start, &end, &anchor, &record_key, &seed, &keys, &lows, &spans,
                          &thresholds, &pools))
        return NULL;
    Context *c = new_context();
    if (c == NULL) return NULL;
    if (take_array(c, start, 8, 0, "start") == NULL || take_array(c, end, 8, 0, "end") == NULL) goto fail;
    c->anchor = anchor;
    c->record_key = record_key;
    c->seed = seed;
    c->field_count = I_FIELDS;
    if (take_numbers(c, keys, "keys", c->keys, 'u') < 0 || take_numbers(c, lows, "lows", c->lows, 'i') < 0 ||
        take_numbers(c, spans, "spans", c->spans, 'u') < 0 ||
        take_numbers(c, thresholds, "thresholds", c->thresholds, 'd') < 0)
        goto fail;
    int64_t low = c->lows[I_EVENT_TYPE];
    if (low < 0 || low >= 5 || c->spans[I_EVENT_TYPE] < 1 || c->spans[I_EVENT_TYPE] > (uint64_t)(5 - low)) {
        PyErr_SetString(PyExc_ValueError, "eventType: its range must index the 5 event types");
        goto fail;
    }
    for (int f = 0; f < I_FIELDS; f++) {
        if (c->spans[f] >> 32) {
            PyErr_Format(PyExc_ValueError, "%s: a range of 2**32 values or more", INTERVENTION_NAMES[f]);
            goto fail;
        }
        if (c->lows[f] > INT64_MAX - (int64_t)c->spans[f]) { /* then ``draw_integer`` never overflows */
            PyErr_Format(PyExc_ValueError, "%s: a range past 2**63 - 1", INTERVENTION_NAMES[f]);
            goto fail;
        }
    }
    if (take_pools(c, pools, P_POOLS) < 0) goto fail;
    Py_ssize_t comment = longest_of(PyTuple_GET_ITEM(pools, P_COMMENT), POOL_SIZE, "comments");
    c->longest += 2 * comment; /* comments are picked three times */
    return wrap(c, INTERVENTIONS);
fail:
    free_context(c);
    return NULL;
}

static PyObject *interventions_page(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    return page(args, nargs, write_intervention, INTERVENTIONS);
}

/* --- The module --------------------------------------------------------------------------------------------------- */

static PyMethodDef METHODS[] = {
    {"events_context", events_context, METH_VARARGS, "The events dataset's context for events_page."},
    {"events_page", (PyCFunction)(void (*)(void))events_page, METH_FASTCALL, "events_page(context, indexes) -> the records' JSON array."},
    {"interventions_context", interventions_context, METH_VARARGS, "The interventions dataset's context."},
    {"interventions_page", (PyCFunction)(void (*)(void))interventions_page, METH_FASTCALL, "interventions_page(context, indexes) -> the records' JSON array."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {PyModuleDef_HEAD_INIT, "mockserver.apis._pages", NULL, -1, METHODS};

PyMODINIT_FUNC PyInit__pages(void) {
    PyObject *module = PyModule_Create(&MODULE);
    if (module == NULL) return NULL;
    PyObject *names = PyTuple_New(I_FIELDS);
    if (names == NULL) goto fail;
    for (int k = 0; k < I_FIELDS; k++) {
        PyObject *name = PyUnicode_FromString(INTERVENTION_NAMES[k]);
        if (name == NULL) {
            Py_DECREF(names);
            goto fail;
        }
        PyTuple_SET_ITEM(names, k, name);
    }
    if (PyModule_AddObject(module, "INTERVENTIONS_FIELDS", names) < 0) {
        Py_DECREF(names);
        goto fail;
    }
    return module;
fail:
    Py_DECREF(module);
    return NULL;
}
