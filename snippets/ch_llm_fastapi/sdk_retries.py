"""The OpenAI SDK retries on its own: count its attempts at the vendor."""

from __future__ import annotations

import openai


# [start sdk-client]
def make_client(vendor_url: str, *, max_retries: int) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=f"{vendor_url}/v1",
        api_key="test-key",
        max_retries=max_retries,  # the default is 2: three attempts per call
        timeout=openai.Timeout(10.0, connect=2.0),  # the default is 600 s
    )


def ask(client: openai.OpenAI) -> str:
    completion = client.chat.completions.create(
        model="fake-1", messages=[{"role": "user", "content": "hello"}]
    )
    return completion.choices[0].message.content or ""


# [end sdk-client]
