"""forking.Job: work done in a forked process while the build goes on, or here where forking is unsafe."""

from __future__ import annotations

import os
import signal

import pytest

from generator import forking


@pytest.fixture
def no_other_threads(monkeypatch):
    # The browser tests leave server threads running; a build has none.
    monkeypatch.setattr(forking.threading, "active_count", lambda: 1)


def test_a_job_runs_in_another_process_and_returns_its_value(no_other_threads):
    job = forking.Job(os.getpid)
    assert job._process is not None
    assert job.result() != os.getpid()


def test_where_forking_is_unsafe_the_job_runs_here_at_once(monkeypatch):
    monkeypatch.setattr(forking.threading, "active_count", lambda: 2)  # e.g. `portal serve`
    job = forking.Job(os.getpid)
    assert job._process is None
    assert job.result() == os.getpid()


def _fail() -> None:
    raise ValueError("坏数据")


@pytest.mark.parametrize("fork", [True, False])
def test_an_error_in_the_job_is_raised_by_result(no_other_threads, fork: bool):
    job = forking.Job(_fail, fork=fork)
    with pytest.raises(Exception, match="坏数据"):
        job.result()


def test_a_job_that_dies_is_an_error_not_a_hang(no_other_threads):
    job = forking.Job(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(RuntimeError, match="异常退出"):
        job.result()


def test_a_cancelled_job_leaves_no_process(no_other_threads):
    import time

    job = forking.Job(time.sleep, 30)
    process = job._process
    job.cancel()
    assert not process.is_alive()
