#!/usr/bin/env python3
"""Trains the model and writes the artifact and its metrics.

A dependency-free baseline: logistic regression on standardised features, trained by
batch gradient descent with fixed hyperparameters. It needs only the Python standard
library, so CI installs nothing, and it is deterministic: the same data and parameters
give byte-identical artifacts.

Reads the model's settings from model.json and the data from data/train.csv and
data/test.csv (numeric feature columns and a 0/1 `label` column). Writes:

  artifacts/model.json    weights, bias, feature means and standard deviations, params
  artifacts/metrics.json  accuracy, precision, recall, f1 and log loss on the test split

Replace the training code with your framework's when the project outgrows the baseline;
keep writing the two files, register.py reads them.
"""

import argparse
import csv
import hashlib
import json
import math
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent
LABEL_COLUMN = "label"
ARTIFACT_FORMAT = "logistic-regression/v1"

# Fixed hyperparameters; every one is recorded in the artifact's params.
DEFAULT_EPOCHS = 500
DEFAULT_LEARNING_RATE = 0.1
L2 = 0.001
THRESHOLD = 0.5
EPSILON = 1e-15


def load_config(path=None):
    """Reads model.json (name, namespace, task, framework, datasets)."""
    path = Path(path) if path else PROJECT_DIR / "model.json"
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_csv(path):
    """Returns (feature names, rows of floats, labels) from a CSV with a 0/1 label column."""
    path = Path(path)
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise ValueError(f"{path} is empty") from None
        if LABEL_COLUMN not in header:
            raise ValueError(f"{path} has no '{LABEL_COLUMN}' column")
        label_at = header.index(LABEL_COLUMN)
        features = [h for i, h in enumerate(header) if i != label_at]
        if not features:
            raise ValueError(f"{path} has no feature columns")
        rows, labels = [], []
        for line_number, record in enumerate(reader, start=2):
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                raise ValueError(
                    f"{path}:{line_number}: expected {len(header)} columns, got {len(record)}"
                )
            try:
                values = [float(cell) for cell in record]
            except ValueError:
                raise ValueError(f"{path}:{line_number}: values must be numbers") from None
            if any(not math.isfinite(v) for v in values):
                raise ValueError(f"{path}:{line_number}: values must be finite numbers")
            label = values[label_at]
            if label not in (0.0, 1.0):
                raise ValueError(f"{path}:{line_number}: label must be 0 or 1, got {record[label_at]}")
            labels.append(int(label))
            rows.append([v for i, v in enumerate(values) if i != label_at])
    if not rows:
        raise ValueError(f"{path} has no data rows")
    return features, rows, labels


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fit_scaler(rows):
    """Per-feature mean and (population) standard deviation; a constant feature gets 1."""
    n = len(rows)
    columns = list(zip(*rows))
    means = [sum(c) / n for c in columns]
    stds = []
    for column, mean in zip(columns, means):
        std = math.sqrt(sum((v - mean) ** 2 for v in column) / n)
        stds.append(std if std > 0 else 1.0)
    return means, stds


def standardise(rows, means, stds):
    return [[(v - m) / s for v, m, s in zip(row, means, stds)] for row in rows]


def sigmoid(z):
    # Split by sign so that exp never overflows.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def train_logistic_regression(x, y, epochs, learning_rate, l2=L2):
    """Batch gradient descent on the mean log loss plus an L2 penalty (not on the bias)."""
    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    if not learning_rate > 0:
        raise ValueError("learning rate must be positive")
    n, d = len(x), len(x[0])
    weights = [0.0] * d
    bias = 0.0
    for _ in range(epochs):
        grad_w = [0.0] * d
        grad_b = 0.0
        for row, label in zip(x, y):
            error = sigmoid(sum(w * v for w, v in zip(weights, row)) + bias) - label
            for j in range(d):
                grad_w[j] += error * row[j]
            grad_b += error
        for j in range(d):
            weights[j] -= learning_rate * (grad_w[j] / n + l2 * weights[j])
        bias -= learning_rate * grad_b / n
    return weights, bias


def predict_proba(model, rows):
    """Probabilities of the positive class for raw (unstandardised) feature rows."""
    x = standardise(rows, model["feature_means"], model["feature_stds"])
    return [
        sigmoid(sum(w * v for w, v in zip(model["weights"], row)) + model["bias"])
        for row in x
    ]


def predict(model, rows):
    threshold = model.get("threshold", THRESHOLD)
    return [1 if p >= threshold else 0 for p in predict_proba(model, rows)]


def log_loss(labels, probabilities):
    total = 0.0
    for label, p in zip(labels, probabilities):
        p = min(max(p, EPSILON), 1 - EPSILON)
        total -= label * math.log(p) + (1 - label) * math.log(1 - p)
    return total / len(labels)


def classification_metrics(labels, probabilities, threshold=THRESHOLD):
    """Accuracy, precision, recall and f1 of the positive class, and log loss."""
    predicted = [1 if p >= threshold else 0 for p in probabilities]
    tp = sum(1 for t, p in zip(labels, predicted) if t == 1 and p == 1)
    fp = sum(1 for t, p in zip(labels, predicted) if t == 0 and p == 1)
    fn = sum(1 for t, p in zip(labels, predicted) if t == 1 and p == 0)
    correct = sum(1 for t, p in zip(labels, predicted) if t == p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "accuracy": correct / len(labels),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "log_loss": log_loss(labels, probabilities),
    }


def majority_baseline_accuracy(train_labels, test_labels):
    """Test accuracy of always predicting the training set's most frequent class."""
    positives = sum(train_labels)
    majority = 1 if positives * 2 > len(train_labels) else 0
    return sum(1 for t in test_labels if t == majority) / len(test_labels)


def write_json(path, data):
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def run(epochs=DEFAULT_EPOCHS, learning_rate=DEFAULT_LEARNING_RATE, output_dir=None,
        data_dir=None, config_path=None):
    """Trains, evaluates and writes the artifacts; returns (model, metrics)."""
    config = load_config(config_path)
    data_dir = Path(data_dir) if data_dir else PROJECT_DIR / "data"
    output_dir = Path(output_dir) if output_dir else PROJECT_DIR / "artifacts"
    train_path, test_path = data_dir / "train.csv", data_dir / "test.csv"

    features, train_rows, train_labels = load_csv(train_path)
    test_features, test_rows, test_labels = load_csv(test_path)
    if test_features != features:
        raise ValueError(
            f"{test_path} has the columns {test_features}, {train_path} has {features}"
        )

    means, stds = fit_scaler(train_rows)
    weights, bias = train_logistic_regression(
        standardise(train_rows, means, stds), train_labels, epochs, learning_rate
    )
    model = {
        "format": ARTIFACT_FORMAT,
        "model": f"{config.get('namespace', 'default')}/{config['name']}",
        "features": features,
        "weights": weights,
        "bias": bias,
        "feature_means": means,
        "feature_stds": stds,
        "threshold": THRESHOLD,
        "params": {
            "algorithm": "logistic-regression",
            "optimizer": "batch-gradient-descent",
            "epochs": epochs,
            "learning_rate": learning_rate,
            "l2": L2,
            "threshold": THRESHOLD,
            "standardise": True,
        },
        "data": {
            "train": {"path": "data/train.csv", "rows": len(train_rows),
                      "sha256": file_sha256(train_path)},
            "test": {"path": "data/test.csv", "rows": len(test_rows),
                     "sha256": file_sha256(test_path)},
        },
    }

    test_metrics = classification_metrics(test_labels, predict_proba(model, test_rows))
    train_metrics = classification_metrics(train_labels, predict_proba(model, train_rows))
    metrics = {name: round(value, 6) for name, value in test_metrics.items()}
    metrics["baseline_accuracy"] = round(majority_baseline_accuracy(train_labels, test_labels), 6)
    metrics["train_accuracy"] = round(train_metrics["accuracy"], 6)
    metrics["train_log_loss"] = round(train_metrics["log_loss"], 6)

    output_dir.mkdir(parents=True, exist_ok=True)
    write_json(output_dir / "model.json", model)
    write_json(output_dir / "metrics.json", metrics)
    return model, metrics


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS,
                        help=f"passes of gradient descent (default {DEFAULT_EPOCHS})")
    parser.add_argument("--learning-rate", type=float, default=DEFAULT_LEARNING_RATE,
                        help=f"step size (default {DEFAULT_LEARNING_RATE})")
    parser.add_argument("--output-dir", default=None,
                        help="where to write model.json and metrics.json (default artifacts/)")
    parser.add_argument("--data-dir", default=None,
                        help="directory with train.csv and test.csv (default data/)")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if not (math.isfinite(args.learning_rate) and args.learning_rate > 0):
        parser.error("--learning-rate must be a positive number")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        model, metrics = run(args.epochs, args.learning_rate, args.output_dir, args.data_dir)
    except (OSError, ValueError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    output_dir = Path(args.output_dir) if args.output_dir else PROJECT_DIR / "artifacts"
    print(f"Trained {model['model']} ({model['params']['algorithm']}, "
          f"{args.epochs} epochs, learning rate {args.learning_rate})")
    for name in sorted(metrics):
        print(f"  {name:<18} {metrics[name]:.4f}")
    print(f"Wrote {output_dir / 'model.json'} and {output_dir / 'metrics.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
