"""Each API's record fields, one module per API (``FIELDS``), in pure Python: the build imports them without the
package's dependencies and generates each table's native kernel (``core/kernels.py``)."""
