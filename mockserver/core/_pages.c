/* The native record writer: record indexes -> the JSON array of their records, byte for byte what the Python renderer
 * (``core/render.py``, then orjson) writes for each, for any table of fields (``core/fields.py``).
 *
 * It knows no API and no field. A table is compiled (``core/program.py``) into a small program: per field, the
 * instructions of its presence rule, of its value and (for a 130-bit id) of a second value, in a stack machine whose
 * operations are the node kinds of ``core/fields.py`` (and a few fusions of them), and a writer per field (integer,
 * boolean, instant, a pick of a text pool, a UUID, one of a few constants, a 130-bit id). Adding a field, or an API,
 * changes no C. A page's records are made a batch of up to 64 at a time, each operation run over the whole batch (one
 * dispatch per operation and batch, and the batch's column reads overlap), then written one by one. For the tables
 * the package ships, the build generates a kernel per table (``core/kernels.py`` writes ``_pages_kernels.h`` from the
 * tables' fields): the same sequences as straight-line C, one pass over the batch's records with every field in
 * locals. A context runs a kernel only when its verified program has exactly the kernel's shape (``kernel_of``);
 * without the header (a build that could not generate it) every table runs on the interpreter.
 *
 *   context(count, columns, record_key, seed, keys, code, fields, writes, pools, texts) -> context
 *   page(context, indexes) -> bytes (the JSON array of the records)
 *   kernel(context) -> the name of the kernel that makes its batches, or None (the interpreter does)
 *   OPS, WRITERS: the names of the operations and writers, in the order of their codes (the compiler reads them)
 *
 * ``count``: the records; ``columns``: a tuple of 1-D contiguous columns of ``count`` signed integers (1, 2, 4 or 8
 * bytes), read and never written; ``keys``: each field's stream key; ``code``: the instructions (int64s); ``fields``: 3 per field
 * (where its presence rule, value and second value start in ``code``, -1 for none); ``writes``: 5 per written field,
 * in the written order (the field, its writer, the text of its key, two arguments of the writer); ``pools``: a tuple
 * of pools of POOL_SIZE strings written as JSON; ``texts``: a tuple of bytes (keys, constants, prefixes).
 *
 * Memory safety is checked, not assumed. A program is verified when its context is made (every operand in range, a
 * field reads only fields made before it, the stack never deeper than MAX_STACK nor popped empty, each sequence ends
 * with one value), so running it reads nothing out of bounds. Every write goes through ``room`` (a record that does
 * not fit is written again into a larger buffer); every arithmetic result is checked for overflow (an OverflowError:
 * a signed overflow is never relied on); a choice is checked where it is read; lists of numbers are copied before
 * their items are converted (a conversion runs Python code, which may change the list). ``make check-native`` runs
 * the tests under AddressSanitizer and UndefinedBehaviorSanitizer.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "splitmix64.h"

#define MINUTE_US INT64_C(60000000)
#define DAY_US INT64_C(86400000000)
#define POOL_SIZE 1024

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
 * record cannot be written (a value outside int64, a choice outside the choices); the first failure is kept. */
enum { FINE, OVERFLOW, NO_CHOICE };
typedef struct {
    char *at, *end;
    DateText *dates; /* the context's days written lately, by days modulo DATE_SLOTS */
    int full, failed, field;
} Out;

static inline void fail(Out *o, int why) {
    if (!o->failed) o->failed = why;
}

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

/* ``a + b * unit``, or 0 with ``*fault`` set when it leaves int64 (the one overflow check: the interpreter's lanes,
 * the generated kernels and the writers all call it). */
static inline int64_t checked(uint8_t *fault, int64_t a, int64_t b, int64_t unit) {
    int64_t product, sum;
    if (__builtin_mul_overflow(b, unit, &product) || __builtin_add_overflow(a, product, &sum)) {
        *fault = 1;
        return 0;
    }
    return sum;
}

/* ``a + b * unit``, or 0 with ``failed`` set when it leaves int64. */
static inline int64_t shifted(Out *o, int64_t a, int64_t b, int64_t unit) {
    uint8_t fault = 0;
    int64_t sum = checked(&fault, a, b, unit);
    if (fault) fail(o, OVERFLOW);
    return sum;
}

/* "00" to "99", for two digits at a time. */
static const char PAIRS[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static inline void put_pair(Out *o, int64_t v) { put(o, PAIRS + 2 * v, 2); }

static const uint64_t POW10[20] = {
    UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000), UINT64_C(100000), UINT64_C(1000000),
    UINT64_C(10000000), UINT64_C(100000000), UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
    UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000), UINT64_C(1000000000000000),
    UINT64_C(10000000000000000), UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
    UINT64_C(10000000000000000000)};

/* How many decimal digits ``u`` has (1 to 20), from its bit length times log10(2) (1233 / 4096: the digits, or one
 * too many where ``u`` is below the power of ten). Counted on ``u | 1``, which has as many digits as ``u`` (0 has
 * one; a power of ten is even, so ``u | 1`` reaches one only when ``u`` does) and a bit length of at least 1. */
static inline int decimal_length(uint64_t u) {
    uint64_t w = u | 1;
    int t = ((64 - __builtin_clzll(w)) * 1233) >> 12;
    return t + 1 - (w < POW10[t]);
}

/* The decimal digits of ``u`` (``decimal_length(u)`` of them), written to end at ``end``, two at a time from the
 * last. */
static inline void digits_before(char *end, uint64_t u) {
    while (u >= 100) {
        end -= 2;
        memcpy(end, PAIRS + 2 * (u % 100), 2);
        u /= 100;
    }
    if (u >= 10)
        memcpy(end - 2, PAIRS + 2 * u, 2);
    else
        end[-1] = (char)('0' + u);
}

/* ``str(v)`` of an integer. */
static void put_int(Out *o, int64_t v) {
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int n = decimal_length(u);
    if (!room(o, (size_t)n + (v < 0))) return;
    if (v < 0) *o->at++ = '-';
    o->at += n;
    digits_before(o->at, u);
}

/* ``f"{v:0{width}d}"`` of a non-negative integer. */
static void put_padded(Out *o, int64_t v, int width) {
    int n = decimal_length((uint64_t)v), wide = n < width ? width : n;
    if (!room(o, (size_t)wide)) return;
    memset(o->at, '0', (size_t)(wide - n));
    o->at += wide;
    digits_before(o->at, (uint64_t)v);
}

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
    Out o = {d->text, d->text + sizeof d->text, NULL, 0, FINE, 0};
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
        fail(o, OVERFLOW);
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


static const char BASE32HEX[] = "0123456789abcdefghijklmnopqrstuv";

/* ``AsId130``: 26 base32hex characters of (high << 66) | (low << 2) | (high & 3). */
static void put_id130(Out *o, uint64_t high, uint64_t low) {
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

static const char HEX[] = "0123456789abcdef";

/* The hex digits of ``word``'s bytes ``first`` to ``last - 1`` (0: the most significant), two per byte. */
static inline char *put_hex(char *s, uint64_t word, int first, int last) {
    for (int k = first; k < last; k++) {
        unsigned byte = (unsigned)(word >> (56 - 8 * k)) & 255;
        s[0] = HEX[byte >> 4];
        s[1] = HEX[byte & 15];
        s += 2;
    }
    return s;
}

/* ``AsUuid``'s UUID: version 4, of (bits << 64) | mix64(bits), as 8-4-4-4-12 hex digits. */
static void put_uuid(Out *o, uint64_t bits) {
    uint64_t high = (bits & ~UINT64_C(0xF000)) | UINT64_C(0x4000);
    uint64_t low = (mix64(bits) & ~(UINT64_C(0xC000) << 48)) | (UINT64_C(0x8000) << 48);
    if (!room(o, 36)) return;
    char *s = put_hex(o->at, high, 0, 4);
    *s++ = '-';
    s = put_hex(s, high, 4, 6);
    *s++ = '-';
    s = put_hex(s, high, 6, 8);
    *s++ = '-';
    s = put_hex(s, low, 0, 2);
    *s++ = '-';
    o->at = put_hex(s, low, 2, 8);
}

/* --- Programs ----------------------------------------------------------------------------------------------------- */

/* The operations, each with its operands' count: ``OPS`` gives the compiler their names in this order. The last
 * seven fuse two or three of the others, for the patterns tables use most (an instant some drawn minutes after
 * another, "present and by chance"): what each computes is what its parts do, in the same order. */
#define OPERATIONS(X)                                                                                                  \
    X(END, "end", 0) X(INDEX, "index", 1) X(COLUMN, "column", 1) X(CONST, "const", 1) X(BITS, "bits", 0)               \
    X(DRAW, "draw", 2) X(REF, "ref", 1) X(ADD, "add", 0) X(SCALE, "scale", 1) X(MAX, "max", 1) X(IF, "if", 0)          \
    X(CHANCE, "chance", 1) X(PRESENT, "present", 0) X(TRUTHY, "truthy", 0) X(LESS, "less", 0) X(EQUAL, "equal", 0)    \
    X(NOT, "not", 0) X(AND, "and", 0) X(OR, "or", 0) X(DRAW_SCALED, "draw_scaled", 3)                                \
    X(ADD_DRAW_SCALED, "add_draw_scaled", 3) X(REF_PRESENT, "ref_present", 1) X(AND_CHANCE, "and_chance", 1)         \
    X(OR_CHANCE, "or_chance", 1) X(LESS_CONST, "less_const", 1) X(EQUAL_CONST, "equal_const", 1)
#define AS_OP(name, text, operands) OP_##name,
#define AS_OP_TEXT(name, text, operands) text,
#define AS_OP_OPERANDS(name, text, operands) operands,
enum { OPERATIONS(AS_OP) OP_COUNT };
static const char *OP_NAMES[] = {OPERATIONS(AS_OP_TEXT)};
static const int OP_OPERANDS[] = {OPERATIONS(AS_OP_OPERANDS)};

/* The writers, in the order of ``WRITERS``. */
#define WRITER_KINDS(X)                                                                                                \
    X(INTEGER, "integer") X(BOOLEAN, "boolean") X(INSTANT, "instant") X(TEXT, "text") X(UUID, "uuid")                 \
    X(CHOICE, "choice") X(ID130, "id130")
#define AS_WRITER(name, text) W_##name,
#define AS_WRITER_TEXT(name, text) text,
enum { WRITER_KINDS(AS_WRITER) W_COUNT };
static const char *WRITER_NAMES[] = {WRITER_KINDS(AS_WRITER_TEXT)};

#define MAX_COLUMNS 16
#define MAX_FIELDS 64
#define MAX_POOLS 16
#define MAX_STACK 16
#define MAX_CODE 65536
#define MAX_TEXTS 65536
#define LEAD_SLOT 32

/* A value: ``ok`` is 0 for an absent one (null). */
typedef struct {
    int64_t v;
    int ok;
} Value;

/* A sequence of the code: where it starts (-1: none). */
typedef struct {
    int32_t pc;
} Sequence;

typedef struct {
    Sequence when, value, extra;
    int bits;   /* whether the field reads its own bits (else they are not computed) */
    int checks; /* whether its value or second value does arithmetic that may leave int64 (else no fault is kept) */
    int when_checks; /* the same of its rule */
} FieldCode;

typedef struct {
    int32_t field, kind, key; /* the field written, its writer, the text of its key (`"name":`) */
    int64_t a, b;             /* the writer's arguments: an offset, a pool, texts */
    char *lead;               /* '{' or ',' then the key's text: what is written before the value */
    Py_ssize_t lead_length;
    /* the field's values in the context's batch, and its second values (a 130-bit id's; else its values again) */
    const int64_t *v, *v2;
    const uint8_t *ok, *ok2;
} Write;

typedef struct {
    const char *s;
    Py_ssize_t n;
} Text;

typedef struct Batch Batch;

typedef struct {
    Py_buffer columns[MAX_COLUMNS];
    int column_count;
    Py_ssize_t count; /* records: the length of every column */
    uint64_t record_key, seed;
    int field_count, write_count;
    uint64_t keys[MAX_FIELDS];
    FieldCode fields[MAX_FIELDS];
    Write writes[MAX_FIELDS];
    int64_t *code;
    Py_ssize_t code_length;
    /* Each pool's POOL_SIZE strings (written as JSON) end to end, string k at [at[k], at[k + 1]): a pick reads one
     * place, not a bytes object's header and then its text elsewhere (at 1M records, picks missed the caches). */
    char *packed[MAX_POOLS];
    uint32_t at[MAX_POOLS][POOL_SIZE + 1];
    int pool_count;
    Py_ssize_t pool_longest[MAX_POOLS];
    PyObject *text_tuple; /* owned: keeps ``texts`` alive */
    Text *texts;
    Py_ssize_t text_count;
    Py_ssize_t widest;  /* the room a page keeps for its next record: its writers' widest (a record never needs more) */
    Py_ssize_t typical; /* the longest record written so far: what a page's first records are given room for */
    DateText dates[DATE_SLOTS];
    Batch *batch; /* where a page's records are made, a batch at a time (the GIL is held: one page at a time) */
    int kernel;   /* the generated kernel that makes the batches (its place in KERNELS), or -1: the interpreter */
} Context;

/* A batch: up to BATCH records of a page made together, field by field, each operation of a field's sequences run
 * over the whole batch (one dispatch per operation and batch, not per record: the loops over a batch are tight and
 * their column reads overlap). A lane is one record of the batch. */
#define BATCH 64
typedef struct {
    int64_t v[BATCH];
    uint8_t ok[BATCH]; /* 0: absent (null) */
} Lanes;

struct Batch {
    int n;
    int64_t index[BATCH];
    uint64_t base[BATCH], bits[BATCH];
    uint8_t failed[BATCH], fault[BATCH], here[BATCH]; /* a record refused (overflow); a sequence's overflow lanes */
    /* Field f's value is made in made[f], its sequences' stack growing from there into made[f + 1]... (fields not
     * made yet: free), so a sequence's result needs no copy; extra likewise for second values. */
    Lanes made[MAX_FIELDS + MAX_STACK], extra[MAX_FIELDS + MAX_STACK];
};

static const char CONTEXT[] = "mockserver.core._pages.context";

/* Release what a context took (its columns' buffers, its code, pools and texts) and the context itself. */
static void free_context(Context *c) {
    for (int k = 0; k < c->column_count; k++) PyBuffer_Release(&c->columns[k]);
    for (int k = 0; k < c->pool_count; k++) PyMem_Free(c->packed[k]);
    for (int k = 0; k < c->write_count; k++) PyMem_Free(c->writes[k].lead);
    PyMem_Free(c->code);
    PyMem_Free(c->batch);
    PyMem_Free(c->texts);
    Py_XDECREF(c->text_tuple);
    PyMem_Free(c);
}

static void context_free(PyObject *capsule) {
    Context *c = PyCapsule_GetPointer(capsule, CONTEXT);
    if (c != NULL) free_context(c);
}

/* Whether ``view`` holds items of one of the struct format codes ``kinds`` (native or little-endian order). */
static int format_is(const Py_buffer *view, const char *kinds) {
    const char *format = view->format != NULL ? view->format : "B";
    if (*format == '@' || *format == '=' || *format == '<') format++;
    return format[0] != '\0' && format[1] == '\0' && strchr(kinds, format[0]) != NULL;
}

static int take_columns(Context *c, PyObject *columns) {
    if (!PyTuple_Check(columns) || PyTuple_GET_SIZE(columns) > MAX_COLUMNS) {
        PyErr_Format(PyExc_ValueError, "columns: a tuple of at most %d columns expected", MAX_COLUMNS);
        return -1;
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(columns); k++) {
        Py_buffer *view = &c->columns[c->column_count];
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(columns, k), view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
        c->column_count++;
        Py_ssize_t size = view->itemsize;
        if (view->ndim != 1 || !(size == 1 || size == 2 || size == 4 || size == 8) || !format_is(view, "bhilq")) {
            PyErr_Format(PyExc_ValueError, "column %zd: a 1-D column of signed integers expected", k);
            return -1;
        }
        if (view->len / size != c->count) {
            PyErr_Format(PyExc_ValueError, "column %zd: %zd values for %zd records", k, view->len / size, c->count);
            return -1;
        }
    }
    return 0;
}

/* A sequence of ints copied into a new array of int64 (or uint64 masked, ``wrap``): the sequence is copied first (a
 * tuple holds its items), as converting an item may run its ``__index__``, which may change the caller's list. */
static int64_t *take_ints(PyObject *seq, Py_ssize_t most, int wrap, const char *what, Py_ssize_t *length) {
    PyObject *fast = PySequence_Tuple(seq);
    if (fast == NULL) return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(fast);
    if (n > most) {
        PyErr_Format(PyExc_ValueError, "%s: %zd values, at most %zd", what, n, most);
        Py_DECREF(fast);
        return NULL;
    }
    int64_t *out = PyMem_Calloc(n ? (size_t)n : 1, sizeof(int64_t));
    if (out == NULL) {
        Py_DECREF(fast);
        return (int64_t *)PyErr_NoMemory();
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *item = PyTuple_GET_ITEM(fast, k);
        out[k] = wrap ? (int64_t)PyLong_AsUnsignedLongLongMask(item) : PyLong_AsLongLong(item);
        if (PyErr_Occurred()) {
            PyMem_Free(out);
            Py_DECREF(fast);
            return NULL;
        }
    }
    Py_DECREF(fast);
    *length = n;
    return out;
}

/* The longest item of a tuple of bytes of exactly ``length`` items (any length for -1). */
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

static int take_pools(Context *c, PyObject *pools) {
    if (!PyTuple_Check(pools) || PyTuple_GET_SIZE(pools) > MAX_POOLS) {
        PyErr_Format(PyExc_ValueError, "pools: a tuple of at most %d pools expected", MAX_POOLS);
        return -1;
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(pools); k++) {
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
        c->pool_longest[c->pool_count] = most;
        c->packed[c->pool_count++] = packed;
    }
    return 0;
}

static int take_texts(Context *c, PyObject *texts) {
    if (longest_of(texts, -1, "texts") < 0) return -1;
    if (PyTuple_GET_SIZE(texts) > MAX_TEXTS) return PyErr_SetString(PyExc_ValueError, "texts: too many"), -1;
    c->text_count = PyTuple_GET_SIZE(texts);
    c->texts = PyMem_Calloc(c->text_count ? (size_t)c->text_count : 1, sizeof(Text));
    if (c->texts == NULL) return PyErr_NoMemory(), -1;
    Py_INCREF(texts);
    c->text_tuple = texts;
    for (Py_ssize_t k = 0; k < c->text_count; k++) {
        PyObject *item = PyTuple_GET_ITEM(texts, k);
        c->texts[k] = (Text){PyBytes_AS_STRING(item), PyBytes_GET_SIZE(item)};
    }
    return 0;
}

/* Whether a verified sequence does arithmetic that may leave int64. */
static int may_overflow(const Context *c, const Sequence *s) {
    if (s->pc < 0) return 0;
    for (int32_t pc = s->pc; c->code[pc] != OP_END; pc += 1 + OP_OPERANDS[c->code[pc]])
        switch (c->code[pc]) {
        case OP_INDEX: case OP_ADD: case OP_SCALE: case OP_DRAW_SCALED: case OP_ADD_DRAW_SCALED: return 1;
        default: break;
        }
    return 0;
}

/* Whether a verified sequence reads its field's bits. */
static int reads_bits(const Context *c, const Sequence *s) {
    if (s->pc < 0) return 0;
    for (int32_t pc = s->pc; c->code[pc] != OP_END; pc += 1 + OP_OPERANDS[c->code[pc]])
        switch (c->code[pc]) {
        case OP_BITS: case OP_DRAW: case OP_CHANCE: case OP_DRAW_SCALED: case OP_ADD_DRAW_SCALED: case OP_AND_CHANCE:
        case OP_OR_CHANCE: return 1;
        default: break;
        }
    return 0;
}

/* Check the sequence of ``field`` starting at ``pc``: it ends, every operand is in range, it reads only fields made
 * before ``field``, and the stack holds 1 to MAX_STACK values throughout and one at its end. */
static int verify(const Context *c, int field, int32_t pc, const char *what, Sequence *out) {
    *out = (Sequence){pc};
    if (pc < 0) {
        PyErr_Format(PyExc_ValueError, "field %d: its %s starts outside the code", field, what);
        return -1;
    }
    const int64_t *code = c->code;
    int depth = 0;
    for (;;) {
        int64_t op = pc < c->code_length ? code[pc] : -1;
        if (op < 0 || op >= OP_COUNT || pc + OP_OPERANDS[op] >= c->code_length) {
            PyErr_Format(PyExc_ValueError, "field %d, %s: instruction %d is not one", field, what, pc);
            return -1;
        }
        const int64_t *arg = code + pc + 1;
        int pops = 0, pushes = 1, bad = 0;
        switch (op) {
        case OP_END:
            if (depth != 1) bad = 1;
            break;
        case OP_COLUMN: bad = arg[0] < 0 || arg[0] >= c->column_count; break;
        case OP_DRAW: /* [low, low + span - 1] within int64, span from 1 to 2**32 */
            bad = arg[1] < 1 || arg[1] > (INT64_C(1) << 32) || arg[0] > INT64_MAX - (arg[1] - 1);
            break;
        case OP_REF: bad = arg[0] < 0 || arg[0] >= field; break;
        case OP_ADD: case OP_LESS: case OP_EQUAL: case OP_AND: case OP_OR: pops = 2; break;
        case OP_SCALE: case OP_PRESENT: case OP_TRUTHY: case OP_NOT: pops = 1; break;
        case OP_MAX:
            bad = arg[0] < 1 || arg[0] > depth;
            pops = bad ? 0 : (int)arg[0];
            break;
        case OP_IF: pops = 3; break;
        case OP_CHANCE: bad = arg[0] < 0 || arg[0] > (INT64_C(1) << 32); break;
        case OP_DRAW_SCALED: case OP_ADD_DRAW_SCALED:
            bad = arg[1] < 1 || arg[1] > (INT64_C(1) << 32) || arg[0] > INT64_MAX - (arg[1] - 1);
            pops = op == OP_ADD_DRAW_SCALED;
            break;
        case OP_REF_PRESENT: bad = arg[0] < 0 || arg[0] >= field; break;
        case OP_AND_CHANCE: case OP_OR_CHANCE:
            bad = arg[0] < 0 || arg[0] > (INT64_C(1) << 32);
            pops = 1;
            break;
        case OP_LESS_CONST: case OP_EQUAL_CONST: pops = 1; break;
        default: break; /* INDEX, CONST, BITS: any operand */
        }
        if (op == OP_END && !bad) return 0;
        if (bad || pops > depth || depth - pops + pushes > MAX_STACK) {
            PyErr_Format(PyExc_ValueError, "field %d, %s: instruction %d (%s) is not valid there", field, what, pc,
                         OP_NAMES[op]);
            return -1;
        }
        depth += pushes - pops;
        pc += 1 + OP_OPERANDS[op];
    }
}

/* ``pc`` as a place in the code, or -1 when it is not one. */
static int32_t pc_of(const Context *c, int64_t pc) { return pc >= 0 && pc < c->code_length ? (int32_t)pc : -1; }

static int check_writes(Context *c) {
    for (int k = 0; k < c->write_count; k++) {
        const Write *w = &c->writes[k];
        int bad = w->field < 0 || w->field >= c->field_count || w->key < 0 || w->key >= c->text_count;
        Py_ssize_t widest = 0;
        if (!bad) switch (w->kind) {
            case W_INTEGER: widest = 20; break;
            case W_BOOLEAN: widest = 5; break;
            case W_INSTANT:
                bad = w->a <= -24 * 60 || w->a >= 24 * 60;
                widest = 1 + 15 + 12 + 6 + 1;
                break;
            case W_TEXT:
                bad = w->a < 0 || w->a >= c->pool_count;
                if (!bad) widest = c->pool_longest[w->a];
                break;
            case W_UUID:
                bad = w->a < 0 || w->a >= c->text_count || w->b < 0 || w->b >= c->text_count;
                if (!bad) widest = 2 + 36 + c->texts[w->a].n + c->texts[w->b].n;
                break;
            case W_CHOICE:
                bad = w->a < 0 || w->b < 1 || w->a > c->text_count - w->b;
                for (int64_t t = w->a; !bad && t < w->a + w->b; t++)
                    if (c->texts[t].n > widest) widest = c->texts[t].n;
                break;
            case W_ID130:
                bad = c->fields[w->field].extra.pc < 0;
                widest = 28;
                break;
            default: bad = 1;
            }
        if (bad) {
            PyErr_Format(PyExc_ValueError, "write %d: not a valid writer for field %d", k, w->field);
            return -1;
        }
        Write *v = &c->writes[k];
        v->lead_length = 1 + c->texts[w->key].n;
        size_t slot = v->lead_length > LEAD_SLOT ? (size_t)v->lead_length : LEAD_SLOT; /* (see put_lead) */
        if ((v->lead = PyMem_Calloc(1, slot)) == NULL) return PyErr_NoMemory(), -1;
        v->lead[0] = k ? ',' : '{';
        memcpy(v->lead + 1, c->texts[w->key].s, (size_t)c->texts[w->key].n);
        c->widest += v->lead_length + (widest > 4 ? widest : 4);
    }
    c->widest += 2;
    return 0;
}

static int kernel_of(const Context *c);

static PyObject *context(PyObject *self, PyObject *args) {
    PyObject *columns, *keys, *code, *fields, *writes, *pools, *texts;
    Py_ssize_t count;
    unsigned long long record_key, seed;
    if (!PyArg_ParseTuple(args, "nOKKOOOOOO", &count, &columns, &record_key, &seed, &keys, &code, &fields, &writes,
                          &pools, &texts))
        return NULL;
    if (count < 0) return PyErr_Format(PyExc_ValueError, "count: %zd records", count);
    Context *c = PyMem_Calloc(1, sizeof(Context));
    if (c == NULL) return PyErr_NoMemory();
    c->count = count;
    c->record_key = record_key;
    c->seed = seed;
    int64_t *numbers = NULL;
    Py_ssize_t n = 0;
    if (take_columns(c, columns) < 0 || take_pools(c, pools) < 0 || take_texts(c, texts) < 0) goto fail;
    if ((c->code = take_ints(code, MAX_CODE, 0, "code", &c->code_length)) == NULL) goto fail;
    if ((numbers = take_ints(keys, MAX_FIELDS, 1, "keys", &n)) == NULL) goto fail;
    c->field_count = (int)n;
    memcpy(c->keys, numbers, (size_t)n * sizeof(int64_t));
    PyMem_Free(numbers);
    if ((numbers = take_ints(fields, 3 * MAX_FIELDS, 0, "fields", &n)) == NULL) goto fail;
    if (n != 3 * c->field_count) {
        PyErr_Format(PyExc_ValueError, "fields: 3 values for each of %d fields expected", c->field_count);
        goto fail;
    }
    for (int f = 0; f < c->field_count; f++) {
        FieldCode *fc = &c->fields[f];
        fc->when = fc->extra = (Sequence){-1};
        if ((numbers[3 * f] != -1 && verify(c, f, pc_of(c, numbers[3 * f]), "rule", &fc->when) < 0) ||
            verify(c, f, pc_of(c, numbers[3 * f + 1]), "value", &fc->value) < 0 ||
            (numbers[3 * f + 2] != -1 && verify(c, f, pc_of(c, numbers[3 * f + 2]), "second value", &fc->extra) < 0))
            goto fail;
        fc->bits = reads_bits(c, &fc->when) || reads_bits(c, &fc->value) || reads_bits(c, &fc->extra);
        fc->checks = may_overflow(c, &fc->value) || may_overflow(c, &fc->extra);
        fc->when_checks = may_overflow(c, &fc->when);
    }
    PyMem_Free(numbers);
    if ((numbers = take_ints(writes, 5 * MAX_FIELDS, 0, "writes", &n)) == NULL) goto fail;
    if (n % 5) {
        PyErr_SetString(PyExc_ValueError, "writes: 5 values for each written field expected");
        goto fail;
    }
    c->write_count = (int)(n / 5);
    for (int k = 0; k < c->write_count; k++) {
        const int64_t *w = numbers + 5 * k;
        int narrow = w[0] < 0 || w[0] > INT32_MAX || w[1] < 0 || w[1] > INT32_MAX || w[2] < 0 || w[2] > INT32_MAX;
        c->writes[k] = narrow ? (Write){-1, -1, -1, 0, 0} : (Write){(int32_t)w[0], (int32_t)w[1], (int32_t)w[2], w[3], w[4]};
    }
    PyMem_Free(numbers);
    numbers = NULL;
    if (check_writes(c) < 0) goto fail;
    if ((c->batch = PyMem_Malloc(sizeof(Batch))) == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (int k = 0; k < c->write_count; k++) {
        Write *w = &c->writes[k];
        const Lanes *made = &c->batch->made[w->field], *second = w->kind == W_ID130 ? &c->batch->extra[w->field] : made;
        w->v = made->v, w->ok = made->ok, w->v2 = second->v, w->ok2 = second->ok;
    }
    c->kernel = kernel_of(c);
    PyObject *capsule = PyCapsule_New(c, CONTEXT, context_free);
    if (capsule == NULL) free_context(c);
    return capsule;
fail:
    PyMem_Free(numbers);
    free_context(c);
    return NULL;
}

/* --- Running a program -------------------------------------------------------------------------------------------- */

static inline int64_t drawn(uint64_t bits, int64_t low, int64_t span) {
    return (int64_t)(((bits & UINT64_C(0xFFFFFFFF)) * (uint64_t)span) >> 32) + low;
}

/* A column's values at the batch's records, into ``out`` (a loop of independent reads: a large dataset's reads miss
 * the caches, and such a loop overlaps the misses). */
static void gather(const Py_buffer *view, const Batch *t, int64_t *out) {
    switch (view->itemsize) {
    case 1: for (int r = 0; r < t->n; r++) out[r] = ((const int8_t *)view->buf)[t->index[r]]; break;
    case 2: for (int r = 0; r < t->n; r++) out[r] = ((const int16_t *)view->buf)[t->index[r]]; break;
    case 4: for (int r = 0; r < t->n; r++) out[r] = ((const int32_t *)view->buf)[t->index[r]]; break;
    default: for (int r = 0; r < t->n; r++) out[r] = ((const int64_t *)view->buf)[t->index[r]]; break;
    }
}

static void read_column(const Py_buffer *view, const Batch *t, Lanes *x) {
    gather(view, t, x->v);
    memset(x->ok, 1, (size_t)t->n);
}

#define LANES for (int r = 0; r < t->n; r++)

/* The first ``n`` lanes of ``from`` into ``to``. */
static inline void copy_lanes(Lanes *to, const Lanes *from, int n) {
    memcpy(to->v, from->v, (size_t)n * sizeof to->v[0]);
    memcpy(to->ok, from->ok, (size_t)n);
}

/* The (verified) sequence at ``pc`` over the batch, its value left in ``st[0]`` (the stack grows from there: the
 * verifier bounded it to MAX_STACK); a lane whose arithmetic leaves int64 has ``fault`` set (the caller counts it
 * where the sequence's value is used). Inlined where it is called: a page of a record or two calls it for every field,
 * and the call cost 4 % of such a page's instructions (callgrind). */
static inline __attribute__((always_inline)) void run(const Context *c, Batch *t, int32_t pc, Lanes *st) {
    const int64_t *code = c->code;
    int top = 0;
    for (;;) {
        int64_t op = code[pc++];
        Lanes *x = &st[top ? top - 1 : 0], *y = &st[top]; /* the top (once there is one), the slot above it */
        switch (op) {
        case OP_END: return; /* (its value is st[0]: the verifier saw one value left) */
        case OP_INDEX: {
            int64_t plus = code[pc++];
            LANES y->v[r] = checked(&t->fault[r], t->index[r], plus, 1), y->ok[r] = 1;
            top++;
            break;
        }
        case OP_COLUMN: read_column(&c->columns[code[pc++]], t, y), top++; break;
        case OP_CONST: {
            int64_t k = code[pc++];
            LANES y->v[r] = k, y->ok[r] = 1;
            top++;
            break;
        }
        case OP_BITS: LANES y->v[r] = (int64_t)t->bits[r], y->ok[r] = 1; top++; break;
        case OP_DRAW: {
            int64_t low = code[pc], span = code[pc + 1];
            pc += 2;
            LANES y->v[r] = drawn(t->bits[r], low, span), y->ok[r] = 1;
            top++;
            break;
        }
        case OP_REF: copy_lanes(y, &t->made[code[pc++]], t->n), top++; break;
        case OP_ADD: { /* absent when either side is */
            Lanes *a = &st[top - 2];
            LANES a->ok[r] = a->ok[r] & x->ok[r], a->v[r] = a->ok[r] ? checked(&t->fault[r], a->v[r], x->v[r], 1) : 0;
            top--;
            break;
        }
        case OP_SCALE: {
            int64_t k = code[pc++];
            LANES x->v[r] = x->ok[r] ? checked(&t->fault[r], 0, x->v[r], k) : 0;
            break;
        }
        case OP_MAX: { /* an absent term counts as 0 */
            int n = (int)code[pc++];
            Lanes *first = &st[top - n];
            LANES {
                int64_t most = first->ok[r] ? first->v[r] : 0;
                for (int k = 1; k < n; k++) {
                    int64_t term = first[k].ok[r] ? first[k].v[r] : 0;
                    most = term > most ? term : most;
                }
                first->v[r] = most, first->ok[r] = 1;
            }
            top -= n - 1;
            break;
        }
        case OP_IF: { /* cond, then, other */
            Lanes *cond = &st[top - 3], *then = &st[top - 2];
            LANES {
                const Lanes *chosen = cond->v[r] ? then : x; /* (read before the cond's slot is overwritten) */
                cond->v[r] = chosen->v[r], cond->ok[r] = chosen->ok[r];
            }
            top -= 2;
            break;
        }
        case OP_CHANCE: {
            int64_t threshold = code[pc++];
            LANES y->v[r] = (int64_t)(t->bits[r] >> 32) < threshold, y->ok[r] = 1;
            top++;
            break;
        }
        case OP_PRESENT: LANES x->v[r] = x->ok[r], x->ok[r] = 1; break;
        case OP_TRUTHY: LANES x->v[r] = x->ok[r] && x->v[r] != 0, x->ok[r] = 1; break;
        case OP_LESS: case OP_EQUAL: {
            Lanes *a = &st[top - 2];
            if (op == OP_LESS)
                LANES a->v[r] = a->ok[r] && x->ok[r] && a->v[r] < x->v[r], a->ok[r] = 1;
            else
                LANES a->v[r] = a->ok[r] && x->ok[r] && a->v[r] == x->v[r], a->ok[r] = 1;
            top--;
            break;
        }
        case OP_NOT: LANES x->v[r] = !x->v[r]; break;
        case OP_AND: case OP_OR: {
            Lanes *a = &st[top - 2];
            if (op == OP_AND)
                LANES a->v[r] = a->v[r] && x->v[r];
            else
                LANES a->v[r] = a->v[r] || x->v[r];
            top--;
            break;
        }
        case OP_DRAW_SCALED: case OP_ADD_DRAW_SCALED: {
            /* the scaled draw is checked for overflow even where the other side is absent, as ADD does */
            int64_t low = code[pc], span = code[pc + 1], k = code[pc + 2];
            pc += 3;
            if (op == OP_DRAW_SCALED) {
                LANES y->v[r] = checked(&t->fault[r], 0, drawn(t->bits[r], low, span), k), y->ok[r] = 1;
                top++;
            } else {
                LANES {
                    int64_t scaled = checked(&t->fault[r], 0, drawn(t->bits[r], low, span), k);
                    x->v[r] = x->ok[r] ? checked(&t->fault[r], x->v[r], scaled, 1) : 0;
                }
            }
            break;
        }
        case OP_REF_PRESENT: {
            const Lanes *f = &t->made[code[pc++]];
            LANES y->v[r] = f->ok[r], y->ok[r] = 1;
            top++;
            break;
        }
        case OP_AND_CHANCE: {
            int64_t threshold = code[pc++];
            LANES x->v[r] = x->v[r] && (int64_t)(t->bits[r] >> 32) < threshold;
            break;
        }
        case OP_OR_CHANCE: {
            int64_t threshold = code[pc++];
            LANES x->v[r] = x->v[r] || (int64_t)(t->bits[r] >> 32) < threshold;
            break;
        }
        case OP_LESS_CONST: {
            int64_t k = code[pc++];
            LANES x->v[r] = x->ok[r] && x->v[r] < k, x->ok[r] = 1;
            break;
        }
        case OP_EQUAL_CONST: {
            int64_t k = code[pc++];
            LANES x->v[r] = x->ok[r] && x->v[r] == k, x->ok[r] = 1;
            break;
        }
        default: return; /* (the verifier let no other code through) */
        }
    }
}

/* Every field of the batch's records, in table order: a field's value (and second value) only counts where its rule
 * holds, and so does an overflow in it; an overflow in a rule always counts. */
static void make_batch(const Context *c, Batch *t) {
    LANES t->base[r] = mix64(mix64((uint64_t)t->index[r] ^ c->record_key) + c->seed), t->failed[r] = 0;
    for (int f = 0; f < c->field_count; f++) {
        const FieldCode *fc = &c->fields[f];
        Lanes *made = &t->made[f], *extra = &t->extra[f];
        if (fc->bits) LANES t->bits[r] = mix64(t->base[r] ^ c->keys[f]);
        int ruled = fc->when.pc >= 0;
        if (ruled) {
            if (fc->when_checks) memset(t->fault, 0, (size_t)t->n);
            run(c, t, fc->when.pc, made);
            LANES t->here[r] = made->v[r] != 0;
            if (fc->when_checks) LANES t->failed[r] |= t->fault[r];
        }
        if (fc->checks) memset(t->fault, 0, (size_t)t->n);
        run(c, t, fc->value.pc, made);
        if (fc->extra.pc >= 0) run(c, t, fc->extra.pc, extra);
        if (ruled) {
            LANES made->ok[r] &= t->here[r];
            if (fc->extra.pc >= 0) LANES extra->ok[r] &= t->here[r];
        }
        if (fc->checks) LANES t->failed[r] |= t->fault[r] & (ruled ? t->here[r] : 1);
    }
}

/* --- Generated kernels ------------------------------------------------------------------------------------------- */

/* A shipped table's make phase as straight-line C (``core/kernels.py`` writes them at build time, from the tables'
 * fields): one pass over the batch's records computing every field in locals, what ``make_batch`` computes. Used for
 * a verified program of exactly its shape: the same field count, code length, field starts, operation at each place
 * and structural operands (``shape``: pairs of a place and its value); it reads every other operand from the code. */
typedef struct {
    const char *name;
    int field_count;
    Py_ssize_t code_length;
    const int32_t *starts; /* 3 per field, as ``fields`` gives them */
    const int64_t (*shape)[2];
    int shape_count;
    void (*make)(const Context *, Batch *);
} Kernel;

static inline int64_t max64(int64_t a, int64_t b) { return b > a ? b : a; }

#if defined(__has_include)
#if __has_include("_pages_kernels.h")
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-variable"
#include "_pages_kernels.h"
#pragma GCC diagnostic pop
#endif
#endif
#ifndef KERNEL_COUNT
#define KERNEL_COUNT 0
#endif

/* The kernel of the context's (verified) program, or -1. */
static int kernel_of(const Context *c) {
#if KERNEL_COUNT
    for (int k = 0; k < KERNEL_COUNT; k++) {
        const Kernel *kn = &KERNELS[k];
        int same = kn->field_count == c->field_count && kn->code_length == c->code_length;
        for (int f = 0; same && f < c->field_count; f++)
            same = kn->starts[3 * f] == c->fields[f].when.pc && kn->starts[3 * f + 1] == c->fields[f].value.pc &&
                   kn->starts[3 * f + 2] == c->fields[f].extra.pc;
        for (int s = 0; same && s < kn->shape_count; s++)
            same = kn->shape[s][0] >= 0 && kn->shape[s][0] < c->code_length && c->code[kn->shape[s][0]] == kn->shape[s][1];
        if (same) return k;
    }
#else
    (void)c;
#endif
    return -1;
}

/* The string of pool ``pool`` that ``bits`` pick, written out. */
static void put_pick(Out *o, const Context *c, int64_t pool, uint64_t bits) {
    const uint32_t *at = c->at[pool] + (bits & (POOL_SIZE - 1));
    put(o, c->packed[pool] + at[0], at[1] - at[0]);
}

static void put_text(Out *o, const Text *t) { put(o, t->s, (size_t)t->n); }

/* What is written before a field's value: a lead of up to LEAD_SLOT bytes is copied as a whole slot (a copy of a
 * size known when compiled, done in a few moves, where a copy of any size calls memcpy), then the end moved back to
 * the lead's end; only where the room holds the slot. */
static inline void put_lead(Out *o, const Write *w) {
    if (w->lead_length <= LEAD_SLOT && !o->full && o->end - o->at >= LEAD_SLOT) {
        memcpy(o->at, w->lead, LEAD_SLOT);
        o->at += w->lead_length;
    } else {
        put(o, w->lead, (size_t)w->lead_length);
    }
}

/* Record ``r`` of the batch (made by ``make_batch``), written in the written order. */
static void write_record(const Context *c, const Batch *t, int r, Out *o) {
    if (t->failed[r]) {
        fail(o, OVERFLOW);
        return;
    }
    if (c->write_count == 0) PUT(o, "{");
    for (int k = 0; k < c->write_count; k++) {
        const Write *w = &c->writes[k];
        Value v = {w->v[r], w->ok[r] & w->ok2[r]};
        put_lead(o, w);
        if (!v.ok) {
            PUT(o, "null");
            continue;
        }
        switch (w->kind) {
        case W_INTEGER: put_int(o, v.v); break;
        case W_BOOLEAN:
            if (v.v)
                PUT(o, "true");
            else
                PUT(o, "false");
            break;
        case W_INSTANT: put_instant(o, v.v, (int)w->a); break;
        case W_TEXT: put_pick(o, c, w->a, (uint64_t)v.v); break;
        case W_UUID:
            PUT(o, "\"");
            put_text(o, &c->texts[w->a]);
            put_uuid(o, (uint64_t)v.v);
            put_text(o, &c->texts[w->b]);
            PUT(o, "\"");
            break;
        case W_CHOICE:
            if (v.v < 0 || v.v >= w->b) {
                o->field = w->field;
                fail(o, NO_CHOICE);
                return;
            }
            put_text(o, &c->texts[w->a + v.v]);
            break;
        default: /* W_ID130 (the context let no other writer through) */
            put_id130(o, (uint64_t)v.v, (uint64_t)w->v2[r]);
            break;
        }
        if (o->failed) return;
    }
    PUT(o, "}");
}

/* --- Pages -------------------------------------------------------------------------------------------------------- */


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

/* A page: its records' JSON as one JSON array, each index checked against the dataset; the bytes object grows by
 * doubling while records are written into it, and is cut to size at the end. */

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

static PyObject *page(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) return PyErr_Format(PyExc_TypeError, "(context, indexes) expected, got %zd arguments", nargs);
    Context *c = PyCapsule_GetPointer(args[0], CONTEXT); /* a ValueError for another capsule */
    if (c == NULL) return NULL;
    Indexes ix;
    if (open_indexes(args[1], &ix) < 0) return NULL;
    /* room for the page's records (its first 1,024) as long as the longest yet, and for one as wide as any */
    Py_ssize_t size = 2 + (ix.n < 1024 ? ix.n : 1024) * c->typical + c->widest, length = 0;
    PyObject *out = PyBytes_FromStringAndSize(NULL, size);
    if (out == NULL) goto fail;
    PyBytes_AS_STRING(out)[length++] = '[';
    Batch *t = c->batch;
    for (Py_ssize_t k = 0; k < ix.n;) {
        /* the next batch: up to BATCH records, ending before an index outside the dataset (refused once the
         * records before it are written, as one record at a time would) */
        int bad = 0;
        long long index = 0;
        for (t->n = 0; t->n < BATCH && k + t->n < ix.n; t->n++) {
            if (index_at(&ix, k + t->n, &index) < 0) goto fail;
            if (index < 0 || index >= c->count) {
                bad = 1;
                break;
            }
            t->index[t->n] = (int64_t)index;
        }
#if KERNEL_COUNT
        if (c->kernel >= 0)
            KERNELS[c->kernel].make(c, t);
        else
#endif
            make_batch(c, t);
        for (int r = 0; r < t->n; r++, k++) {
            /* room for a record as wide as any: the record is written once (that it fits is checked, not assumed) */
            if (size - length < c->widest + 2 && grow(&out, &size, c->widest) < 0) goto fail;
            for (;;) {
                char *start = PyBytes_AS_STRING(out);
                Out o = {start + length, start + size, c->dates, 0, FINE, 0};
                if (k) PUT(&o, ",");
                write_record(c, t, r, &o);
                if (o.failed) {
                    if (o.failed == OVERFLOW)
                        PyErr_Format(PyExc_OverflowError, "record %lld: a value outside 64-bit integers",
                                     (long long)t->index[r]);
                    else
                        PyErr_Format(PyExc_ValueError, "record %lld: field %d's value is not one of its choices",
                                     (long long)t->index[r], o.field);
                    goto fail;
                }
                if (!o.full) {
                    if (o.at - (start + length) > c->typical) c->typical = o.at - (start + length); /* learnt */
                    length = o.at - start;
                    break;
                }
                if (grow(&out, &size, c->widest) < 0) goto fail; /* then the record again, from its start */
            }
        }
        if (bad) {
            PyErr_Format(PyExc_IndexError, "record %lld of %zd", index, c->count);
            goto fail;
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


/* --- The module --------------------------------------------------------------------------------------------------- */

/* The name of the generated kernel that makes the context's batches, or None (the interpreter does). */
static PyObject *kernel(PyObject *self, PyObject *capsule) {
    Context *c = PyCapsule_GetPointer(capsule, CONTEXT);
    if (c == NULL) return NULL;
#if KERNEL_COUNT
    if (c->kernel >= 0) return PyUnicode_FromString(KERNELS[c->kernel].name);
#endif
    Py_RETURN_NONE;
}

static PyMethodDef METHODS[] = {
    {"kernel", kernel, METH_O, "kernel(context) -> the name of the generated kernel that makes its batches, or None."},
    {"context", context, METH_VARARGS, "A dataset's compiled table, for page."},
    {"page", (PyCFunction)(void (*)(void))page, METH_FASTCALL, "page(context, indexes) -> the records' JSON array."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {PyModuleDef_HEAD_INIT, "mockserver.core._pages", NULL, -1, METHODS};

/* A tuple of the C strings ``names``. */
static PyObject *names_of(const char *const *names, int count) {
    PyObject *tuple = PyTuple_New(count);
    for (int k = 0; tuple != NULL && k < count; k++) {
        PyObject *name = PyUnicode_FromString(names[k]);
        if (name == NULL) Py_CLEAR(tuple);
        else PyTuple_SET_ITEM(tuple, k, name);
    }
    return tuple;
}

PyMODINIT_FUNC PyInit__pages(void) {
    PyObject *module = PyModule_Create(&MODULE);
    if (module == NULL) return NULL;
    PyObject *ops = names_of(OP_NAMES, OP_COUNT), *writers = names_of(WRITER_NAMES, W_COUNT);
    if (ops == NULL || PyModule_AddObject(module, "OPS", ops) < 0) goto fail;
    ops = NULL;
    if (writers == NULL || PyModule_AddObject(module, "WRITERS", writers) < 0) goto fail;
    return module;
fail:
    Py_XDECREF(ops);
    Py_XDECREF(writers);
    Py_DECREF(module);
    return NULL;
}
