"""NOT the SDK's app.py: a stand-in for BedrockAgentCoreApp without HTTP.

The SDK's app is a starlette server; starlette is not installed where the
workshop's tests run. This class keeps the two things of it that the
identity path depends on, copied from the SDK's app.py (commit in
README.md):

- entrypoint() registers the handler, and a handler whose second
  parameter is named "context" gets one (_takes_context).
- invoke() does what _build_request_context does with the runtime's
  request headers before the handler runs: the workload access token
  (X-Amz-Bedrock-AgentCore-Identity-WAT, else WorkloadAccessToken), the
  OAuth2CallbackUrl and the session id go into BedrockAgentCoreContext,
  where requires_access_token reads them. The handler runs in a copy of
  that context, as _invoke_handler runs it.
"""

import asyncio
import contextvars
import inspect
import uuid

from .context import BedrockAgentCoreContext

# The SDK's header names (runtime/models.py).
SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
REQUEST_ID_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Request-Id"
ACCESS_TOKEN_HEADER = "WorkloadAccessToken"  # nosec
IDENTITY_WAT_HEADER = "X-Amz-Bedrock-AgentCore-Identity-WAT"  # nosec
OAUTH2_CALLBACK_URL_HEADER = "OAuth2CallbackUrl"


class RequestContext:
    """What a handler taking "context" gets (the SDK's is a pydantic model)."""

    def __init__(self, session_id, request_headers):
        self.session_id = session_id
        self.request_headers = request_headers


class BedrockAgentCoreApp:
    """The entrypoint registry and request-context setup of the SDK's app."""

    def __init__(self, *args, **kwargs):
        self.handlers = {}

    def entrypoint(self, func):
        self.handlers["main"] = func
        return func

    def run(self, *args, **kwargs):
        raise RuntimeError("this stand-in serves no HTTP; call invoke()")

    def invoke(self, payload, headers):
        """Run the entrypoint for one request with the runtime's headers."""
        return contextvars.copy_context().run(self._invoke, payload, headers)

    def _invoke(self, payload, headers):
        session_id = headers.get(SESSION_HEADER)
        BedrockAgentCoreContext.set_request_context(headers.get(REQUEST_ID_HEADER) or str(uuid.uuid4()), session_id)
        wat = headers.get(IDENTITY_WAT_HEADER) or headers.get(ACCESS_TOKEN_HEADER)
        if wat:
            BedrockAgentCoreContext.set_workload_access_token(wat)
        callback = headers.get(OAUTH2_CALLBACK_URL_HEADER)
        if callback:
            BedrockAgentCoreContext.set_oauth2_callback_url(callback)

        handler = self.handlers["main"]
        params = list(inspect.signature(handler).parameters)
        args = (payload, RequestContext(session_id, dict(headers))) if len(params) >= 2 and params[1] == "context" else (payload,)
        result = handler(*args)
        if inspect.iscoroutine(result):
            result = asyncio.run(result)
        return result
