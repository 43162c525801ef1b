"""The one part of the packaging that setup.cfg cannot say: the golden catalogue, kept
in the top-level folder golden/ (its only copy), is installed with the package as
ann_ref/golden/, where `ann-ref golden check` and `ann-ref verify --backend CMD` find it
when they run from an installed package (ann_ref/catalogue/golden.py, default_dir)."""
from setuptools import find_packages, setup

setup(packages=find_packages(include=["ann_ref", "ann_ref.*"]) + ["ann_ref.golden"],
      package_dir={"ann_ref.golden": "golden"},
      package_data={"ann_ref.golden": ["*.json", "README.md", "layers/*.json",
                                      "binary32/*.json"]})
