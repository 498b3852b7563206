"""Which .grad changed during one input (tutor/gradwatch.py), pinned case by case.

Oracle: torch itself (the gradient of sum(k·x) is k, and backward adds into .grad), and the rules
of gradwatch's docstring: tensors are found by name (not starting with `_`) and as `module.param`.
"""

from __future__ import annotations

import torch

from tutor import gradwatch
from tutor.session import Session


def submit(session, text):
    outcome = session.submit(text)
    assert outcome.ok, (text, outcome.error)
    return outcome


def changed(outcome):
    return {g.name: g for g in outcome.gradients}


def test_a_tensor_made_and_backpropagated_in_one_input_is_reported():
    s = Session()
    out = submit(s, "x = torch.ones(2, requires_grad=True); (3 * x).sum().backward()")
    g = changed(out)["x"]
    assert [c.name for c in out.gradients] == ["x"]
    assert torch.equal(g.new, torch.tensor([3.0, 3.0])) and g.old is None and g.old_known is True


def test_accumulation_keeps_the_old_value_and_the_new_sum():
    s = Session()
    submit(s, "x = torch.ones(2, requires_grad=True)")
    submit(s, "(3 * x).sum().backward()")
    out = submit(s, "(2 * x).sum().backward()")
    g = changed(out)["x"]
    assert torch.equal(g.old, torch.tensor([3.0, 3.0])) and torch.equal(g.new, torch.tensor([5.0, 5.0]))
    assert g.old_known is True
    # in place (zero_) keeps the same grad object: its version tells the change
    out = submit(s, "x.grad.zero_()")
    g = changed(out)["x"]
    assert torch.equal(g.old, torch.tensor([5.0, 5.0])) and torch.equal(g.new, torch.zeros(2))
    # set to None
    out = submit(s, "x.grad = None")
    g = changed(out)["x"]
    assert g.new is None and torch.equal(g.old, torch.zeros(2))
    # nothing happening to the grad: nothing reported
    assert submit(s, "y = x * 2").gradients == []


def test_a_new_tensor_without_grad_does_not_hide_a_later_change():
    s = Session()
    submit(s, "a = torch.ones(2)")
    submit(s, "x = torch.ones(2, requires_grad=True)")
    # `a` now names another tensor (no grad); x, after it in the namespace, gets a grad
    out = submit(s, "a = torch.zeros(2); (x * 2).sum().backward()")
    assert [g.name for g in out.gradients] == ["x"]
    assert torch.equal(out.gradients[0].new, torch.tensor([2.0, 2.0]))


def test_a_name_rebound_to_another_tensor_with_a_grad():
    s = Session()
    submit(s, "x = torch.ones(2, requires_grad=True); (x * 2).sum().backward()")
    submit(s, "w = torch.ones(3, requires_grad=True); (w * 7).sum().backward()")
    out = submit(s, "x = w")  # x now holds w, whose grad x never had
    g = changed(out)["x"]
    assert torch.equal(g.new, torch.full((3,), 7.0)) and g.old is None and g.old_known is True


def test_large_grads_are_not_copied_and_say_so():
    limit = gradwatch.KEEP_OLD_MAX
    assert limit == 100_000
    s = Session()
    submit(s, f"big = torch.zeros({limit + 1}, requires_grad=True); edge = torch.zeros({limit}, requires_grad=True)")
    submit(s, "big.sum().backward(); edge.sum().backward()")
    out = submit(s, "big.sum().backward(); edge.sum().backward()")
    got = changed(out)
    assert got["big"].old is None and got["big"].old_known is False  # too large to keep a copy
    assert torch.equal(got["big"].new, torch.full((limit + 1,), 2.0))
    assert got["edge"].old_known is True and torch.equal(got["edge"].old, torch.ones(limit))


def test_private_names_are_ignored_and_module_parameters_are_named():
    s = Session()
    out = submit(s, "_h = torch.ones(2, requires_grad=True); _h.sum().backward()")
    assert out.gradients == []
    out = submit(s, "lin = torch.nn.Linear(2, 1); lin(torch.ones(1, 2)).sum().backward()")
    assert sorted(changed(out)) == ["lin.bias", "lin.weight"]
    assert torch.equal(changed(out)["lin.weight"].new, torch.ones(1, 2))


def test_a_module_whose_parameters_fail_is_skipped_and_at_most_1000_parameters_are_watched():
    namespace = {"broken": None, "many": None, "x": torch.ones(1, requires_grad=True)}

    class Broken(torch.nn.Module):
        def named_parameters(self, *args, **kwargs):
            raise RuntimeError("no parameters for you")

    namespace["broken"] = Broken()
    namespace["many"] = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(1)) for _ in range(1001)])
    names = [name for name, _ in gradwatch.named_tensors(namespace)]
    assert names[-1] == "x" and len(names) == 1001
    assert names[0] == "many.0" and names[-2] == "many.999"


def test_an_unchanged_tensor_does_not_hide_a_later_change():
    s = Session()
    submit(s, "u = torch.ones(2, requires_grad=True); u.sum().backward()")  # has a grad that stays
    submit(s, "x = torch.ones(2, requires_grad=True)")
    out = submit(s, "(x * 2).sum().backward()")
    assert [g.name for g in out.gradients] == ["x"]


def test_lists_of_parameters_are_watched_item_by_item():
    leaf = [torch.ones(1, requires_grad=True) for _ in range(101)]
    derived = torch.ones(1, requires_grad=True) * 2  # not a leaf
    namespace = {
        "one": [leaf[0]],
        "params": (leaf[1], 3, "text", derived, torch.ones(1), leaf[2]),
        "hundred": leaf[:100],
        "too_many": leaf[:101],
        "empty": [],
    }
    names = [name for name, _ in gradwatch.named_tensors(namespace)]
    assert names[:3] == ["one[0]", "params[0]", "params[5]"]  # only leaves that require grad
    assert names[3:] == [f"hundred[{i}]" for i in range(100)]  # at most 100 items: too_many is skipped
