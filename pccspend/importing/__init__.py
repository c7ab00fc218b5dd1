"""Importing a file into the register: 360Giving data (CSV, XLSX, JSON) or the register's own layout.

`plan_import` reads the file once, streaming, turns each row into an award row (or rejections
naming row and column), stages the whole new register beside the old one and validates it with
the same rules as `pccspend validate`. The plan says what would be added, changed, left alone
and rejected. `apply_import` then renames the staged files over the register (only if nothing
was rejected and the register did not change since the plan) and rebuilds the parquet.

The modules: `rows` (one row to an award row, and the rules for a row), `plan` (the plan and the
size limit), `stage` (the register it would make, validated), `apply` (the lock, applying,
`import_file`, `import_upload`), `columns` (an upload's columns for the Import page's column step)
and `report` (the plan as text and as table rows). Their public names are all here.
"""

from pccspend.importing.columns import Columns, columns_of_upload
from pccspend.importing.apply import ImportRefused, apply_import, import_file, import_upload
from pccspend.importing.plan import (
    DEFAULT_MAX_IMPORT_MB, MAX_IMPORT_ENV, ImportPlan, Progress, file_sha256, max_import_mb, plan_import,
    size_refusal,
)
from pccspend.importing.report import problem_rows, report_lines
from pccspend.importing.rows import MAX_LISTED, SECTOR_PREFIXES, Noted

__all__ = [
    "Columns", "columns_of_upload", "DEFAULT_MAX_IMPORT_MB", "MAX_IMPORT_ENV", "MAX_LISTED", "SECTOR_PREFIXES", "ImportPlan", "ImportRefused",
    "Noted", "Progress", "apply_import", "file_sha256", "import_file", "import_upload", "max_import_mb",
    "plan_import", "problem_rows", "report_lines", "size_refusal",
]
