# Kernels that execute the pages: inline SVG figures, no history database.
c = get_config()  # noqa: F821
c.InteractiveShellApp.matplotlib = "inline"
c.InlineBackend.figure_formats = {"svg"}
c.HistoryManager.enabled = False
# An intended error (a cell tagged raises-exception) shows its one-line message, no file paths.
c.InteractiveShell.xmode = "Minimal"
# The kernel talks to the build over loopback only; its notice about unencrypted TCP is noise here.
c.IPKernelApp.log_level = "ERROR"
