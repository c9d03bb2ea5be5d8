"""The workshop's agent: a Strands agent served by AgentCore Runtime.

Nothing in this file checks tokens. The runtime's JWT authorizer has already
refused every caller without a valid Cognito access token before this code
runs. The only identity work here is outbound: asking AgentCore Identity for
a token to an external service, on behalf of the user who called us.
"""
import asyncio
import os

from bedrock_agentcore.identity.auth import requires_access_token
from bedrock_agentcore.runtime import BedrockAgentCoreApp
from strands import Agent, tool
from strands_tools import calculator

app = BedrockAgentCoreApp()

# A cross-region inference profile that this runtime's region serves: the
# workshop writes the one for your region (us., eu. or apac.); --model
# chooses another.
MODEL_ID = "{{MODEL_ID}}"

# The authorization URL, when AgentCore Identity says the user must consent.
pending_consent = {"url": None}


@tool
def weather(city: str = "Seattle") -> str:
    """Tell the weather (a fixed answer: this tool is a placeholder)."""
    return f"It is sunny in {city}."


@requires_access_token(
    # The OAuth2 credential provider: configure named it, launch passes the
    # name to the runtime as CREDENTIAL_PROVIDER.
    provider_name=os.environ["CREDENTIAL_PROVIDER"],
    scopes=["openid"],
    auth_flow="USER_FEDERATION",  # 3-legged: the user consents in a browser
    on_auth_url=lambda url: pending_consent.update(url=url),
    force_authentication=False,
)
async def external_token(*, access_token: str) -> str:
    return access_token


@tool
async def check_external_service() -> str:
    """Call the external service on the user's behalf."""
    pending_consent["url"] = None
    task = asyncio.create_task(external_token())
    await asyncio.sleep(0.5)
    if pending_consent["url"]:
        task.cancel()
        return (
            "Authorization required. Open this URL, sign in and consent, then ask again "
            "in the same session:\n" + pending_consent["url"]
        )
    try:
        token = await task
    except Exception as e:  # e.g. ResourceNotFoundException: no such provider
        return f"Failed to authenticate to the external service: {type(e).__name__}: {e}"
    return f"Connected to the external service (token of {len(token)} characters, kept in the vault)."


SYSTEM_PROMPT = (
    "You are a helpful assistant. You can calculate, tell the weather and reach an "
    "external service. When that service needs the user's consent, show the URL."
)


@app.entrypoint
async def invoke(payload, context):
    prompt = payload.get("prompt", "")
    # A fresh Agent per invocation, as the starter toolkit's template does:
    # a module-level Agent would carry every caller's history into the next.
    agent = Agent(
        model=MODEL_ID,
        tools=[calculator, weather, check_external_service],
        system_prompt=SYSTEM_PROMPT,
    )
    result = await agent.invoke_async(prompt)
    return {"response": str(result.message.get("content", [{}])[0].get("text", ""))}


if __name__ == "__main__":
    app.run()
