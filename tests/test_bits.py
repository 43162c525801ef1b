"""Bit patterns, ULP distances and the binary64 guard."""
import struct


from ann_ref.core.bits import binary64, from_hex, hex_bits, precision, ulp_distance


def test_hex_bits_round_trip_and_canonical_nan():
    for v in (0.4, -0.0, 0.0, 5e-324, 1.7976931348623157e308, float("inf"), float("-inf")):
        assert from_hex(hex_bits(v)) == v and hex_bits(from_hex(hex_bits(v))) == hex_bits(v)
    assert hex_bits(0.4) == "3fd999999999999a" and hex_bits(-0.0) == "8000000000000000"
    negative_nan = struct.unpack("<d", struct.pack("<Q", 0xFFF8000000000001))[0]
    assert hex_bits(negative_nan) == hex_bits(float("nan")) == "7ff8000000000000"


def test_ulp_distance_counts_representable_steps():
    assert ulp_distance(1.0, 1.0) == 0
    assert ulp_distance(1.0, 1.0000000000000002) == 1
    assert ulp_distance(0.0, -0.0) == 1                  # their bits differ
    assert ulp_distance(-5e-324, 5e-324) == 3            # -min, -0, +0, +min
    assert ulp_distance(1.0, float("nan")) is None


def test_a_float_that_is_not_binary64_is_told_apart():
    # what trace.arithmetic() reads to choose the software path on a board
    assert precision() == 53 and binary64()

    def single(u, v):                                    # what a float32 build adds
        return struct.unpack("<f", struct.pack("<f", u + v))[0]
    assert precision(single) == 24
    assert not binary64(single)
