"""The chapter's app with a completer that fails in a way nobody planned for.

Support for a test that runs the app under a real uvicorn process. Importing it
changes the shared app's dependency overrides; tests of that app set or clear
them themselves.
"""

from __future__ import annotations

from ch_exceptions.problem_app import app, get_completer

SECRET = "postgres://svc:hunter2@db.internal/llm"


class BrokenCompleter:
    async def complete(self, prompt: str) -> str:
        raise RuntimeError(f"could not reach {SECRET}")


app.dependency_overrides[get_completer] = BrokenCompleter
