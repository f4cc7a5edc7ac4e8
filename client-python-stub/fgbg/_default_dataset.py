"""The dataset a torch dataset reads when none is named (builtin), and the one warning per process
that says so when the server serves others too: a server of the user's own folders serves
builtin beside them, and a dataset that read it without a word looked like one that read
theirs. The Java CLI says the same on stderr (DatasetChoice)."""
import logging
from typing import Optional

from .client import Client, FgbgError

DEFAULT = "builtin"
_LOG = logging.getLogger("fgbg")
_SAID = False  # the warning was given in this process


def or_default(dataset: Optional[str]) -> str:
    """`dataset`, else the default."""
    return DEFAULT if dataset is None else dataset


def say_default(client: Client) -> None:
    """Warns (once per process) that the default was read when `client`'s server serves other
    datasets too. One ListDatasets call until said; its failure leaves the words unsaid (the
    dataset's own calls report a server that does not answer)."""
    global _SAID
    if _SAID:
        return
    try:
        names = [d.name for d in client.list_datasets()]
    except FgbgError:
        return
    if DEFAULT in names and len(names) > 1:
        _SAID = True
        _LOG.warning("dataset %s (the server also serves %s; choose with dataset=NAME)",
                     DEFAULT, ", ".join(n for n in names if n != DEFAULT))
