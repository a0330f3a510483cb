# SPDX-License-Identifier: MIT
"""Protobuf messages to the dataclasses of exemplar.model and back, driven
by the field tables gen_pb.py writes beside each dataclass (one table per
message, generated from the same descriptors as the messages, so the two
cannot drift apart)."""

from typing import Any, Type, TypeVar

from google.protobuf.message import Message

from ._pb import model

T = TypeVar("T")


def _enum(cls, value: int):
    try:
        return cls(value)
    except ValueError:  # a value a newer daemon knows: keep the number
        return value


def from_pb(cls: Type[T], msg: Message) -> T:
    """The dataclass cls (of exemplar.model) holding msg's values."""
    kwargs: dict = {}
    for attr, name, kind, repeated, sub in cls._FIELDS:  # type: ignore[attr-defined]
        value = getattr(msg, name)
        if kind == "m":
            if repeated:
                kwargs[attr] = [from_pb(sub, v) for v in value]
            elif msg.HasField(name):
                kwargs[attr] = from_pb(sub, value)
        elif kind == "e":
            kwargs[attr] = [_enum(sub, v) for v in value] if repeated else _enum(sub, value)
        else:
            kwargs[attr] = list(value) if repeated else value
    return cls(**kwargs)


def to_pb(obj: Any, msg: Message) -> Message:
    """Fills msg (a protobuf message of the same type) from obj, a dataclass
    of exemplar.model; returns msg."""
    for attr, name, kind, repeated, _sub in type(obj)._FIELDS:
        value = getattr(obj, attr)
        if kind == "m":
            if repeated:
                target = getattr(msg, name)
                for v in value:
                    to_pb(v, target.add())
            elif value is not None:
                to_pb(value, getattr(msg, name))
        elif repeated:
            getattr(msg, name).extend(int(v) if kind == "e" else v for v in value)
        else:
            setattr(msg, name, int(value) if kind == "e" else value)
    return msg


def message_of(obj: Any, pb_class: Type[Message]) -> Message:
    """obj as a pb_class message: obj itself when it is one already, else a
    dataclass of exemplar.model converted."""
    if isinstance(obj, Message):
        return obj
    if not hasattr(type(obj), "_FIELDS"):
        raise TypeError(f"expected {pb_class.__name__} or exemplar.model."
                        f"{pb_class.__name__}, not {type(obj).__name__}")
    return to_pb(obj, pb_class())


__all__ = ["from_pb", "to_pb", "message_of", "model"]
