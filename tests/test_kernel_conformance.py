"""jupyter_kernel_test conformance suite for the latent kernel.

Needs the latent binary: LATENT_BIN=/abs/path/to/latent pytest tests/test_kernel_conformance.py
The kernel is installed into a temporary prefix (latent install-kernel --prefix TMP) and found
through JUPYTER_PATH, so nothing outside the temporary directory is touched.
"""
from __future__ import annotations

import os
import unittest

import pytest

LATENT_BIN = os.environ.get("LATENT_BIN")
if not LATENT_BIN:
    pytest.skip("LATENT_BIN is not set (the path of a built latent binary)", allow_module_level=True)

import jupyter_kernel_test as jkt  # noqa: E402
from kernel_support import latent_kernelspec  # noqa: E402,F401  (autouse: the kernelspec in a temporary prefix)


class LatentKernelTests(jkt.KernelTests):
    kernel_name = "latent"
    language_name = "latent"
    file_extension = ".lat"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'warn("oops")'

    completion_samples = [
        {"text": "pri", "matches": ["print"]},
        {"text": "x = len(ke", "matches": ["keys"]},
    ]

    complete_code_samples = ["1 + 1", "x = [1, 2, 3]", "fn f(a) { a * 2 }", "# only a comment"]
    incomplete_code_samples = ["fn f(a) {", "x = [1, 2,", "y = 1 +", "print(1,"]
    invalid_code_samples = [")", "x = 1 ]", "1 + * 2"]

    code_page_something = "help(print)"
    code_generate_error = "undefined_name + 1"

    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": '"ab" + "cd"', "result": '"abcd"'},
        {"code": "[1, 2] + [3]", "result": "[1, 2, 3]"},
    ]

    code_display_data = [
        {"code": "show({a: 1})", "mime": "text/html"},
        {"code": "show({a: 1})", "mime": "text/plain"},
        {"code": "show(hist([1, 2, 2, 3, 3, 3], bins: 3))", "mime": "image/svg+xml"},
    ]

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6?7"

    code_inspect_sample = "print"
    code_clear_output = "clear()"


class LatentIopubWelcomeTests(jkt.IopubWelcomeTests):
    kernel_name = "latent"
    support_iopub_welcome = True


if __name__ == "__main__":
    unittest.main()
