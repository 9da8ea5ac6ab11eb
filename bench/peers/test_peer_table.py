"""Tests of the comparison's table (peer_table.py): parsing the sides' printouts, keeping the best of
rounds, the best peer, the ratios and the targets' verdicts, and the text and CSV forms. Standard
library only, no peer needed:

    python3 -m unittest discover -s bench/peers -p 'test_*.py'
"""
import csv
import os
import tempfile
import unittest

import peer_table

CASES = ["64-32-10 b32", "lenet-5 b64", "tiny-gpt b32"]

PYTORCH_OUT = """torch 1.13.0a0, 2 cores, OPENBLAS_CORETYPE=unset, GLIBC_TUNABLES=unset
case                       train µs  threads   infer µs  threads
64-32-10 b32                  131.0        1       11.9        1
lenet-5 b64                  3495.0        2     1438.0        2
tiny-gpt b32                98000.0        2    30000.0        2
"""
TORCHSHARP_OUT = """TorchSharp 0.107.0.0, libtorch 2.10.0.0, GLIBC_TUNABLES=unset
case                       train µs  threads   infer µs  threads
64-32-10 b32                  150.0        1        9.0        1
lenet-5 b64                  3000.0        1     1500.0        2
"""
ORT_OUT = """ONNX Runtime 1.32.0, models artifacts/peers/onnx
case                       train µs  threads   infer µs  threads
64-32-10 b32                      -        -        2.6        1
lenet-5 b64                       -        -      456.0        2
tiny-gpt b32                      -        -     9000.0        1
"""
QUICK_CSV = """case,metric,value,unit
sgemm 1024,gflops,406.1,GFLOP/s
64-32-10 b32,train_step,3.4,us
64-32-10 b32,train_gflops,129.2,GFLOP/s
64-32-10 b32,inference,1,us
lenet-5 b64,train_step,1103,us
lenet-5 b64,inference,500,us
"""


def results():
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "quick.csv")
        with open(path, "w") as f:
            f.write(QUICK_CSV)
        graphgen = peer_table.parse_quick_csv(path)
    return {"graphgen": graphgen, "pytorch": peer_table.parse_peer_output(PYTORCH_OUT, CASES),
            "torchsharp": peer_table.parse_peer_output(TORCHSHARP_OUT, CASES), "onnxruntime": peer_table.parse_peer_output(ORT_OUT, CASES)}


def row(table, case, step):
    return next(r for r in table if r["case"] == case and r["step"] == step)


class ParsingTests(unittest.TestCase):
    def test_peer_lines_give_microseconds_and_threads_and_skip_dashes(self):
        ort = peer_table.parse_peer_output(ORT_OUT, CASES)
        self.assertEqual(ort[("lenet-5 b64", "infer")], (456.0, 2))
        self.assertNotIn(("lenet-5 b64", "train"), ort)

    def test_a_line_with_missing_fields_is_an_error_naming_the_case(self):
        with self.assertRaisesRegex(ValueError, "lenet-5 b64"):
            peer_table.parse_peer_output("lenet-5 b64   12.0 1\n", CASES)

    def test_quick_csv_gives_train_and_infer_only(self):
        graphgen = results()["graphgen"]
        self.assertEqual(graphgen[("64-32-10 b32", "train")], (3.4, None))
        self.assertEqual(set(graphgen), {("64-32-10 b32", "train"), ("64-32-10 b32", "infer"), ("lenet-5 b64", "train"), ("lenet-5 b64", "infer")})

    def test_sgemm_parsers(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "quick.csv")
            with open(path, "w") as f:
                f.write(QUICK_CSV)
            self.assertEqual(peer_table.parse_quick_sgemm(path, 1024), (406.1, None))
            with self.assertRaises(ValueError):
                peer_table.parse_quick_sgemm(path, 2048)
        line = "sgemm 1024        88.7 GFLOP/s (1 threads)    150.2 GFLOP/s (2 threads)"
        self.assertEqual(peer_table.parse_sgemm_line("libtorch 2.10\n" + line, 1024), (150.2, 2))


class BestOfRoundsTests(unittest.TestCase):
    def test_the_lower_time_wins_with_its_thread_count(self):
        best = {("a", "train"): (10.0, 1)}
        peer_table.keep_best(best, {("a", "train"): (12.0, 2), ("a", "infer"): (5.0, 2)})
        peer_table.keep_best(best, {("a", "train"): (9.0, 2)})
        self.assertEqual(best, {("a", "train"): (9.0, 2), ("a", "infer"): (5.0, 2)})


class RowTests(unittest.TestCase):
    def setUp(self):
        self.table = peer_table.rows(CASES, results())

    def test_training_target_is_twice_the_best_libtorch_peer(self):
        r = row(self.table, "lenet-5 b64", "train")
        self.assertEqual((r["best_peer"], r["best_peer_us"], r["target_reference_us"]), ("torchsharp", 3000.0, 3000.0))
        self.assertAlmostEqual(r["speedup_vs_reference"], 3000 / 1103)
        self.assertEqual(r["verdict"], "met")

    def test_inference_target_is_against_onnx_runtime_even_when_another_peer_is_best(self):
        results_ = results()
        results_["pytorch"][("lenet-5 b64", "infer")] = (400.0, 1)
        r = row(peer_table.rows(CASES, results_), "lenet-5 b64", "infer")
        self.assertEqual((r["best_peer"], r["target_reference_us"]), ("pytorch", 456.0))
        self.assertAlmostEqual(r["speedup_vs_best_peer"], 0.8)
        self.assertEqual(r["verdict"], "NOT met")  # 456 / 500 = 0.91 < 1.1

    def test_exactly_at_the_factor_is_met(self):
        self.assertEqual(peer_table.verdict(1.1, 1.1, (1.0, None), [1.1]), "met")
        self.assertEqual(peer_table.verdict(1.0999, 1.1, (1.0, None), [1.1]), "NOT met")

    def test_a_case_without_a_graphgen_time_says_so(self):
        r = row(self.table, "tiny-gpt b32", "infer")
        self.assertEqual((r["graphgen_us"], r["best_peer"], r["verdict"]), (None, "onnxruntime", "no GraphGen time"))
        self.assertIsNone(r["speedup_vs_best_peer"])


class OutputTests(unittest.TestCase):
    def test_text_table_has_a_line_per_row_with_the_best_peer_and_its_threads(self):
        table = peer_table.rows(CASES, results())
        text = peer_table.format_table(table).splitlines()
        self.assertEqual(len(text), 1 + len(table))
        line = next(l for l in text if l.startswith("64-32-10 b32") and " infer " in l)
        self.assertIn("ORT 1t", line)
        self.assertIn("2.60", line)      # 2.6 µs / 1.0 µs
        self.assertTrue(line.endswith("met"))

    def test_csv_round_trips_every_row_with_empty_cells_for_missing_numbers(self):
        table = peer_table.rows(CASES, results())
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "peers.csv")
            peer_table.write_csv(table, path)
            with open(path, newline="") as f:
                back = list(csv.DictReader(f))
        self.assertEqual(len(back), len(table))
        self.assertEqual(list(back[0]), peer_table.CSV_FIELDS)
        train = next(r for r in back if r["case"] == "64-32-10 b32" and r["step"] == "train")
        self.assertEqual((train["graphgen_us"], train["onnxruntime_us"], train["best_peer"], train["pytorch_threads"]), ("3.4", "", "pytorch", "1"))

    def test_malloc_table_shows_the_slowdown_of_the_defaults(self):
        tuned = {"pytorch": {("lenet-5 b64", "train"): (1000.0, 2)}, "torchsharp": {}}
        defaults = {"pytorch": {("lenet-5 b64", "train"): (3000.0, 2)}, "torchsharp": {}}
        line = peer_table.format_malloc_table(["lenet-5 b64"], tuned, defaults).splitlines()[1]
        self.assertEqual(line.split()[2:5], ["3000.0", "1000.0", "3.00"])


if __name__ == "__main__":
    unittest.main()
