# Kernels that execute the pages: inline SVG figures, no history database.
c = get_config()  # noqa: F821
c.InteractiveShellApp.matplotlib = "inline"
c.InlineBackend.figure_formats = {"svg"}
c.HistoryManager.enabled = False
# An intended error (a cell tagged raises-exception) shows its one-line message, no file paths.
c.InteractiveShell.xmode = "Minimal"
# The kernel talks to the build over loopback only; its notice about unencrypted TCP is noise here.
c.IPKernelApp.log_level = "ERROR"
# Printed text is sent when its cell ends (or before a figure or an error), not every 0.2 s: on a
# busy machine a timed flush can cut one print in two, which MyST-NB's merge of the pieces then
# prints on two lines, so that the same page gave different output from build to build.
from ipykernel.iostream import OutStream  # noqa: E402

OutStream.flush_interval = 3600.0
