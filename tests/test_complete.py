"""Completion from live objects."""

from __future__ import annotations

import torch

from tutor.complete import completions_for


def names(text, namespace, commands=("help", "who")):
    return [n for n, _ in completions_for(text, namespace, commands, {})]


def test_torch_members():
    found = names("torch.aran", {"torch": torch})
    assert found == ["arange"]


def test_tensor_attributes_and_private_ones_only_on_request():
    ns = {"x": torch.ones(2, requires_grad=True)}
    assert "backward" in names("x.back", ns)
    assert names("x.requires_gr", ns) == ["requires_grad", "requires_grad_"]
    assert not any(n.startswith("_") for n in names("x.", ns))
    assert "_version" in names("x._ver", ns)


def test_dotted_chain_and_names_and_commands():
    ns = {"torch": torch, "my_tensor": torch.ones(1)}
    assert "grad" in names("torch.autograd.gr", ns)
    assert names("my_t", ns) == ["my_tensor"]
    assert names("%wh", ns) == ["who"]
    assert names("undefined_thing.", ns) == []


def test_start_offsets_replace_the_typed_prefix():
    assert completions_for("torch.aran", {"torch": torch}, (), {}) == [("arange", -4)]
