"""The diagnosis by experiment (ann_ref/oracle/experiment.py) and `ann-ref probe`.

The experiments' designs are checked against tests/independent/reference.py, which
shares no code with ann_ref: each design must put exactly the part it is for into the
state after one update. The diagnosis is checked on backends written elsewhere:
tests/backends/mistaken.py (mistakes planted from the spec, no code of ann_ref),
tests/backends/backend.js (V8's Math.exp), and small wrappers that misbehave."""
import json
import os
import random
import struct
import subprocess
import sys

import pytest

from ann_ref.oracle import experiment as X
from helpers import GOLDEN, ROOT, cli

sys.path.insert(0, os.path.join(ROOT, "tests", "independent"))
import reference  # noqa: E402

MISTAKEN = "%s %s" % (sys.executable, os.path.join(ROOT, "tests", "backends", "mistaken.py"))
EXAMPLE = "%s %s" % (sys.executable, os.path.join(ROOT, "tests", "backends", "example.py"))


def bits(v):
    return reference.bits_of(v)


def f(n):
    return struct.unpack("<d", struct.pack("<Q", n))[0]


def reference_step(s):
    """The state after one update of an experiment's scenario, by the reference."""
    return reference.iteration(s["x"], s["y"], s["W"], s["b"], s["learning_rate"],
                               s["variant"])


def wide(rng, n):
    return [rng.choice((-1, 1)) * rng.uniform(1, 2) * 2.0 ** rng.randint(-20, 20)
            for _ in range(n)]


# --- the designs put exactly one part into the state --------------------------------------

def test_the_sum_experiment_reads_dw_exactly():
    rng = random.Random(1)
    for F, O, S in ((2, 1, 4), (3, 2, 7), (9, 1, 40)):
        x = [wide(rng, S) for _ in range(F)]
        e = [wide(rng, S) for _ in range(O)]
        e[0][0] = 0.0
        if O > 1:                         # dW = +0.0 and −0.0: each sign read back
            e[1] = [0.0] * S
            x[0] = [-abs(v) for v in x[0]]
        for variant in ("threshold", "logistic"):
            s = X.sum_experiment(x, e, variant).scenario
            W, _ = reference_step(s)
            for f_ in range(F):
                for o in range(O):
                    total = x[f_][0] * e[o][0]
                    for j in range(1, S):
                        total = total + x[f_][j] * e[o][j]
                    # W after = −0.0 − 1·dW: −dW, with dW's sign of zero kept
                    assert bits(W[f_][o]) == bits(-0.0 - total / S)


def test_the_bias_experiment_reads_db_exactly():
    rng = random.Random(2)
    e = [wide(rng, 6) for _ in range(3)]
    s = X.bias_experiment(2, e, "logistic").scenario
    _, b = reference_step(s)
    flat = [v for row in e for v in row]
    total = flat[0]
    for v in flat[1:]:
        total = total + v
    assert bits(b) == bits(-0.0 - total / 6)


def test_the_update_experiment_is_the_update_of_the_steps_own_numbers():
    rng = random.Random(3)
    W = [[rng.uniform(-3, 3) for _ in range(2)] for _ in range(3)]
    sums = [[rng.uniform(-30, 30) for _ in range(2)] for _ in range(3)]
    a, m = 0.1, 5
    s = X.update_experiment(W, a, sums, m, "logistic").scenario
    got, _ = reference_step(s)
    for f_ in range(3):
        for o in range(2):
            assert bits(got[f_][o]) == bits(W[f_][o] - a * (sums[f_][o] / m))


@pytest.mark.parametrize("variant", ["logistic", "threshold"])
def test_the_sigmoid_experiment_reads_the_sigmoid_of_each_argument(variant):
    rng = random.Random(4)
    arguments = [rng.uniform(-40, 40) for _ in range(20)] + [0.0, -700.0, 36.8, -1e-17]
    for ex, placed in X.sigmoid_experiments(arguments, variant, 2, 1, True):
        ex.state = tuple(map(lambda v: v, reference_step(ex.scenario)))
        ex.state = ([[bits(v) for v in row] for row in ex.state[0]], bits(ex.state[1]))
        for beta, value in X.read_sigmoid(ex, placed, variant):
            s = 1.0 / (1.0 + reference.exp(-beta))
            expected = (1.0 if s >= 0.5 else 0.0) if variant == "threshold" else s
            if value is None:
                # below about 2^−940 no learning rate lifts s above β without overflow
                assert variant == "logistic" and s < 2.0 ** -900, beta
                continue
            assert bits(value) == bits(expected), beta


# --- verify --backend runs experiments ------------------------------------------------------

def verify_json(name, backend, *extra):
    status, out, err = cli("verify", os.path.join(GOLDEN, name + ".json"), "--backend",
                           backend, "--json", *extra)
    assert status == 1, err
    return json.loads(out)


@pytest.mark.parametrize("planted, name, part, cause", [
    # the fast suite keeps one sum and one threshold; the 9 × 40 scenarios run with -m slow
    pytest.param("fma-dW", "real-valued-logistic", "dW", "fma", marks=pytest.mark.slow),
    ("db-by-column", "multi-output-logistic", "db", "sum-order"),
    ("strict", "gate-or", "y_pred", "threshold-strict"),
    pytest.param("b-first", "real-valued-logistic", "z", "bias-first", marks=pytest.mark.slow),
    pytest.param("fused-update", "article-logistic", "update", "fused-update",
                 marks=pytest.mark.slow),
    pytest.param("split-sigmoid", "real-valued-logistic", "s", "sigmoid-form",
                 marks=pytest.mark.slow),
    pytest.param("integer-error", "negative-zero", "dW", "integer-error",
                 marks=pytest.mark.slow),
    pytest.param("flush", "subnormal", "z", "flush-subnormals", marks=pytest.mark.slow),
    pytest.param("reassociated", "real-valued-logistic", "dW", "reassociation",
                 marks=pytest.mark.slow),
    pytest.param("pow-exp", "article-logistic", "t", "exp", marks=pytest.mark.slow),
])
def test_the_part_that_departs_is_found_by_experiment(planted, name, part, cause):
    report = verify_json(name, "%s --%s" % (MISTAKEN, planted))
    first = report["causes"][0]
    assert report["diagnosed_by"] == "experiment"
    assert (first["by"], first["part"], first["id"]) == ("experiment", part, cause), report
    assert first["evidence"] or part == "z"
    assert 0 < report["backend_runs"] <= 20
    assert all(e["ran"] for e in report["experiments"])


@pytest.mark.slow
def test_two_parts_that_depart_together_are_both_found():
    # An FMA in dW and a fused update, as gcc -march=native compiles the article: at
    # this step's sums the update agrees (a = 1e−5 is too small to show the fusion);
    # the update on sums of every size does not, and z is not blamed for it.
    report = verify_json("real-valued-logistic", "%s --fma-dW --fused-update" % MISTAKEN)
    found = [(c["by"], c["part"], c["id"]) for c in report["causes"]]
    assert found == [("experiment", "dW", "fma"), ("experiment", "update", "fused-update")], \
        report["causes"]
    update = report["causes"][1]
    assert update["evidence"] and update["evidence"][0].startswith("W["), update


@pytest.mark.parametrize("kind, fix", [("python", "`W - (a * dW)`"),
                                       pytest.param("c", "`-ffp-contract=off`",
                                                    marks=pytest.mark.slow)])
def test_the_fix_is_the_one_for_the_backends_kind(tmp_path, kind, fix):
    # The same fused update, from a Python program and from a compiled one (a C program
    # that runs it): only the compiled one is told its compiler's flag.
    script = os.path.join(ROOT, "tests", "backends", "mistaken.py")
    command = "%s --fused-update" % MISTAKEN
    if kind == "c":
        source = tmp_path / "backend.c"
        source.write_text('#include <unistd.h>\nint main(void) {\n'
                          '    char *argv[] = {%s, %s, "--fused-update", 0};\n'
                          '    execv(argv[0], argv);\n    return 127;\n}\n'
                          % (json.dumps(sys.executable), json.dumps(script)))
        command = str(tmp_path / "backend")
        subprocess.run(["gcc", str(source), "-o", command], check=True)
    report = verify_json("article-logistic", command)
    first = report["causes"][0]
    assert (first["by"], first["id"]) == ("experiment", "fused-update"), first
    assert fix in first["fix"], first
    assert ("-ffp-contract" in first["fix"]) == (kind == "c"), first


def test_an_exp_that_no_model_knows_is_said_in_ulps():
    # the machine's math.exp (glibc's: within 1 ULP, not always correctly rounded) is
    # modelled nowhere; the probe's extreme z find where it misrounds
    report = verify_json("sigmoid-probe", "%s --libm-exp" % MISTAKEN)
    first = report["causes"][0]
    assert first["id"] == "exp" and first["detail"] is None
    assert "not correctly rounded" in first["explanation"]
    assert any("an exp +1 ULP from e^−z gives it" in e for e in first["evidence"])
    assert first["fix"].startswith("a correctly rounded exp")


@pytest.mark.slow
def test_an_exp_written_as_a_power_is_named_so():
    report = verify_json("article-logistic", "%s --pow-exp" % MISTAKEN)
    first = report["causes"][0]
    assert (first["by"], first["id"], first["detail"]) == ("experiment", "exp", "pow"), first
    assert "math.e ** v" in first["explanation"]


def test_a_trace_alone_is_diagnosed_by_inference_and_says_so(tmp_path):
    trace = tmp_path / "t.jsonl"
    status, out, _ = cli("verify", os.path.join(GOLDEN, "gate-or.json"), "--backend",
                         "%s --strict" % MISTAKEN, "--json")
    with open(os.path.join(GOLDEN, "gate-or.json"), "rb") as fh:
        import subprocess
        trace.write_bytes(subprocess.run(MISTAKEN.split() + ["--strict"], stdin=fh,
                                         capture_output=True).stdout)
    status, out, _ = cli("verify", os.path.join(GOLDEN, "gate-or.json"), str(trace), "--json")
    report = json.loads(out)
    assert status == 1 and report["diagnosed_by"] == "inference"
    assert report["causes"][0]["by"] == "inference" and report["experiments"] == []


def wrapper(tmp_path, body):
    """A backend that runs the example backend (the contract) after `body` has had its
    say about the scenario s (a dict): what the experiments must cope with."""
    path = tmp_path / "wrapper.py"
    path.write_text(
        "import json, subprocess, sys\n"
        "text = sys.stdin.read()\n"
        "s = json.loads(text)['scenario']\n"
        + body +
        "out = subprocess.run([sys.executable, %r], input=text, capture_output=True, text=True)\n"
        "sys.stdout.write(out.stdout)\n" % EXAMPLE.split()[1])
    return "%s %s" % (sys.executable, path)


@pytest.mark.slow
def test_a_backend_that_takes_only_its_own_shape_is_probed_in_its_shape(tmp_path):
    # it refuses any scenario whose W is not 2 × 1, and adds b first where it runs
    backend = wrapper(tmp_path,
                      "if (len(s['W']), len(s['W'][0])) != (2, 1):\n"
                      "    sys.exit('this backend takes 2 features and 1 output')\n"
                      "if s['name'] == 'article-logistic':\n"
                      "    pass\n")
    status, out, err = cli("verify", os.path.join(GOLDEN, "article-logistic.json"),
                           "--backend", backend, "--json")
    assert status == 0, out                       # it is the contract on its own shape
    status, out, _ = cli("probe", "--backend", backend, "--json")
    report = json.loads(out)
    assert status == 1 and {p["verdict"] for p in report["parts"]} == {"not run"}
    status, out, _ = cli("probe", "--backend", backend, "--shape", "2,1,4", "--json")
    report = json.loads(out)
    assert status == 0 and report["conforms"], out


def test_a_backend_that_answers_by_the_scenarios_name_is_not_blamed_by_experiment(tmp_path):
    # strict only for the golden file's own scenario: no experiment isolates it, and the
    # report says so and falls back on inference
    backend = wrapper(tmp_path, "if s['name'] == 'gate-or':\n"
                      "    subprocess.run([sys.executable, %r, '--strict'], input=text, "
                      "text=True)\n    sys.exit(0)\n" % MISTAKEN.split()[1])
    report = verify_json("gate-or", backend)
    assert report["causes"][0]["by"] == "inference"
    assert report["causes"][0]["id"] == "threshold-strict"
    assert any("find no part" in n for n in report["notes"])


# --- ann-ref probe ----------------------------------------------------------------------

def test_probe_finds_a_conforming_backend_conforming():
    status, out, _ = cli("probe", "--backend", EXAMPLE)
    lines = out.splitlines()
    assert status == 0 and lines[-1].startswith("7 parts: 7 conform, 0 depart, 0 not run")
    assert all(line.split("  ")[-1].strip() == "conforms" for line in lines[:-1])


@pytest.mark.parametrize("planted, part, cause", [
    ("db-by-column", "db, the bias gradient", "sum-order (db-column-major)"),
    ("fma-z", "z, the weighted sum", "fma (z-fma)"),
    pytest.param("flush", "dW, the weight gradient", "flush-subnormals",
                 marks=pytest.mark.slow),
    pytest.param("integer-error", "dW, the weight gradient", "integer-error",
                 marks=pytest.mark.slow),
    pytest.param("split-sigmoid", "exp and the sigmoid", "sigmoid-form (split)",
                 marks=pytest.mark.slow),
    pytest.param("reassociated", "the update and the division by m", "reassociation",
                 marks=pytest.mark.slow),
])
def test_probe_names_the_part_and_what_the_backend_does(planted, part, cause):
    status, out, _ = cli("probe", "--backend", "%s --%s" % (MISTAKEN, planted))
    departs = [line for line in out.splitlines() if "departs:" in line]
    assert status == 1 and departs, out
    assert departs[0].startswith(part) and ("departs: " + cause) in departs[0], out
    # a part after it may depart for the same reason (the threshold near z = 0 decides
    # with the sigmoid), never for another
    assert all(("departs: " + cause.split(" ")[0]) in line for line in departs), out


def test_probe_refuses_a_bad_shape_in_one_line():
    status, out, err = cli("probe", "--backend", EXAMPLE, "--shape", "3,2")
    assert status == 2 and err.count("\n") == 1 and "--shape 3,2" in err


# --- what the backend's program is ----------------------------------------------------------

def _compile(tmp_path, name, *flags):
    source = tmp_path / (name + ".c")
    source.write_text("int main(void) { return 0; }\n")
    out = str(tmp_path / name)
    if subprocess.run(["gcc"] + list(flags) + [str(source), "-o", out]).returncode:
        pytest.skip("gcc %s cannot build here (CI installs gcc-multilib)" % " ".join(flags))
    return out


def test_the_program_of_a_backend_says_whether_x87_registers_can_be_its_cause(tmp_path):
    import platform
    here = {"x86_64": "x86-64", "amd64": "x86-64", "aarch64": "aarch64", "arm64": "aarch64"}
    assert X.B.machine(sys.executable) == here.get(platform.machine().lower())
    assert X.B.machine("%s script.py" % sys.executable) == X.B.machine(sys.executable)
    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip("the 32-bit x86 build needs an x86-64 machine")
    program32 = _compile(tmp_path, "p32", "-m32")
    program64 = _compile(tmp_path, "p64")
    assert (X.B.machine(program32), X.B.machine(program64)) == ("i386", "x86-64")
    assert X.B.impossible(program32) == set()
    assert X.B.impossible(program64) == {"extended-precision"}
    assert X.B.impossible("%s script.py" % sys.executable) == {"extended-precision"}
    assert X.B.machine(str(tmp_path / "p32.c")) is None          # not a program: unknown


def test_a_db_no_model_knows_is_not_blamed_on_the_update_too():
    # b's update is read through the backend's own db: where db departs, that experiment
    # would show it again, and no model of the update reproducing it, a fused update was
    # named beside it (PyTorch's .sum() on tiny-z-logistic.json)
    report = verify_json("tiny-z-logistic", MISTAKEN + " --db-by-size")
    ids = [c["id"] for c in report["causes"]]
    assert report["causes"][0]["part"] == "db" and ids[0] == "sum-order", report["causes"]
    assert "fused-update" not in ids and "reassociation" not in ids, ids


@pytest.fixture(scope="module")
def x87_programs(tmp_path_factory):
    """backend.c built for the x87 at -O0 and -O2 (gcc -m32 -mfpmath=387)."""
    source = os.path.join(ROOT, "tests", "backends", "real", "backend.c")
    out = {}
    for level in ("-O0", "-O2"):
        program = str(tmp_path_factory.mktemp("x87") / ("x87" + level))
        built = subprocess.run(["gcc", "-m32", "-mfpmath=387", level, source, "-o", program,
                                "-lquadmath", "-lm"], capture_output=True)
        if built.returncode:
            pytest.skip("gcc -m32 cannot build here (CI installs gcc-multilib)")
        out[level] = program
    return out


@pytest.mark.parametrize("level, name, cause, detail", [
    # the sigmoid probe departs at this step's arguments by i386 libm's exp alone (a
    # correctly rounded exp removes the divergence, SSE2 does not); elsewhere its s is
    # also the x87's, which the report says after it
    pytest.param("-O0", "sigmoid-probe", "exp", None, marks=pytest.mark.slow),
    ("-O2", "sigmoid-probe", "exp", None),
    # y_pred at z = −2^−52 is 0: 1 + t and 1 / (1 + t) in 80 bits, with exp's result
    # kept in the register (at z = −2^−53 it is 1 again, which a binary64 exp in 80-bit
    # arithmetic does not give); tanh's sigmoid gives the same y_pred everywhere and is
    # told apart by s, in the logistic variant
    ("-O0", "tiny-z-threshold", "extended-precision", "x87-exp"),
    pytest.param("-O2", "tiny-z-threshold", "extended-precision", "x87-exp",
                 marks=pytest.mark.slow),
    # W − a·dW kept in a register: a fused update gives the same here, and the update
    # rerun at W = a·g rounded (where x87's 64-bit product and FMA's exact one differ)
    # tells them apart
    ("-O2", "sigmoid-saturation-logistic", "extended-precision", None),
    pytest.param("-O2", "sigmoid-saturation-threshold", "extended-precision", None,
                 marks=pytest.mark.slow),
])
def test_real_x87_programs_are_named_by_the_part_that_departs(x87_programs, level, name,
                                                               cause, detail):
    first = verify_json(name, x87_programs[level])["causes"][0]
    assert (first["by"], first["id"]) == ("experiment", cause), first
    if detail is not None:
        assert first["detail"] == detail, first
    if cause == "exp":
        assert "x87 80-bit registers" in first["explanation"], first


def test_extended_exp_is_e_to_the_power_rounded_to_the_precision():
    # against e^v by its series in exact rationals (no Decimal, which Extended.exp uses)
    from fractions import Fraction
    from ann_ref.oracle.arith import Extended

    def exact_exp(v, terms=60):
        total, term = Fraction(1), Fraction(1)
        q = Fraction(v)
        for n in range(1, terms):
            term = term * q / n
            total += term
        return total

    def rounded(r, p):
        n, e = r.numerator, 0
        while abs(r) >= 2 ** p:
            r /= 2
            e += 1
        while abs(r) < 2 ** (p - 1):
            r *= 2
            e -= 1
        q = int(r)
        rest = r - q
        if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and q % 2):
            q += 1
        return q, e
    for p in (53, 64):
        X = Extended(p)
        for v in (1.0, -1.0, 2.0 ** -53, -(2.0 ** -52), 0.5195550848250212, -3.75, 7.125):
            assert X.exp(v) == rounded(exact_exp(v), p), (p, v)
    assert Extended(64).exp(2.0 ** -53) == (2 ** 63 + 2 ** 10, -63)     # 1 + 2^−53


def test_a_real_x87_program_is_found_in_its_registers(tmp_path):
    # The real backend in C built for the x87 (gcc -m32 -mfpmath=387): its sigmoid,
    # sums and update are kept in 80-bit registers; its 32-bit libm's exp also misrounds
    # a few arguments far from this step's, which the report says without being misled.
    source = os.path.join(ROOT, "tests", "backends", "real", "backend.c")
    program = str(tmp_path / "x87")
    built = subprocess.run(["gcc", "-m32", "-mfpmath=387", "-O0", source, "-o", program,
                            "-lquadmath", "-lm"], capture_output=True)
    if built.returncode:
        pytest.skip("gcc -m32 cannot build here (CI installs gcc-multilib)")
    report = verify_json("article-logistic", program)
    first = report["causes"][0]
    assert (first["by"], first["id"]) == ("experiment", "extended-precision"), first
    assert "-mfpmath=sse" in first["fix"]
