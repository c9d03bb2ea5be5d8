"""Runs the workshop's agent.py with the AgentCore Python SDK's identity code.

Plays the parts around agent.py that are not Python on this machine: the
runtime (it mints the workload access token from the caller's JWT and
hands it to the app in the request headers) and the toolkit's return-URL
server (it binds a consent session to the user). Every AgentCore call
goes through the SDK's IdentityClient and boto3, to the endpoint in the
environment (AWS_ENDPOINT_URL*), which must be on loopback.

  python3 harness.py check            exit 0 when boto3 knows bedrock-agentcore,
                                      2 without boto3, 3 when it is too old
  python3 harness.py invoke agent.py  stdin {"workload", "user_token" (may be ""), "headers", "payload"}
  python3 harness.py complete         stdin {"session_uri", "user_token"}

  python3 harness.py spec a.py b.py   what each agent.py gives requires_access_token and Agent

invoke, complete and spec print one JSON document on stdout.
"""

import importlib.util
import ipaddress
import json
import os
import sys
from urllib.parse import urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
# The SDK copy and the Strands stand-in win over anything installed: the
# test is about this SDK code, and a real Strands Agent would call a model.
sys.path[:0] = [os.path.join(HERE, "sdk"), os.path.join(HERE, "shims")]
# The pydantic stand-in only where pydantic is not installed.
sys.path.append(os.path.join(HERE, "fallback"))

REGION = os.environ.get("AWS_REGION", "")


def check():
    try:
        import boto3
        import botocore
    except ImportError as e:
        print(f"no boto3: {e}")
        return 2
    services = boto3.session.Session().get_available_services()
    if "bedrock-agentcore" not in services or "bedrock-agentcore-control" not in services:
        print(f"botocore {botocore.__version__} does not know bedrock-agentcore (1.39 or newer does)")
        return 3
    print(f"boto3 {boto3.__version__}, botocore {botocore.__version__}")
    return 0


def loopback_only(client):
    """Refuse to run unless the client talks to loopback: a test must never
    reach AWS, whatever the environment forgot to set."""
    host = urlparse(client.meta.endpoint_url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        sys.exit(f"harness: {client.meta.service_model.service_name} would call {client.meta.endpoint_url}, not loopback")


def identity_client():
    from bedrock_agentcore.services.identity import IdentityClient

    c = IdentityClient(REGION)
    loopback_only(c.dp_client)
    loopback_only(c.cp_client)
    return c


def invoke(agent_py, req):
    # The runtime: a workload access token for (the runtime's workload
    # identity, the caller), from the caller's JWT. identity_client()
    # checks the endpoints before agent.py's decorator builds its own
    # IdentityClient from the same environment.
    # No user token: a SigV4 call without a user id, which gets none.
    client = identity_client()
    headers = dict(req.get("headers") or {})
    if req.get("user_token"):
        wat = client.get_workload_access_token(req["workload"], user_token=req["user_token"])["workloadAccessToken"]
        headers["WorkloadAccessToken"] = wat
        headers["X-Amz-Bedrock-AgentCore-Identity-WAT"] = wat

    # The container: agent.py imported as its module, as `python agent.py`
    # would run it (requires_access_token builds its IdentityClient here).
    return load("agent", agent_py).app.invoke(req["payload"], headers)


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spec(paths):
    """What Python makes of each agent.py: the arguments its
    requires_access_token decorators get, and the model and tools of the
    Agent its entrypoint builds (asked for the weather, so no identity
    call is made). An agent.py that fails to import reports the error."""
    from bedrock_agentcore.identity import auth
    from strands import Agent

    identity_client()  # the decorators' clients will be built from this environment
    real = auth.requires_access_token
    out = []
    for i, path in enumerate(paths):
        calls = []

        def recording(**kw):
            calls.append({k: kw.get(k) for k in ("provider_name", "scopes", "auth_flow", "callback_url")})
            return real(**kw)

        # agent.py imports the name from this module when it is loaded.
        auth.requires_access_token = recording
        try:
            module = load(f"agent{i}", path)
        except Exception as e:
            out.append({"import_error": f"{type(e).__name__}: {e}"})
            continue
        finally:
            auth.requires_access_token = real
        Agent.made.clear()
        module.app.invoke({"prompt": "call weather"}, {})
        made = Agent.made[-1]
        out.append({"decorators": calls, "model": made.model, "tools": list(made.tools)})
    return out


def complete(req):
    # The toolkit's return-URL server: bind the session to the user whose
    # JWT the runtime minted the workload access token from.
    from bedrock_agentcore.services.identity import UserTokenIdentifier

    identity_client().complete_resource_token_auth(req["session_uri"], UserTokenIdentifier(user_token=req["user_token"]))
    return {"completed": req["session_uri"]}


def main(argv):
    if argv[1:2] == ["check"]:
        return check()
    if argv[1:2] == ["spec"]:
        json.dump(spec(argv[2:]), sys.stdout)
        return 0
    req = json.load(sys.stdin)
    if argv[1:2] == ["invoke"] and len(argv) == 3:
        out = invoke(argv[2], req)
    elif argv[1:2] == ["complete"]:
        out = complete(req)
    else:
        sys.exit(__doc__)
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
