"""A buffer with any struct format, as a C extension that exports one may describe it (numpy and memoryview never
write an empty format): the C modules' checks of what they are given are tested with it."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy.typing as npt


class _PyBuffer(ctypes.Structure):
    """CPython's ``Py_buffer`` (Include/pybuffer.h)."""

    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.c_void_p),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_void_p),
        ("shape", ctypes.c_void_p),
        ("strides", ctypes.c_void_p),
        ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    ]


_from_buffer = ctypes.pythonapi.PyMemoryView_FromBuffer
_from_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]
_from_buffer.restype = ctypes.py_object
_libc = ctypes.CDLL(None)
_libc.calloc.argtypes, _libc.calloc.restype = [ctypes.c_size_t, ctypes.c_size_t], ctypes.c_void_p
_libc.free.argtypes, _libc.free.restype = [ctypes.c_void_p], None


@contextmanager
def with_format(array: npt.NDArray[Any], format: bytes) -> Iterator[memoryview]:
    """A writable memoryview of ``array``'s memory (1-D) whose format is ``format``, held in a heap block of exactly
    its length plus the terminating NUL (so that a read past the terminator is a heap overflow under
    AddressSanitizer). ``array`` must outlive the view, which is released on exit."""
    assert array.ndim == 1 and array.flags.c_contiguous
    text = _libc.calloc(len(format) + 1, 1)
    ctypes.memmove(text, format, len(format))
    shape = (ctypes.c_ssize_t * 1)(len(array))
    info = _PyBuffer(
        buf=array.ctypes.data,
        len=array.nbytes,
        itemsize=array.itemsize,
        readonly=0,
        ndim=1,
        format=text,
        shape=ctypes.addressof(shape),
    )
    view: memoryview = _from_buffer(ctypes.byref(info))
    try:
        yield view
    finally:
        view.release()
        _libc.free(text)
