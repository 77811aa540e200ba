"""What the lessons use of IPython, for live mode: display and the plain-text pretty printer."""

from IPython.display import display

__all__ = ["display", "get_ipython"]


def get_ipython() -> None:
    """There is no IPython shell in the browser."""
    return None
