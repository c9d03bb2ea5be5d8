"""NOT strands-agents-tools: agent.py imports its calculator, which the
workshop's identity test never calls."""


def calculator(expression: str) -> str:
    raise NotImplementedError("the identity test's stand-in has no calculator")
