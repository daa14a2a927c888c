"""Refreshes ``durations.json`` (how conftest deals the tests to two workers) from a full run's JUnit XML:
``pytest -n 2 --dist worksteal --junitxml=.data/junit.xml && python -m tests.durations .data/junit.xml``."""

import json
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).with_name("durations.json")
LONG_S = 3.0  # shorter tests keep their collection order at the tails


def main(junit_xml: str) -> None:
    seconds: dict[str, float] = defaultdict(float)
    for case in ET.parse(junit_xml).getroot().iter("testcase"):
        path = case.get("classname", "").replace(".", "/") + ".py"
        seconds[f"{path}::{case.get('name')}"] += float(case.get("time", 0))
    long = {k: round(v) for k, v in sorted(seconds.items(), key=lambda kv: -kv[1]) if v >= LONG_S}
    OUT.write_text(json.dumps(long, indent=1) + "\n")
    print(f"{len(long)} tests of {LONG_S:g} s or more written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
