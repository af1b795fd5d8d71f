#!/usr/bin/env python3
"""Validate IATI activity files against the IATI 2.03 schema and codelists.

The schemas, codelists and codelist mapping are the ones the PyPI package
pyIATI ships (iati/resources/standard/2-03): lxml checks each file against
iati-activities-schema.xsd, then every attribute that codelist-mapping.xml
ties to a complete codelist (with its condition, if any) must hold one of
that codelist's codes.

Usage: iati_validate.py FILE... ; prints one line per problem, exits 1 if any.
`iati_validate.py --check` only checks that lxml and pyIATI are installed
(pip install lxml && pip install --no-deps pyIATI).
"""
import importlib.util
import os
import sys

from lxml import etree


def standard_dir():
    spec = importlib.util.find_spec("iati")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("pyIATI is not installed: pip install --no-deps pyIATI")
    root = list(spec.submodule_search_locations)[0]
    path = os.path.join(root, "resources", "standard", "2-03")
    if not os.path.isdir(path):
        sys.exit(f"pyIATI has no 2.03 resources at {path}")
    return path


def codelists(std):
    """{name: (complete, {codes})} of every codelist shipped."""
    out = {}
    folder = os.path.join(std, "codelists")
    for name in os.listdir(folder):
        if not name.endswith(".xml"):
            continue
        tree = etree.parse(os.path.join(folder, name))
        root = tree.getroot()
        codes = {c.text.strip() for c in root.iter("code") if c.text}
        out[name[:-4]] = (root.get("complete") == "1", codes)
    return out


def mappings(std):
    tree = etree.parse(os.path.join(std, "codelist-mapping.xml"))
    for m in tree.getroot().iter("mapping"):
        path = m.findtext("path").strip()
        ref = m.find("codelist").get("ref")
        cond = m.findtext("condition")
        yield path, ref, (cond.strip() if cond else None)


def validate(path, schema, lists, maps):
    problems = []
    doc = etree.parse(path)
    if not schema.validate(doc):
        for e in schema.error_log:
            problems.append(f"{path}:{e.line}: schema: {e.message}")
    for xpath, ref, cond in maps:
        if ref not in lists:
            continue
        complete, codes = lists[ref]
        if not complete:
            continue
        element_path, _, attr = xpath.rpartition("/@")
        if not element_path:
            # A mapping of element text (none in 2.03 activities that we write).
            continue
        for el in doc.xpath(element_path):
            if cond and not el.xpath(f"boolean({cond})"):
                continue
            value = el.get(attr)
            if value is not None and value not in codes:
                problems.append(
                    f"{path}:{el.sourceline}: codelist {ref}: {element_path}/@{attr}={value!r} is not a code"
                )
    return problems


def main(argv):
    std = standard_dir()
    schema = etree.XMLSchema(etree.parse(os.path.join(std, "schemas", "iati-activities-schema.xsd")))
    if argv[1:] == ["--check"]:
        print("ok")
        return 0
    lists = codelists(std)
    maps = list(mappings(std))
    problems = []
    for path in argv[1:]:
        problems += validate(path, schema, lists, maps)
    for p in problems:
        print(p)
    print(f"{len(argv) - 1} file(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
