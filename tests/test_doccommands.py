"""The checker of shown commands, on small documents whose verdict is known."""
from doccommands import commands, matches, mismatches


def test_matching_is_exact_but_for_the_two_wildcards():
    assert matches(["a", "b"], ["a", "b"])
    assert not matches(["a", "b"], ["a", "c"])
    assert not matches(["a"], ["a", "b"])
    assert matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert matches(["a", "...", "z"], ["a", "z"])
    assert not matches(["a", "...", "z"], ["a", "b"])
    assert matches(["iteration 1…"], ["iteration 1: W = 0.4"])
    assert not matches(["iteration 1…"], ["iteration 2: W = 0.4"])


def test_a_document_that_tells_the_truth_and_one_that_lies(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("Text.\n\n```console\n$ echo one\none\n$ printf 'a\\nb\\n'\na\nb\n```\n"
                   "\n```console\n$ # not run: installs things\n$ false\n```\n")
    assert [c for _, c, _ in commands(str(doc))] == ["echo one", "printf 'a\\nb\\n'"]
    assert mismatches(str(doc)) == []
    doc.write_text("```console\n$ echo two\none\n```\n")
    [message] = mismatches(str(doc))
    assert "doc.md:2: `echo two` printed:\ntwo\n" in message
