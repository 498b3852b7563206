"""Try a candidate fix on a copy of the learner's session before the tutor shows it.

A candidate is an edit of the learner's inputs, `replaces = {input index: corrected input}`: the
failing input rewritten, or an earlier one (the input that rebound a leaf, the one that changed a
tensor in place). `try_fix` runs the edited inputs on a copy of the session and says whether the
mistake is gone:

    result = verify.try_fix(session, {7: "y.sum().backward()"}, hint_id="non-scalar-backward")
    result.ok, result.why, result.elapsed

It passes only when every replacement compiles, the edited inputs run without an error, the hint
`hint_id` no longer fires on them, no hint fires that the original input did not get, and the
optional `check(session, outcome) -> str | None` (a reason to reject, or None) accepts the copy's
state after the corrected input (`outcome` is the corrected input's Outcome). The coach uses
`check` to ask "would this pass the step?".

How the copy is made:
- fork (POSIX): the tutor forks; the child calls `torch.set_num_threads(1)` first (OpenMP is not
  fork-safe once the parent used its threads), sends fd 1/2 to /dev/null, does the work and
  replies through a pipe. The parent waits at most `limit` seconds (0.5 s by default) and kills it.
  An edit of the latest input starts from the bindings and gradients the Session saved just before
  that input ran (`remember_before`); an edit of an earlier input replays every code input since
  the last %reset in a fresh namespace, with the edits applied. A key after the latest input
  (`{latest + 1: code}`) is code typed next: it runs on the copy as the session stands now, after the
  latest input, and only what it does is judged ("does the fix work if I type it now?").
- replay (no fork): the same replay, in a fresh Session of the same class in this process, with
  the Session's own time limit per input.

Nothing here is imported by tutor.hints: the Session hands diagnosis a `try_fix` (see
`Session.scene`).
"""

from __future__ import annotations

import json
import os
import select
import signal
import time
from dataclasses import dataclass

LIMIT = 0.5  # seconds for one candidate, fork included
BEFORE_KEY = "verify.before"  # session.state: (index, bindings, grad snapshot) before the latest code input
CHILD_KEY = "verify.child"  # session.state: set inside a copy, so diagnosis there tries no fixes
# session.state: `base(session, outcome) -> set[int] | None`, set by a front that builds the namespace
# itself (lesson mode: the lesson's setup and earlier steps are not inputs). It rebuilds `session`'s
# namespace to where a replay starts and returns the indices of the inputs to replay after it (None:
# no base, replay every code input since the last %reset from a fresh namespace).
BASE_KEY = "verify.base"
USE_FORK = hasattr(os, "fork")


@dataclass
class Result:
    """What trying one candidate found."""

    ok: bool
    why: str = ""  # why it failed ("" when it passed)
    elapsed: float = 0.0  # seconds
    how: str = ""  # "fork" or "replay"
    judged: float = 0.0  # seconds a front then spent judging it (Session.fix_judges): not the hint's budget


def remember_before(session, index: int, grads: dict) -> None:
    """Keep what the namespace held just before code input `index` ran (a shallow copy, microseconds; lists
    copied too, since a loop's `results.append(...)` changes them in place and a copy that runs the input
    again must start from the items they held)."""
    bindings = {k: list(v) if type(v) is list and len(v) <= 10_000 else v for k, v in session.namespace.items()}
    session.state[BEFORE_KEY] = (index, bindings, grads)


def compiles(code: str) -> str | None:
    """None when `code` compiles as a block of statements, else the reason."""
    try:
        compile(code, "<fix>", "exec")
    except (SyntaxError, ValueError) as exc:
        return f"does not compile ({getattr(exc, 'msg', exc)})"
    return None


def try_fix(session, replaces: dict[int, str], check=None, *, hint_id: str | None = None, outcome=None,
            limit: float = LIMIT, fork: bool | None = None) -> Result:
    """Run the edited inputs on a copy of `session`; see the module docstring.

    `outcome` is the input the edit is about (the one being diagnosed, which is not in the history
    yet); by default the latest outcome in the history.
    """
    started = time.perf_counter()
    for code in replaces.values():
        reason = compiles(code)
        if reason:
            return Result(False, reason, time.perf_counter() - started)
    if outcome is None:
        outcome = session.history[-1] if session.history else None
    if outcome is None:
        return Result(False, "there is no input to correct", time.perf_counter() - started)
    had = [h.id for h in outcome.hints]
    if hint_id != "grad-accumulation" and _calls_backward(outcome.input):
        # the input meant to run a backward pass: that the fixed pass adds to an existing .grad is the
        # learner's own (the accumulation hint will say so when it happens), not a mistake of the fix
        had.append("grad-accumulation")
    job = _Job(replaces, check, hint_id, outcome, had)
    use_fork = USE_FORK if fork is None else fork
    from tutor import guard

    with guard.paused():  # the tutor's own work: the input's time limit neither counts it nor stops it
        if use_fork:
            result = _in_fork(session, job, limit)
        else:
            result = _replay_here(session, job, limit)
    result.elapsed = time.perf_counter() - started
    return result


def _calls_backward(text: str) -> bool:
    import ast

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "backward"
               for n in ast.walk(tree))


@dataclass
class _Job:
    replaces: dict[int, str]
    check: object
    hint_id: str | None
    outcome: object  # the input being corrected
    had: list[str]  # hint ids the original input got (empty while it is being diagnosed)


# -- the work, done in the copy ----------------------------------------------------------------------


def _judge(job: _Job, outcomes: list, session) -> str:
    """'' when the edited inputs cleared the mistake, else why not."""
    for o in outcomes:
        if o.error is not None:
            same = job.outcome.error is not None and o.error.type == job.outcome.error.type and (
                o.error.message == job.outcome.error.message)
            what = "the same error" if same else "an error"
            return f"raises {what}: {o.error.type}: {_first_line(o.error.message)}"
    for o in outcomes:
        ids = [h.id for h in o.hints]
        if job.hint_id is not None and job.hint_id in ids:
            return f"the mistake is still there ({job.hint_id})"
        new = [i for i in ids if i not in job.had and i != job.hint_id]
        if new:
            return f"it makes another mistake ({new[0]})"
    if job.check is not None:
        try:
            reason = job.check(session, outcomes[-1])
        except Exception as exc:  # noqa: BLE001 - a check that fails rejects the candidate
            reason = f"the check failed ({type(exc).__name__}: {exc})"
        if reason:
            return str(reason)
    return ""


def _first_line(text: str) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= 100 else line[:97] + "..."


def _code_inputs(session, upto) -> list:
    """Code outcomes since the last %reset, oldest first, ending with `upto` (added when not in history)."""
    past = []
    for o in reversed(session.history):
        if o.kind == "command" and o.input.strip().split()[:1] == ["%reset"] and o.ok:
            break
        if o.kind == "code" and o.index <= upto.index:
            past.append(o)
    past.reverse()
    if not past or past[-1].index != upto.index:
        past = [o for o in past if o.index < upto.index] + [upto]
    return past


def _run_copy(session, job: _Job) -> str:
    """Inside the copy (a forked child): apply the edit and judge it. Changes `session` freely."""
    session.state[CHILD_KEY] = True
    session.echo = None
    before = session.state.get(BEFORE_KEY)
    earliest = min(job.replaces)
    if earliest > job.outcome.index:  # typed next, after the latest input, in the state it left
        if not session.history or session.history[-1].index < job.outcome.index:
            session.history.append(job.outcome)
        return _judge(job, [session.submit(job.replaces[k]) for k in sorted(job.replaces)], session)
    if before is not None and before[0] == job.outcome.index and earliest >= job.outcome.index:
        # The latest input: start from what the namespace held just before it ran.
        history = list(session.history)
        _, bindings, grads = before
        session.namespace.clear()
        session.namespace.update(bindings)
        _restore_grads(grads)
        session.history[:] = [o for o in history if o.index < job.outcome.index]
        text = job.replaces.get(job.outcome.index, job.outcome.input)
        why = _judge(job, [session.submit(text)], session)
        if not why.startswith("raises"):
            return why
        # An error may come from what the input had already changed (a graph it freed, a tensor it
        # changed in place): replay from the start to be sure.
        session.history[:] = history
    return _replay(session, job)


def _replay(session, job: _Job) -> str:
    """Run every code input since the last %reset again in a fresh namespace, with the edits applied
    (or, where a front keeps a base, the inputs it names after its base: see BASE_KEY)."""
    inputs = _code_inputs(session, job.outcome)
    session.reset()
    session.history.clear()
    for key in [k for k in session.state if k.startswith("hints.")]:
        del session.state[key]
    base = session.state.get(BASE_KEY)
    keep = base(session, job.outcome) if callable(base) else None
    if keep is not None:
        inputs = [o for o in inputs if o.index in keep or o.index == job.outcome.index]
    edited = []
    for o in inputs:
        text = job.replaces.get(o.index, o.input)
        new = session.submit(text)
        if o.index >= min(job.replaces):
            edited.append(new)
        elif new.error is not None and o.error is None:
            return f"replaying input {o.index} raised {new.error.type}: {_first_line(new.error.message)}"
    for index in sorted(i for i in job.replaces if i > job.outcome.index):  # typed next
        edited.append(session.submit(job.replaces[index]))
    return _judge(job, edited, session) if edited else "the edit is not among the inputs"


def _restore_grads(grads: dict) -> None:
    for seen in grads.values():
        t = seen.tensor
        try:
            if seen.grad is None:
                t.grad = None
            elif seen.copy is not None:
                t.grad = seen.copy.clone()
        except Exception:  # noqa: BLE001 - a grad that cannot be restored stays as it is
            pass


# -- fork ---------------------------------------------------------------------------------------------


def _in_fork(session, job: _Job, limit: float) -> Result:
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(read_end)
        os.close(write_end)
        return Result(False, f"could not fork ({exc})", how="fork")
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read_end)
            _child_setup()
            why = _run_copy(session, job)
            payload = json.dumps({"why": why}).encode()
        except BaseException as exc:  # noqa: BLE001 - report anything as a failed candidate
            payload = json.dumps({"why": f"the copy failed ({type(exc).__name__}: {exc})"}).encode()
            code = 1
        try:
            os.write(write_end, payload)
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        data = _read_with_deadline(read_end, time.monotonic() + limit)
    finally:
        os.close(read_end)
        _reap(pid)
    if data is None:
        return Result(False, f"did not finish within {limit:g} s", how="fork")
    try:
        why = json.loads(data.decode())["why"]
    except Exception:  # noqa: BLE001
        return Result(False, "the copy gave no answer", how="fork")
    return Result(not why, why, how="fork")


def _child_setup() -> None:
    from tutor import guard, torchload

    guard._state.stack.clear()  # the parent's time limits are not the copy's (its own apply inside)
    guard._state.frozen = 0
    signal.setitimer(signal.ITIMER_REAL, 0)

    torch = torchload.loaded()
    if torch is not None:
        torch.set_num_threads(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _read_with_deadline(fd: int, deadline: float) -> bytes | None:
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            ready, _, _ = select.select([fd], [], [], left)
        except InterruptedError:
            continue
        if not ready:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks) if chunks else None
        chunks.append(chunk)


def _reap(pid: int) -> None:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    except OSError:
        pass


# -- replay in this process (no fork) ------------------------------------------------------------------


def _replay_here(session, job: _Job, limit: float) -> Result:
    try:
        copy = type(session)(timeout=limit, hints=True)
        copy.state[CHILD_KEY] = True
        if BASE_KEY in session.state:
            copy.state[BASE_KEY] = session.state[BASE_KEY]
        copy.history = list(session.history)
        copy.ensure_torch()
        why = _replay(copy, job)
    except Exception as exc:  # noqa: BLE001
        why = f"the replay failed ({type(exc).__name__}: {exc})"
    return Result(not why, why, how="replay")

