"""Tests of train.py. Run from the project root: python -m unittest discover -s tests -v"""

import io
import json
import math
import shutil
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

import train  # noqa: E402

METRICS = ["accuracy", "precision", "recall", "f1", "log_loss"]


def temp_dir(test_case):
    path = Path(tempfile.mkdtemp(prefix="train-test-"))
    test_case.addCleanup(shutil.rmtree, path, ignore_errors=True)
    return path


class TrainOnBundledDataTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.output = Path(tempfile.mkdtemp(prefix="train-test-"))
        cls.model, cls.metrics = train.run(output_dir=cls.output)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.output, ignore_errors=True)

    def test_beats_the_majority_class_baseline(self):
        self.assertGreater(self.metrics["accuracy"], self.metrics["baseline_accuracy"] + 0.1)

    def test_reaches_a_reasonable_quality_on_the_test_split(self):
        self.assertGreaterEqual(self.metrics["accuracy"], 0.85)
        self.assertGreaterEqual(self.metrics["f1"], 0.8)
        # Better than an uninformed 50/50 guess, whose log loss is ln 2.
        self.assertLess(self.metrics["log_loss"], math.log(2))

    def test_metrics_are_finite_numbers_in_range(self):
        for name in METRICS + ["baseline_accuracy", "train_accuracy", "train_log_loss"]:
            value = self.metrics[name]
            self.assertIsInstance(value, float, name)
            self.assertTrue(math.isfinite(value), name)
        for name in ["accuracy", "precision", "recall", "f1", "baseline_accuracy"]:
            self.assertGreaterEqual(self.metrics[name], 0.0, name)
            self.assertLessEqual(self.metrics[name], 1.0, name)

    def test_writes_the_model_artifact(self):
        model = json.loads((self.output / "model.json").read_text(encoding="utf-8"))
        self.assertEqual(model["format"], train.ARTIFACT_FORMAT)
        self.assertEqual(len(model["features"]), 3)
        for field in ("weights", "feature_means", "feature_stds"):
            self.assertEqual(len(model[field]), len(model["features"]), field)
        self.assertIsInstance(model["bias"], float)
        self.assertTrue(all(std > 0 for std in model["feature_stds"]))
        self.assertEqual(model["params"]["epochs"], train.DEFAULT_EPOCHS)
        self.assertEqual(model["params"]["learning_rate"], train.DEFAULT_LEARNING_RATE)
        self.assertEqual(model["params"]["l2"], train.L2)
        self.assertEqual(model["data"]["train"]["rows"], 120)
        self.assertEqual(model["data"]["test"]["rows"], 40)
        self.assertRegex(model["data"]["train"]["sha256"], r"^[0-9a-f]{64}$")

    def test_writes_the_metrics(self):
        written = json.loads((self.output / "metrics.json").read_text(encoding="utf-8"))
        self.assertEqual(written, self.metrics)
        for name in METRICS:
            self.assertIn(name, written)

    def test_the_artifact_alone_reproduces_the_test_accuracy(self):
        model = json.loads((self.output / "model.json").read_text(encoding="utf-8"))
        _, rows, labels = train.load_csv(PROJECT_DIR / "data" / "test.csv")
        predicted = train.predict(model, rows)
        accuracy = sum(1 for p, t in zip(predicted, labels) if p == t) / len(labels)
        self.assertAlmostEqual(accuracy, self.metrics["accuracy"], places=6)

    def test_is_deterministic(self):
        again = temp_dir(self)
        train.run(output_dir=again)
        for name in ("model.json", "metrics.json"):
            self.assertEqual(
                (self.output / name).read_bytes(), (again / name).read_bytes(), name
            )


class CommandLineTest(unittest.TestCase):
    def run_main(self, argv):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = train.main(argv)
        return code, out.getvalue(), err.getvalue()

    def test_flags_set_and_record_the_hyperparameters(self):
        output = temp_dir(self) / "nested" / "out"
        code, out, _ = self.run_main(
            ["--epochs", "25", "--learning-rate", "0.05", "--output-dir", str(output)]
        )
        self.assertEqual(code, 0)
        self.assertIn("accuracy", out)
        params = json.loads((output / "model.json").read_text(encoding="utf-8"))["params"]
        self.assertEqual(params["epochs"], 25)
        self.assertEqual(params["learning_rate"], 0.05)

    def test_rejects_bad_flags(self):
        for argv in (["--epochs", "0"], ["--learning-rate", "-1"], ["--learning-rate", "nan"]):
            with self.subTest(argv=argv), redirect_stderr(io.StringIO()):
                with self.assertRaises(SystemExit) as raised:
                    train.main(argv)
                self.assertEqual(raised.exception.code, 2)

    def test_reports_bad_data_clearly(self):
        data = temp_dir(self)
        (data / "train.csv").write_text("a,b,label\n1,2,0\n3,4,2\n", encoding="utf-8")
        (data / "test.csv").write_text("a,b,label\n1,2,0\n", encoding="utf-8")
        code, _, err = self.run_main(
            ["--data-dir", str(data), "--output-dir", str(temp_dir(self))]
        )
        self.assertEqual(code, 1)
        self.assertIn("train.csv:3: label must be 0 or 1", err)

    def test_reports_mismatched_columns(self):
        data = temp_dir(self)
        (data / "train.csv").write_text("a,b,label\n1,2,0\n3,4,1\n", encoding="utf-8")
        (data / "test.csv").write_text("a,c,label\n1,2,0\n", encoding="utf-8")
        code, _, err = self.run_main(
            ["--data-dir", str(data), "--output-dir", str(temp_dir(self))]
        )
        self.assertEqual(code, 1)
        self.assertIn("columns", err)


class MetricsTest(unittest.TestCase):
    def test_counts_the_positive_class(self):
        labels = [1, 1, 0, 0, 1]
        probabilities = [0.9, 0.2, 0.7, 0.1, 0.6]  # predicted 1, 0, 1, 0, 1
        metrics = train.classification_metrics(labels, probabilities)
        self.assertAlmostEqual(metrics["accuracy"], 3 / 5)
        self.assertAlmostEqual(metrics["precision"], 2 / 3)
        self.assertAlmostEqual(metrics["recall"], 2 / 3)
        self.assertAlmostEqual(metrics["f1"], 2 / 3)

    def test_no_positive_predictions_give_zero_not_an_error(self):
        metrics = train.classification_metrics([1, 0], [0.1, 0.2])
        self.assertEqual(metrics["precision"], 0.0)
        self.assertEqual(metrics["recall"], 0.0)
        self.assertEqual(metrics["f1"], 0.0)

    def test_log_loss_is_finite_for_confident_mistakes(self):
        self.assertTrue(math.isfinite(train.log_loss([1, 0], [0.0, 1.0])))
        self.assertAlmostEqual(train.log_loss([1, 0], [0.5, 0.5]), math.log(2))

    def test_sigmoid_does_not_overflow(self):
        self.assertEqual(train.sigmoid(0), 0.5)
        self.assertAlmostEqual(train.sigmoid(1000), 1.0)
        self.assertAlmostEqual(train.sigmoid(-1000), 0.0)

    def test_constant_feature_is_not_divided_by_zero(self):
        means, stds = train.fit_scaler([[1.0, 5.0], [3.0, 5.0]])
        self.assertEqual(means, [2.0, 5.0])
        self.assertEqual(stds, [1.0, 1.0])


if __name__ == "__main__":
    unittest.main()
