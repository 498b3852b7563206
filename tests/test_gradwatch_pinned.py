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
    assert names[0] == "many[0]" and names[-2] == "many[999]"  # as Python reads them: many.0 is a syntax error


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


# Hostile learner objects. The watcher reads every tensor in the namespace after every input, so it must
# run none of the learner's own code (subclass overrides), skip what it cannot read, and stop a read that
# hangs after PHASE_SECONDS (oracle: the elapsed wall time).

class Logged(torch.Tensor):
    """A tensor subclass whose __torch_function__ override records every call (learner code)."""

    calls: list = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        cls.calls.append(getattr(func, "__name__", str(func)))
        return super().__torch_function__(func, types, args, kwargs or {})


def test_a_subclass_override_is_never_run_by_the_watcher_and_its_grad_is_still_seen():
    t = torch.ones(2).as_subclass(Logged).requires_grad_()
    namespace = {"t": t}
    Logged.calls.clear()
    before = gradwatch.snapshot(namespace)
    assert Logged.calls == [] and list(before) == ["t"] and before["t"].grad is None
    with torch._C.DisableTorchFunctionSubclass():
        t.grad = torch.full((2,), 4.0)
    Logged.calls.clear()
    found = gradwatch.changes(before, namespace)
    assert Logged.calls == []  # reading .grad, .is_leaf, cloning: none of it went through the override
    assert [c.name for c in found] == ["t"] and torch.equal(found[0].new, torch.full((2,), 4.0))
    assert found[0].old is None and found[0].old_known is True


class _Hangs:
    """Seconds each hostile read sleeps (interrupted by the watcher's limit)."""
    seconds = 30.0


class SlowRequiresGrad(torch.Tensor):
    @property
    def requires_grad(self):
        import time

        time.sleep(_Hangs.seconds)
        return True


def _timed(func, *args):
    import time

    started = time.perf_counter()
    result = func(*args)
    return result, time.perf_counter() - started


def test_a_read_that_hangs_is_stopped_after_the_phase_limit_in_snapshot_and_in_changes():
    assert gradwatch.PHASE_SECONDS == 2.0
    x = torch.ones(1, requires_grad=True)
    (2 * x).sum().backward()
    slow = torch.ones(1).as_subclass(SlowRequiresGrad)
    namespace = {"x": x, "params": [slow]}
    before, took = _timed(gradwatch.snapshot, namespace)
    assert 1.9 < took < 8, took  # stopped by the limit, not by the 30 s sleep
    assert list(before) == ["x"]  # what was read before the hang is kept
    (2 * x).sum().backward()
    found, took = _timed(gradwatch.changes, before, namespace)
    assert 1.9 < took < 8, took
    assert [c.name for c in found] == ["x"] and torch.equal(found[0].new, torch.tensor([4.0]))


def test_a_module_whose_parameters_hang_is_stopped_after_the_phase_limit():
    class Stuck(torch.nn.Module):
        def named_parameters(self, *args, **kwargs):
            import time

            time.sleep(_Hangs.seconds)
            return iter(())

    names, took = _timed(lambda: [n for n, _ in gradwatch.named_tensors({"m": Stuck(), "x": torch.ones(1)})])
    assert 1.9 < took < 8, took
    assert names == ["x"]  # the module is skipped, the names after it are still walked


class RaisingRequiresGrad(torch.Tensor):
    @property
    def requires_grad(self):
        raise RuntimeError("no")


class FakeGrad:
    """Looks like a grad tensor to duck typing, but is not one."""
    _version = 0

    def numel(self):
        return 1

    def detach(self):
        return self

    def clone(self):
        return self


class DuckGrad(torch.Tensor):
    @property
    def grad(self):
        return FakeGrad()


def test_values_that_are_not_tensors_or_cannot_be_read_are_never_reported():
    unreadable = torch.ones(1).as_subclass(RaisingRequiresGrad)
    with torch._C.DisableTorchFunctionSubclass():
        unreadable.grad = torch.ones(1)  # a grad is there, but whether it is a parameter cannot be read
    duck = torch.ones(1).as_subclass(DuckGrad).requires_grad_()  # a leaf: its .grad is read

    class OddModule(torch.nn.Module):
        def named_parameters(self, *args, **kwargs):
            yield "w", FakeGrad()  # a name with something that is not a tensor
            yield 7, torch.ones(1, requires_grad=True)  # a tensor with a name that is not a string

    namespace = {"params": [unreadable], "duck": duck, "m": OddModule()}
    assert [n for n, _ in gradwatch.named_tensors(namespace)] == ["duck"]
    before = gradwatch.snapshot(namespace)
    assert before["duck"].grad is None and before["duck"].copy is None  # its .grad is not a tensor: read as none
    assert gradwatch.changes(before, namespace) == []


def test_a_snapshot_lets_verify_take_back_a_grad_the_input_gave():
    """tutor.verify restores .grad from the snapshot taken before the latest input (its copy runs that
    input again): a tensor that had no grad must get none back, one that had a grad gets its old one."""
    from tutor import verify

    x = torch.ones(2, requires_grad=True)
    w = torch.ones(2, requires_grad=True)
    (3 * w).sum().backward()
    before = gradwatch.snapshot({"x": x, "w": w})
    (2 * x).sum().backward()  # the input: x gets a grad, w's grows
    (2 * w).sum().backward()
    verify._restore_grads(before)
    assert x.grad is None
    assert torch.equal(w.grad, torch.full((2,), 3.0))
