"""Fake mlflow.db: the `upgrade` command records the URL it was given in FAKE_MLFLOW_RECORD.

Setting FAKE_MLFLOW_UPGRADE_ERROR makes it fail with that message followed by the URL, the way
a driver error can repeat its connection string.
"""

import os


class _UpgradeCommand:
    def main(self, args, prog_name, standalone_mode):
        error = os.environ.get("FAKE_MLFLOW_UPGRADE_ERROR")
        if error:
            raise RuntimeError(f"{error} {args[0]}")
        with open(os.environ["FAKE_MLFLOW_RECORD"], "w", encoding="utf-8") as record:
            record.write("\n".join([prog_name, str(standalone_mode), *args]))


upgrade = _UpgradeCommand()
