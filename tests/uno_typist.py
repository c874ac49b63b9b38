"""Types into a workbook through LibreOffice's UNO bridge the way a person does, in a given locale.

Run by the system Python that has LibreOffice's ``uno`` module (Debian: python3-uno), not by the test
venv: ``/usr/bin/python3 tests/uno_typist.py SRC DEST LOCALE CELLS_JSON``. CELLS_JSON is a list of
``[sheet, cell, text]``; each text goes through Calc's own input line (``.uno:EnterString``), so the
locale decides what becomes a number, a percentage or text, exactly as when someone types it. The file is
saved as .xlsx to DEST; what each cell became is printed as JSON ``[cell, text, type, value, shown]``.
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(900):  # LibreOffice takes a few seconds to start on a busy machine
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            time.sleep(0.1)
    raise SystemExit("LibreOffice tidak menjawab")


def set_locale(ctx, locale):
    """The locale decides how typed numbers are read (decimal and thousands separators)."""
    provider = ctx.ServiceManager.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
    access = provider.createInstanceWithArguments("com.sun.star.configuration.ConfigurationUpdateAccess",
                                                  (prop("nodepath", "/org.openoffice.Setup/L10N"),))
    access.setPropertyValue("ooSetupSystemLocale", locale)
    access.commitChanges()


def main(src, dst, locale, cells_json):
    cells = json.loads(cells_json)
    pipe = "kinerja_" + uuid.uuid4().hex[:10]
    profile = tempfile.mkdtemp(prefix="lo_typist_")
    proc = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
                             "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desktop = None
    try:
        ctx = connect(pipe)
        set_locale(ctx, locale)
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0,
                                           (prop("Hidden", True),))
        if doc is None:
            raise SystemExit(f"LibreOffice tidak dapat membuka {src}")
        controller = doc.getCurrentController()
        frame = controller.getFrame()
        dispatch = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        for sheet, ref, text in cells:
            controller.setActiveSheet(doc.Sheets.getByName(sheet))
            dispatch.executeDispatch(frame, ".uno:GoToCell", "", 0, (prop("ToPoint", ref),))
            dispatch.executeDispatch(frame, ".uno:EnterString", "", 0, (prop("StringName", text),))
        became = []
        for sheet, ref, text in cells:
            cell = doc.Sheets.getByName(sheet).getCellRangeByName(ref)
            became.append([ref, text, cell.getType().value, cell.getValue(), cell.getString()])
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)),
                       (prop("FilterName", "Calc MS Excel 2007 XML"),))
        print(json.dumps(became), flush=True)
        with contextlib.suppress(Exception):  # the bridge may go before close answers; the file is stored
            doc.close(True)
    finally:
        if desktop is not None:
            with contextlib.suppress(Exception):  # it may already be gone
                desktop.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
