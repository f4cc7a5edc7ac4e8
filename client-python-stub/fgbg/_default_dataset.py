"""The dataset a torch dataset reads when none is named (builtin), and the one warning per process
that says so when the server serves others too: a server of the user's own folders serves
builtin beside them, and a dataset that read it without a word looked like one that read
theirs. Client methods called without `dataset` say it too (chosen). The Java CLI says the same
on stderr (DatasetChoice)."""
import logging
import weakref
from typing import TYPE_CHECKING, Optional

from .errors import FgbgError

if TYPE_CHECKING:  # client.py imports this module
    from .client import Client

DEFAULT = "builtin"
_LOG = logging.getLogger("fgbg")
_SAID = False  # the warning was given in this process
_ASKED: "weakref.WeakSet[Client]" = weakref.WeakSet()  # clients that asked (chosen)


def or_default(dataset: Optional[str]) -> str:
    """`dataset`, else the default."""
    return DEFAULT if dataset is None else dataset


def chosen(client: "Client", dataset: Optional[str]) -> str:
    """`dataset`, else the default, said (say_default) as a Client method made without `dataset`
    says it: once per process, and each client asks its server's datasets once, so that a loop
    of calls to a server of builtin alone costs no call each."""
    if dataset is not None:
        return dataset
    if client not in _ASKED:
        _ASKED.add(client)
        say_default(client)
    return DEFAULT


def say_default(client: "Client") -> None:
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
