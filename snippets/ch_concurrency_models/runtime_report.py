"""Which CPython is this: GIL or free-threaded, and are subinterpreters exposed?"""

from __future__ import annotations

import importlib.util
import sys
import sysconfig


# [start report]
def runtime_report() -> dict[str, object]:
    """Facts a service should log at startup before trusting its concurrency."""
    gil_check = getattr(sys, "_is_gil_enabled", None)  # new in 3.13
    return {
        "version": sys.version_info[:3],
        # 1 only on a free-threaded build (python3.13t, python3.14t).
        "free_threaded_build": sysconfig.get_config_var("Py_GIL_DISABLED") == 1,
        # Even that build turns the GIL back on for an extension that has not
        # declared support, unless PYTHON_GIL=0 or -X gil=0 overrides it.
        "gil_enabled": gil_check() if gil_check is not None else True,
        "switch_interval_s": sys.getswitchinterval(),
        # PEP 734: the Python API for subinterpreters, new in 3.14.
        "concurrent.interpreters": importlib.util.find_spec("concurrent.interpreters")
        is not None,
    }


# [end report]


if __name__ == "__main__":
    report = runtime_report()
    if sys.version_info < (3, 13):
        assert report["free_threaded_build"] is False
        assert report["gil_enabled"] is True
    if sys.version_info < (3, 14):
        assert report["concurrent.interpreters"] is False
