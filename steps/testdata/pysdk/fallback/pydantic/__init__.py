"""NOT pydantic: used only where pydantic is not installed.

The SDK's services/identity.py declares UserTokenIdentifier and
UserIdIdentifier as pydantic models and reads their one field; that is
all this BaseModel does. The harness puts this directory after
site-packages on sys.path, so an installed pydantic always wins.
"""


class BaseModel:
    def __init__(self, **fields):
        names = {n for c in type(self).__mro__ for n in getattr(c, "__annotations__", {})}
        missing, unknown = names - fields.keys(), fields.keys() - names
        if missing or unknown:
            raise TypeError(f"{type(self).__name__}: missing {sorted(missing)}, unknown {sorted(unknown)}")
        for k, v in fields.items():
            if not isinstance(v, str):
                raise TypeError(f"{type(self).__name__}.{k} must be a string")
            setattr(self, k, v)
