#!/usr/bin/env bash
# Regenerates the pictures in docs/images/ from the examples that produce them (the tutorials
# show what the examples write to artifacts/). MNIST pictures need `bash scripts/fetch-data.sh mnist`
# (or GRAPHGEN_DATA pointing at fetched data); the SVG graphs need Graphviz (apt-get install graphviz).
set -euo pipefail
cd "$(dirname "$0")/.."
run() { dotnet run -c Release --project "examples/$1" -- "${@:2}" > /dev/null; }
for example in ComputationGraph GradientFlow Overfitting Heatmaps Adversarial Reproducibility; do
  echo "== $example"
  run "$example"
done
a=artifacts
d=docs/images
mkdir -p "$d"
cp "$a/ComputationGraph/ResidualIrisNet.forward.svg"      "$d/computation-graph-forward.svg"
cp "$a/ComputationGraph/ResidualIrisNet.backward.svg"     "$d/computation-graph-backward.svg"
cp "$a/GradientFlow/gradient-norm-per-layer.svg"          "$d/gradient-norm-per-layer.svg"
cp "$a/GradientFlow/gradient-norm-per-layer-all.svg"      "$d/gradient-norm-per-layer-all.svg"
cp "$a/GradientFlow/gradient-norm-by-step.svg"            "$d/gradient-norm-by-step.svg"
cp "$a/GradientFlow/update-ratio-per-layer.svg"           "$d/update-ratio-per-layer.svg"
cp "$a/Overfitting/loss-both.svg"                         "$d/overfitting-loss.svg"
cp "$a/Overfitting/overfit-accuracy.svg"                  "$d/overfitting-accuracy.svg"
cp "$a/Heatmaps/digits-0-layers.png"                      "$d/heatmaps-digits-layers.png"
cp "$a/Heatmaps/digits-hidden1-by-class.svg"              "$d/heatmaps-digits-hidden1-by-class.svg"
cp "$a/Heatmaps/mnist-0-layers.png"                       "$d/heatmaps-mnist-layers.png"
cp "$a/Heatmaps/mnist-saliency-by-class.png"              "$d/heatmaps-mnist-saliency-by-class.png"
cp "$a/Adversarial/mnist-fgsm-eps0.10.png"                "$d/adversarial-fgsm-eps0.10.png"
cp "$a/Adversarial/mnist-iterative-eps0.10.png"           "$d/adversarial-iterative-eps0.10.png"
cp "$a/Adversarial/mnist-success-rates.svg"               "$d/adversarial-success-rates.svg"
cp "$a/Reproducibility/batch-losses.svg"                  "$d/reproducibility-batch-losses.svg"
du -ch "$d"/* | tail -1
