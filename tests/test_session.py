"""Session semantics: what one input produces, as data."""

from __future__ import annotations

import torch

from tutor.session import Session


def test_last_expression_is_displayed_and_semicolon_suppresses(session):
    out = session.submit("a = 2\na * 21")
    assert out.ok and out.has_value and out.value == 42 and out.display == "42"
    quiet = session.submit("a * 21;")
    assert quiet.ok and not quiet.has_value


def test_namespace_persists_and_torch_np_math_are_ready(session):
    session.submit("x = torch.arange(4.0)")
    out = session.submit("float(np.sqrt(x.sum().item()) + math.pi)")
    assert out.ok
    assert abs(out.value - (6 ** 0.5 + 3.141592653589793)) < 1e-12


def test_multi_statement_input_and_stdout_capture(session):
    out = session.submit("for i in range(3):\n    print(i)\ntotal = 5\ntotal")
    assert out.stdout == "0\n1\n2\n" and out.value == 5


def test_none_from_a_call_is_hidden_but_a_none_attribute_is_shown(session):
    assert not session.submit("print('hi')").has_value
    session.submit("x = torch.ones(2, requires_grad=True)")
    out = session.submit("x.grad")
    assert out.has_value and out.value is None and out.display == "None"


def test_tensor_display_names_autograd_facts(session):
    session.submit("x = torch.arange(4.0, requires_grad=True)")
    out = session.submit("y = 2 * torch.dot(x, x); y")
    assert out.display.splitlines() == [
        "tensor(28., grad_fn=<MulBackward0>)",  # exactly as D2L 2.5 and plain Python print it
        "shape () · float32 · requires_grad · non-leaf",
    ]
    leaf = session.submit("x").display.splitlines()[-1]
    assert leaf == "shape (4,) · float32 · requires_grad · leaf"


def test_huge_tensor_is_summarised(session):
    out = session.submit("torch.zeros(1000, 1000)")
    assert len(out.display) < 2000 and "..." in out.display


def test_gradient_changes_report_new_and_old_values(session):
    session.submit("x = torch.arange(4.0, requires_grad=True)")
    first = session.submit("(2 * torch.dot(x, x)).backward()")
    assert [g.name for g in first.gradients] == ["x"]
    torch.testing.assert_close(first.gradients[0].new, torch.tensor([0.0, 4.0, 8.0, 12.0]))
    assert first.gradients[0].old is None
    second = session.submit("(2 * torch.dot(x, x)).backward()")
    torch.testing.assert_close(second.gradients[0].new, torch.tensor([0.0, 8.0, 16.0, 24.0]))
    torch.testing.assert_close(second.gradients[0].old, torch.tensor([0.0, 4.0, 8.0, 12.0]))
    assert session.submit("y = x * 2").gradients == []


def test_gradient_of_module_parameters_is_reported(session):
    session.submit("net = torch.nn.Linear(2, 1)")
    out = session.submit("net(torch.ones(1, 2)).sum().backward()")
    assert sorted(g.name for g in out.gradients) == ["net.bias", "net.weight"]


def test_errors_are_data_trimmed_to_the_learners_frames(session):
    out = session.submit("def f(t):\n    return t.backward()\nf(torch.ones(2, requires_grad=True) * 2)")
    assert out.error.type == "RuntimeError"
    assert "grad can be implicitly created only for scalar outputs" in out.error.message
    assert out.error.line.strip() == "return t.backward()"
    assert "tutor" not in out.error.traceback and "torch/" not in out.error.traceback
    assert [f[0] for f in out.error.frames] == ["<module>", "f"]


def test_syntax_error_is_reported_with_position_before_anything_runs(session):
    out = session.submit("ran = 1\nx = (1")
    assert out.error.type == "SyntaxError" and out.error.lineno == 2 and out.error.offset == 5
    assert "ran" not in session.namespace


def test_every_kind_of_exception_becomes_an_outcome(session):
    for code, kind in [
        ("raise SystemExit(0)", None),
        ("raise SystemExit(3)", "SystemExit"),  # a failure status is reported, not a silent ok
        ("raise KeyboardInterrupt", "KeyboardInterrupt"),
        ("raise MemoryError", "MemoryError"),
        ("def r(): return r()\nr()", "RecursionError"),
        ("import nonexistent_module_xyz", "ModuleNotFoundError"),
    ]:
        out = session.submit(code)
        assert (out.error.type if out.error else None) == kind, code
    assert session.submit("1 + 1").value == 2


def test_exit_requests_end_without_an_error(session):
    out = session.submit("exit()")
    assert out.ok and out.exit_requested
    assert session.submit("%quit").exit_requested


def test_timeout_stops_a_runaway_loop_and_keeps_the_namespace():
    s = Session(timeout=0.3)
    s.submit("kept = 7")
    out = s.submit("while True:\n    try:\n        pass\n    except Exception:\n        pass")
    assert out.error.type == "Timeout"
    assert s.submit("kept").value == 7


def test_warnings_are_captured_not_printed(session, capsys):
    session.submit("x = torch.ones(2, requires_grad=True)")
    out = session.submit("y = x * 2\ny.grad")
    assert any("not a leaf Tensor" in w.message for w in out.warnings)
    assert capsys.readouterr().err == ""


def test_rebinding_torch_or_print_does_not_break_the_tutor(session):
    session.submit("torch = None\nprint = None")
    out = session.submit("%who")
    assert out.ok
    assert session.submit("1 + 1").display == "2"
    session.submit("%reset")
    assert session.submit("torch.ones(1).item()").value == 1.0


def test_reset_gives_a_fresh_namespace(session):
    session.submit("z = 5")
    out = session.submit("%reset")
    assert out.ok and "z" not in session.namespace and "torch" in session.namespace


def test_who_lists_tensors_with_grad(session):
    session.submit("x = torch.arange(3.0, requires_grad=True); (x * x).sum().backward(); w = torch.zeros(2, 2)")
    rows = {r[0]: r for r in session.submit("%who").command_output.rows}
    assert rows["x"] == ("x", "(3,)", "float32", "True", "[0, 2, 4]")
    assert rows["w"] == ("w", "(2, 2)", "float32", "False", "None")


def test_help_on_a_name_shows_signature_and_doc(session):
    out = session.submit("torch.autograd.grad?")
    assert out.ok and out.kind == "help"
    assert "outputs" in out.command_output.signature and out.command_output.doc
    assert session.submit("?torch.ones").command_output.name == "torch.ones"
    assert session.submit("nosuchname?").error.type == "NameError"


def test_unknown_command_suggests_a_close_one(session):
    out = session.submit("%hlep")
    assert out.error.type == "CommandError" and "%help" in out.error.message


def test_internal_error_becomes_one_message_and_session_goes_on(session, monkeypatch, tutor_home):
    from tutor import gradwatch

    def broken(*args):
        raise ValueError("boom")

    monkeypatch.setattr(gradwatch, "changes", broken)
    out = session.submit("q = 1")
    assert out.error.type == "TutorError" and "boom" in out.error.message
    log = (tutor_home / "errors.log").read_text()
    assert "ValueError: boom" in log and "in broken" in log and str(tutor_home) in out.error.message
    monkeypatch.undo()
    assert session.submit("q + 1").value == 2


def test_plain_python_does_not_wait_for_torch(monkeypatch):
    s = Session()
    s._torch_installed = False
    s.namespace.pop("torch")
    waited = []
    monkeypatch.setattr(s, "ensure_torch", lambda: waited.append(True))
    assert s.submit("a = [1, 2]\nlen(a)").value == 2 and not waited
    s.submit("torch")
    assert waited == [True]
