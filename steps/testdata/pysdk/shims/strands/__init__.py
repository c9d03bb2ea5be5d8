"""NOT Strands: the two names agent.py imports from it, with no model.

The workshop's test runs agent.py's identity path, not a model. Agent
follows one script: the prompt "call <tool>" calls the tool of that name
with no arguments, and the answer's text is what the tool returned, in
the shape agent.py reads (result.message["content"][0]["text"]). Any
other prompt is refused, so a test cannot pass without the tool running.
"""

import inspect


def tool(func):
    """Strands' @tool registers a function as a tool; here it stays itself."""
    return func


class _Result:
    def __init__(self, text):
        self.message = {"role": "assistant", "content": [{"text": text}]}


class Agent:
    # Every Agent built, for harness.py's spec command to read.
    made = []

    def __init__(self, model=None, tools=None, system_prompt=None, **kwargs):
        Agent.made.append(self)
        self.model = model
        self.tools = {t.__name__: t for t in tools or []}
        self.system_prompt = system_prompt

    async def invoke_async(self, prompt, **kwargs):
        verb, _, name = prompt.partition(" ")
        if verb != "call" or name not in self.tools:
            raise ValueError(f"the scripted agent only calls a tool it has ({sorted(self.tools)}); prompt {prompt!r}")
        out = self.tools[name]()
        if inspect.iscoroutine(out):
            out = await out
        return _Result(out)
