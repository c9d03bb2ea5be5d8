"""BedrockAgentCore Runtime SDK - A Python SDK for building and deploying AI agents."""

# Workshop edit: only the names agent.py and the identity path use. The
# SDK exports RequestContext and PingStatus too; they belong to its HTTP
# app (starlette, pydantic), which this copy replaces with runtime/app.py.
from .runtime import BedrockAgentCoreApp, BedrockAgentCoreContext

__all__ = [
    "BedrockAgentCoreApp",
    "BedrockAgentCoreContext",
]
