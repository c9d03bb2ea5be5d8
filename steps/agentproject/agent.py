"""The workshop's agent: a Strands agent served by AgentCore Runtime.

Nothing in this file checks tokens. The runtime's JWT authorizer has already
refused every caller without a valid Cognito access token before this code
runs. The only identity work here is outbound: asking AgentCore Identity for
a token to an external service, on behalf of the user who called us.
"""
import base64
import contextvars
import json
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

# What the external-service tool did during this invocation, returned beside
# the model's answer: the workshop reads the tool's result, not the model's
# retelling of it.
tool_results = contextvars.ContextVar("tool_results")


class ConsentRequired(Exception):
    """AgentCore Identity answered with an authorization URL."""

    def __init__(self, url):
        super().__init__(url)
        self.url = url


def hand_back_url(url):
    # The SDK calls this with the authorization URL and would then poll
    # for up to 600 s. Raising stops it: the URL goes back to the caller,
    # who consents in a browser, binds the session and asks again once.
    raise ConsentRequired(url)


@tool
def weather(city: str = "Seattle") -> str:
    """Tell the weather (a fixed answer: this tool is a placeholder)."""
    return f"It is sunny in {city}."


def vault_token(force_authentication):
    """A function that asks AgentCore Identity for this user's token to the
    external service: the token vault's, once the user has consented, else
    an authorization URL (handed to hand_back_url)."""

    @requires_access_token(
        # The OAuth2 credential provider: configure named it, launch passes
        # the name to the runtime as CREDENTIAL_PROVIDER.
        provider_name=os.environ["CREDENTIAL_PROVIDER"],
        scopes=["openid"],
        auth_flow="USER_FEDERATION",  # 3-legged: the user consents in a browser
        # Session binding: after consent the browser returns here with a
        # session_id, and the app that started the flow calls
        # CompleteResourceTokenAuth for the user. The URL must be one of the
        # workload identity's allowedResourceOauth2ReturnUrls.
        callback_url=os.environ.get("OAUTH2_RETURN_URL"),
        on_auth_url=hand_back_url,
        # True asks for a new consent even when the vault holds a token
        # (GetResourceOauth2Token's forceAuthentication).
        force_authentication=force_authentication,
    )
    async def token(*, access_token: str) -> str:
        return access_token

    return token


# The decorator fixes its arguments when it wraps a function
# (bedrock-agentcore-sdk-python, identity/auth.py: requires_access_token),
# so each value of force_authentication is a function of its own.
external_token = vault_token(force_authentication=False)
# AgentCore Identity has no API that deletes a token from the vault. To be
# shown the consent again, invoke with {"prompt": ..., "force_consent": true}:
# the tool then asks for "a new 3LO flow, regardless of any existing session".
external_token_fresh_consent = vault_token(force_authentication=True)

# Whether this invocation asked for a fresh consent; the tool reads it.
force_consent = contextvars.ContextVar("force_consent", default=False)


def claims_of(token):
    """The token's non-secret claims, read without verifying it: whose
    token the vault handed out, never the token itself."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except Exception:
        return None  # not a JWT: an opaque token has no claims to show
    keep = ("iss", "sub", "username", "cognito:username", "client_id", "token_use", "scope", "aud", "exp")
    return {k: claims[k] for k in keep if k in claims}


@tool
async def check_external_service() -> str:
    """Call the external service on the user's behalf."""
    result = {"provider": os.environ.get("CREDENTIAL_PROVIDER")}
    get_token = external_token_fresh_consent if force_consent.get() else external_token
    try:
        token = await get_token()
    except ConsentRequired as c:
        result.update(status="consent_required", authorization_url=c.url)
    except Exception as e:  # e.g. ResourceNotFoundException: no such provider
        result.update(status="failed", error=f"{type(e).__name__}: {e}")
    else:
        result.update(
            status="connected",
            token_source="AgentCore Identity token vault",
            token_length=len(token),
            token_claims=claims_of(token),
        )
    results = tool_results.get(None)
    if results is not None:
        results.append(result)
    return json.dumps(result)


SYSTEM_PROMPT = (
    "You are a helpful assistant. You can calculate, tell the weather and reach an "
    "external service. When that service needs the user's consent, show the URL."
)


@app.entrypoint
async def invoke(payload, context):
    prompt = payload.get("prompt", "")
    results = []
    tool_results.set(results)
    force_consent.set(bool(payload.get("force_consent")))
    # A fresh Agent per invocation, as the starter toolkit's template does:
    # a module-level Agent would carry every caller's history into the next.
    agent = Agent(
        model=MODEL_ID,
        tools=[calculator, weather, check_external_service],
        system_prompt=SYSTEM_PROMPT,
    )
    result = await agent.invoke_async(prompt)
    return {
        "response": str(result.message.get("content", [{}])[0].get("text", "")),
        # The tool's own result, when the model called it.
        "external_service": results[-1] if results else None,
    }


if __name__ == "__main__":
    app.run()
