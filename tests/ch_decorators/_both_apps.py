"""Both apps of wraps_fastapi.py behind one uvicorn process (one start, not two)."""

from starlette.applications import Starlette
from starlette.routing import Mount

from ch_decorators.wraps_fastapi import app as fixed_app
from ch_decorators.wraps_fastapi import broken_app

app = Starlette(
    routes=[Mount("/broken", app=broken_app), Mount("/fixed", app=fixed_app)]
)
