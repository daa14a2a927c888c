"""How generation work is cut into parts and put back together, and how the local backend runs the parts (spawned
processes, one per share of the cores): the answers come back in the order asked, whatever ran them."""

import os
import time

from llm_assets.core.answering import AnswerSet, ModelAnswers, ModelTask, join, split
from resources.compute import ComputeResource


def _tasks() -> list[ModelTask]:
    return [
        ModelTask("base", None, (AnswerSet("base", (), tuple(range(7))), AnswerSet("few", (("q", "a"),), (1, 4)))),
        ModelTask("candidate", "/adapter", (AnswerSet("candidate", (), (0, 3, 5)),), probe_prompts=("p1", "p2")),
        ModelTask("champion", "/champion", (AnswerSet("champion", (), ()),)),  # nothing to answer: no part
    ]


def _answer(task: ModelTask) -> ModelAnswers:
    """A stand-in for ``run_task``: each answer names what it answered."""
    return ModelAnswers(
        {s.name: [f"{s.name}:{i}" for i in s.indices] for s in task.sets},
        [f"probe:{p}" for p in task.probe_prompts],
    )


def test_parts_cover_each_set_once_in_order_and_join_back():
    tasks = _tasks()
    parts = split(tasks, 3)
    assert [(p.model, p.part) for p in parts] == [("base", 0), ("base", 1), ("base", 2), ("candidate", 0),
                                                  ("candidate", 1), ("candidate", 2)]  # fmt: skip
    assert [p.sets[0].indices for p in parts[:3]] == [(0, 1, 2), (3, 4), (5, 6)]
    assert [p.sets[1].indices for p in parts[:3]] == [(1,), (4,), ()]
    assert [p.probe_prompts for p in parts[3:]] == [("p1",), ("p2",), ()]
    assert all(p.sets[1].shot_pairs == (("q", "a"),) for p in parts[:3])

    whole = join(parts, [_answer(p) for p in parts])
    assert whole.keys() == {"base", "candidate"}
    assert whole["base"].sets == {"base": [f"base:{i}" for i in range(7)], "few": ["few:1", "few:4"]}
    assert whole["candidate"].sets == {"candidate": ["candidate:0", "candidate:3", "candidate:5"]}
    assert whole["candidate"].probe_texts == ["probe:p1", "probe:p2"]
    # one part per model: the tasks as they were
    assert [(p.model, p.sets) for p in split(tasks, 1)] == [(t.model, t.sets) for t in tasks[:2]]


def test_more_parts_than_prompts_gives_one_part_per_prompt():
    task = ModelTask("candidate", "/adapter", (), probe_prompts=("a", "b"))
    assert [p.probe_prompts for p in split([task], 8)] == [("a",), ("b",)]


def test_a_small_set_is_not_cut_into_parts_that_each_load_the_model():
    small = ModelTask("champion", "/champion", (AnswerSet("champion", (), (4, 9, 17)),))
    large = ModelTask("candidate", "/adapter", (AnswerSet("candidate", (), tuple(range(48))),), probe_prompts=("p",))
    parts = split([small, large], 2, min_per_part=8)
    assert [(p.model, len(p.sets[0].indices)) for p in parts] == [("champion", 3), ("candidate", 24), ("candidate", 24)]
    # a part gets at least min_per_part prompts: 15 prompts are one part, 16 two
    for n, expected in ((15, 1), (16, 2)):
        task = ModelTask("base", None, (AnswerSet("base", (), tuple(range(n))),))
        assert len(split([task], 2, min_per_part=8)) == expected


def test_the_backend_runs_the_longest_parts_first_and_joins_them_in_plan_order(monkeypatch):
    from llm_assets.core import answering
    from llm_assets.core.answering import Inputs, Settings

    ran = []

    def stand_in(task, inputs):
        ran.append((task.model, task.part))
        return _answer(task)

    monkeypatch.setattr(answering, "run_task", stand_in)
    monkeypatch.setattr("os.cpu_count", lambda: 1)  # one share of the cores: in this process, in submission order
    tasks = [
        ModelTask("base", None, (AnswerSet("base", (), (1, 2, 3)),)),
        ModelTask("candidate", "/adapter", (AnswerSet("candidate", (), tuple(range(20))),)),
    ]
    settings = Settings("openvino", 1, 8, 16, "auto", parts=2)
    inputs = Inputs(settings, {}, object, (), (), 64, "q8_0", "run")
    whole = ComputeResource().generate(tasks, inputs)
    assert ran == [("candidate", 0), ("candidate", 1), ("base", 0)]
    assert whole["base"].sets == {"base": ["base:1", "base:2", "base:3"]}
    assert whole["candidate"].sets == {"candidate": [f"candidate:{i}" for i in range(20)]}
    # a model alone (a probe, a drift window) is cut as configured: its parts have the cores to themselves
    ran.clear()
    assert ComputeResource().generate(tasks[:1], inputs)["base"].sets == {"base": ["base:1", "base:2", "base:3"]}
    assert ran == [("base", 0), ("base", 1)]


def _square_where(i: int) -> tuple[int, int]:
    time.sleep(0.2)
    return i * i, os.getpid()


def test_local_backend_runs_parts_in_processes_one_per_share_of_the_cores(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    compute = ComputeResource()
    done = compute.run_all(_square_where, [(i,) for i in range(6)], cpus=2)
    assert [square for square, _ in done] == [i * i for i in range(6)]
    assert os.getpid() not in {pid for _, pid in done}
    assert len({pid for _, pid in done}) == 2  # 4 cores, 2 per call: two processes
    # a call that takes every core: one after another, in this process
    done = compute.run_all(_square_where, [(i,) for i in range(3)], cpus=4)
    assert done == [(0, os.getpid()), (1, os.getpid()), (4, os.getpid())]
