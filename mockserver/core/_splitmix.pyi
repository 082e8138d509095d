# The column draws written in C (_splitmix.c): what it takes is described there.
import numpy as np
import numpy.typing as npt

def finish(flat: npt.NDArray[np.uint64], key: int | None, seed: int, /) -> None: ...
