"""server layer.

Connexion imports Starlette's test client at import time, and Starlette warns there when its test dependency
(``httpx2``) is not installed, as in a plain install: the mock never uses that client, so that one warning is
silenced before Connexion is first imported (by any module of this package).
"""

import warnings

warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient` is deprecated")
