"""IPython's pretty printer (lib/pretty.py) is copied here, unchanged, by conf/live.py."""
