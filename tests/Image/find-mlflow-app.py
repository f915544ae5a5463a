"""Installs the image's IAP plugin (src/.../Image/iap-guard) the way pip does and looks it up as `mlflow server
--app-name NAME` does: the `mlflow.app` entry point named NAME, imported, and whether MLflow would call it as a
factory (mlflow/server/__init__.py: `_is_factory` is `isinstance(obj, types.FunctionType)`).

usage: find-mlflow-app.py PLUGIN_DIR NAME   (mlflow itself comes from PYTHONPATH: the test's fake)
Prints JSON {"value": ..., "factory": bool, "callable": bool}; exits 3 when no wheel can be built here.
"""

import contextlib
import importlib
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
import types
import zipfile


def build_wheel(source, into):
    try:
        from setuptools import build_meta
        import setuptools.command.bdist_wheel  # noqa: F401 (setuptools 70.1+ builds wheels without the wheel package)
    except ImportError:
        try:
            import wheel  # noqa: F401
            from setuptools import build_meta
        except ImportError:
            print("no setuptools able to build wheels", file=sys.stderr)
            sys.exit(3)
    previous = os.getcwd()
    os.chdir(source)
    try:
        with contextlib.redirect_stdout(sys.stderr):  # The build's log; stdout carries the answer alone.
            return os.path.join(into, build_meta.build_wheel(into))
    finally:
        os.chdir(previous)


def main():
    plugin, name = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp()
    try:
        source = shutil.copytree(plugin, f"{work}/source")  # The build writes next to its sources.
        wheel = build_wheel(source, work)
        site = f"{work}/site"
        zipfile.ZipFile(wheel).extractall(site)
        sys.path.insert(0, site)
        importlib.invalidate_caches()
        found = [e for e in importlib.metadata.entry_points(group="mlflow.app") if e.name == name]
        if not found:
            print(json.dumps({"value": None}))
            return
        module, attribute = found[0].value.split(":", 1)
        app = getattr(importlib.import_module(module), attribute)
        print(json.dumps({"value": found[0].value, "factory": isinstance(app, types.FunctionType), "callable": callable(app)}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
