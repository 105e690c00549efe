"""Retry layers multiply: the SDK's retries times yours times the gateway's."""

import httpx2
import openai

MESSAGES: list[openai.types.chat.ChatCompletionMessageParam] = [
    {"role": "user", "content": "hi"}
]


# [start sdk-config]
def make_sdk_client(base_url: str, *, max_retries: int) -> openai.AsyncOpenAI:
    """The SDK retries on its own (2 retries by default) with a 600 s timeout."""
    return openai.AsyncOpenAI(
        base_url=f"{base_url}/v1",
        api_key="not-a-real-key",
        max_retries=max_retries,  # 0: this layer does not retry at all
        timeout=httpx2.Timeout(30.0, connect=3.0),  # not the 10-minute default
    )


# [end sdk-config]


# [start layers]
async def app_call(sdk: openai.AsyncOpenAI, attempts: int) -> str | None:
    """Our own retry loop around the SDK call (the second layer)."""
    for _ in range(attempts):
        try:
            completion = await sdk.chat.completions.create(
                model="fake-1", messages=MESSAGES
            )
        except openai.APIStatusError:
            continue  # (no backoff here, to keep the count simple)
        return completion.choices[0].message.content
    return None


async def gateway_call(sdk: openai.AsyncOpenAI, attempts: int, tries: int) -> None:
    """A gateway that re-sends a failed request (the third layer)."""
    for _ in range(tries):
        if await app_call(sdk, attempts) is not None:
            return


# [end layers]
