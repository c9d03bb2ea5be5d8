"""BedrockAgentCore Runtime Package.

Workshop edit: the SDK's package exports its starlette HTTP app, the A2A,
AG-UI and shell modules and a runtime client. This copy exports the
request context (the SDK's own context.py) and runtime/app.py, a stand-in
for the HTTP app that is NOT the SDK's code (see app.py and README.md).
"""

from .app import BedrockAgentCoreApp
from .context import BedrockAgentCoreContext

__all__ = [
    "BedrockAgentCoreApp",
    "BedrockAgentCoreContext",
]
