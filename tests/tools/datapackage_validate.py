#!/usr/bin/env python3
"""Validate a Frictionless Data Package and its CSV files with `frictionless`.

Usage: datapackage_validate.py DIR/datapackage.json ; prints every error
(resource, row, field, note) and exits 1 if the package is not valid.
`datapackage_validate.py --check` only checks that frictionless is installed.
"""
import sys


def main(argv):
    import frictionless

    if argv[1:] == ["--check"]:
        print("ok", frictionless.__version__ if hasattr(frictionless, "__version__") else "")
        return 0
    report = frictionless.validate(argv[1])
    errors = 0
    for task in report.tasks:
        for e in task.errors:
            errors += 1
            print(f"{task.name}: {e.type}: {e.message}")
    for e in report.errors:
        errors += 1
        print(f"package: {e.type}: {e.message}")
    print(f"{len(report.tasks)} resource(s), {errors} error(s)")
    return 0 if report.valid else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
