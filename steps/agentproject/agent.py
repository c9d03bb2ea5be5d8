"""The workshop's agent: a Strands agent served by AgentCore Runtime.

Nothing in this file checks tokens. The runtime's JWT authorizer has already
refused every caller without a valid Cognito access token before this code
runs. The only identity work here is outbound: asking AgentCore Identity for
a token to an external service, on behalf of the user who called us.
"""
import asyncio

from bedrock_agentcore.identity.auth import requires_access_token
from bedrock_agentcore.runtime import BedrockAgentCoreApp
from strands import Agent, tool
from strands_tools import calculator

app = BedrockAgentCoreApp()

MODEL_ID = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"

# The authorization URL, when AgentCore Identity says the user must consent.
pending_consent = {"url": None}


@tool
def weather(city: str = "Seattle") -> str:
    """Tell the weather (a fixed answer: this tool is a placeholder)."""
    return f"It is sunny in {city}."


@requires_access_token(
    provider_name="ExternalServiceProvider",  # the OAuth2 credential provider
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
    token = await task
    return f"Connected to the external service (token of {len(token)} characters, kept in the vault)."


agent = Agent(
    model=MODEL_ID,
    tools=[calculator, weather, check_external_service],
    system_prompt=(
        "You are a helpful assistant. You can calculate, tell the weather and reach an "
        "external service. When that service needs the user's consent, show the URL."
    ),
)


@app.entrypoint
async def invoke(payload, context):
    prompt = payload.get("prompt", "")
    result = await agent.invoke_async(prompt)
    return {"response": str(result.message.get("content", [{}])[0].get("text", ""))}


if __name__ == "__main__":
    app.run()
