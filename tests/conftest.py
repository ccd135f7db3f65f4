import pytest

from coursetest.selftest import copy_project


@pytest.fixture
def project(tmp_path):
    """A throwaway copy of the project, to break on purpose."""
    return copy_project(tmp_path)
