"""Reads a JUnit XML file with junitparser, as a CI system would, and
prints what it understood as JSON for the Rust test to compare."""

import json
import sys

from junitparser import JUnitXml, TestSuite

xml = JUnitXml.fromfile(sys.argv[1])
suites = [xml] if isinstance(xml, TestSuite) else list(xml)


def case(c):
    return {
        "classname": c.classname,
        "name": c.name,
        "time": c.time,
        "results": [
            {"tag": r._tag, "type": r.type, "message": r.message, "text": r.text}
            for r in c.result
        ],
    }


print(
    json.dumps(
        {
            "tests": xml.tests,
            "failures": xml.failures,
            "errors": xml.errors,
            "suites": [
                {
                    "name": s.name,
                    "tests": s.tests,
                    "failures": s.failures,
                    "errors": s.errors,
                    "skipped": s.skipped,
                    "time": s.time,
                    "properties": {p.name: p.value for p in s.properties()},
                    "cases": [case(c) for c in s],
                }
                for s in suites
            ],
        }
    )
)
