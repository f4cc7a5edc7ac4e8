"""How many indices one GetSamples call takes, when the dataset cannot be described (pure)."""
import pytest

from fgbg._proto import pb
from fgbg._split_get import SplitGets
from fgbg.errors import FgbgError


def splits(error: FgbgError) -> SplitGets:
    def describe(dataset: str) -> None:
        raise error

    def get(req: object) -> bytes:
        raise AssertionError("not called")

    return SplitGets(describe, get)


def test_a_dataset_the_server_lacks_goes_as_one_call_whose_error_says_so():
    req = pb.GetSamplesRequest(dataset="nope", indices=list(range(74)))
    assert splits(FgbgError("NOT_FOUND", "no dataset 'nope'")).most(req) == 0


@pytest.mark.parametrize("code", ["DEADLINE_EXCEEDED", "UNAVAILABLE", "UNAUTHENTICATED"])
def test_any_other_failure_to_describe_is_raised_not_sent_whole_to_be_refused_for_its_size(code):
    # Sent whole, 74 indices were INVALID_ARGUMENT ("takes at most 37 per GetSamples call"),
    # which reads as the caller's mistake and is not retried.
    req = pb.GetSamplesRequest(dataset="builtin", indices=list(range(74)))
    with pytest.raises(FgbgError) as e:
        splits(FgbgError(code, "passing")).most(req)
    assert e.value.code == code
