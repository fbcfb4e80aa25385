#!/usr/bin/env python3
"""Writes Sources/MicrogenreServer/OpenAPIDocument.swift from docs/openapi.yaml, so the binary
serves the document the repository holds (OpenAPITests checks they are equal). Run it after
editing docs/openapi.yaml."""
import os

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
yaml = open(os.path.join(root, "docs/openapi.yaml"), encoding="utf-8").read()
assert '"""##' not in yaml and "\\" not in yaml, "the document cannot hold the delimiter or backslashes"
swift = (
    "/// The API's OpenAPI 3.1 document, served at `/openapi.yaml`: the same text as\n"
    "/// `docs/openapi.yaml` in the repository (a test checks they are equal, and that it lists\n"
    "/// exactly the routes the router serves). Made by scripts/gen-openapi-swift.py.\n"
    "public enum OpenAPIDocument {\n"
    "    /// The document.\n"
    '    public static let yaml = ##"""\n'
    + "".join(("        " + line if line else line) + "\n" for line in yaml.split("\n"))
    + '        """##\n}\n'
)
open(os.path.join(root, "Sources/MicrogenreServer/OpenAPIDocument.swift"), "w", encoding="utf-8").write(swift)
