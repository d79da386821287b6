"""The wizard, left at its start values, builds the same ``TrainingConfig`` as ``medgui train``."""

from __future__ import annotations

from dataclasses import replace

import pytest

from medgui.cli import build_parser
from medgui.cli.train import config_from_args
from medgui.core.training.config import TrainingConfig, defaults
from medgui.ui.training.training_wizard import Pages, TrainingWizard
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService
from tests.dataset_factory import image_folder, text_folder


@pytest.fixture
def wizard(qtbot):
    runner, ml = ThreadRunner(), MLService()  # the service starts no process until a job needs one
    wiz = TrainingWizard(ml, runner)
    qtbot.addWidget(wiz)
    wiz.show()
    yield wiz
    runner.wait(10_000)
    ml.shutdown()


@pytest.mark.parametrize("task", ["image", "text"])
def test_untouched_wizard_trains_what_medgui_train_trains(qtbot, wizard, tmp_path, task):
    folder = image_folder(tmp_path / "xray") if task == "image" else text_folder(tmp_path / "notes")
    page = wizard.page(Pages.TASK)
    (page.image if task == "image" else page.text).setChecked(True)
    wizard.next()
    wizard.page(Pages.DATA).path.setText(str(folder))
    wizard.next()
    qtbot.waitUntil(lambda: wizard.scan is not None, timeout=30_000)
    while wizard.currentId() != Pages.MODEL:  # split, imbalance, model: Next, changing nothing
        wizard.next()
    built = replace(wizard.build_config(), name="m")
    cli = config_from_args(build_parser().parse_args(["train", "--task", task, "--data", str(folder),
                                                      "--name", "m"]))
    expected = replace(defaults(task, str(folder)), name="m")
    if task == "text":  # augmentation applies to images only; the wizard says so by sending False
        assert built.augment is False
        built = replace(built, augment=expected.augment)
    assert built == expected
    assert replace(cli, architecture=cli.arch) == expected
    assert TrainingConfig(task=task, data=str(folder), name="m").arch == expected.architecture
