"""Completion from live objects."""

from __future__ import annotations

import torch

from tutor.complete import completions_for


def names(text, namespace, commands=("help", "who")):
    return [n for n, _ in completions_for(text, namespace, commands, {})]


def test_torch_members():
    found = names("torch.aran", {"torch": torch})
    assert found == ["arange"]


def test_tensor_attributes_with_private_ones_last():
    ns = {"x": torch.ones(2, requires_grad=True)}
    assert "backward" in names("x.back", ns)
    assert names("x.requires_gr", ns) == ["requires_grad", "requires_grad_"]
    everything = names("x.", ns)
    first_private = next(i for i, n in enumerate(everything) if n.startswith("_"))
    assert not any(n.startswith("_") for n in everything[:first_private])
    assert all(n.startswith("_") for n in everything[first_private:])
    dunders = [i for i, n in enumerate(everything) if n.startswith("__")]
    singles = [i for i, n in enumerate(everything) if n.startswith("_") and not n.startswith("__")]
    assert max(singles) < min(dunders)
    assert "_version" in names("x._ver", ns)


def test_torch_names_ignore_case_so_constants_do_not_come_first():
    found = names("torch.", {"torch": torch})
    assert found.index("abs") < found.index("AVG") < found.index("zeros")


def test_callables_are_marked_and_properties_are_not_run():
    import warnings

    from tutor.complete import candidates

    y = torch.ones(2, requires_grad=True) * 2  # reading y.grad would warn (a non-leaf)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = {c.name: c for c in candidates("y.", {"y": y}, (), {})}
    assert found["backward"].display == "backward()" and found["backward"].kind == "function"
    assert found["grad"].display == "grad" and found["shape"].display == "shape"
    module = {c.name: c for c in candidates("torch.", {"torch": torch}, (), {})}
    assert module["Tensor"].display == "Tensor()" and module["autograd"].kind == "module"


def test_torch_and_np_are_offered_before_torch_is_in_the_namespace():
    assert names("to", {}) [:1] == ["torch"]
    assert "np" in names("n", {})


def test_dotted_chain_and_names_and_commands():
    ns = {"torch": torch, "my_tensor": torch.ones(1)}
    assert "grad" in names("torch.autograd.gr", ns)
    assert names("my_t", ns) == ["my_tensor"]
    assert names("%wh", ns) == ["who"]
    assert names("undefined_thing.", ns) == []


def test_start_offsets_replace_the_typed_prefix():
    assert completions_for("torch.aran", {"torch": torch}, (), {}) == [("arange", -4)]
