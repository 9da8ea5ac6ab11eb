#!/usr/bin/env bash
# Regenerates the pictures in docs/images/ from the examples that produce them (the tutorials
# show what the examples write to artifacts/). MNIST pictures need `bash scripts/fetch-data.sh mnist`
# (or GRAPHGEN_DATA pointing at fetched data), CharTransformer's the text (fetch-data.sh text); the SVG
# graphs need Graphviz (apt-get install graphviz). Each example's output, with the figures the lessons
# quote, is kept in artifacts/logs/<Example>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts/logs
run() { dotnet run -c Release --project "examples/$1" -- "${@:2}" > "artifacts/logs/$1.txt"; }
for example in ComputationGraph GradientFlow Overfitting Heatmaps Adversarial Reproducibility \
               LeNet DenseBlocks Normalization CharTransformer Recurrence Vae Losses Augmentation EagerTape; do
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
cp "$a/LeNet/conv1-filters.png"                           "$d/lenet-conv1-filters.png"
cp "$a/LeNet/feature-maps.png"                            "$d/lenet-feature-maps.png"
cp "$a/DenseBlocks/gradient-norm-per-layer.svg"           "$d/skip-gradient-norm-per-layer.svg"
cp "$a/DenseBlocks/validation-accuracy.svg"               "$d/skip-validation-accuracy.svg"
cp "$a/Normalization/validation-loss.svg"                 "$d/normalization-validation-loss.svg"
cp "$a/Normalization/train-validation-gap.svg"            "$d/normalization-gap.svg"
cp "$a/CharTransformer/attention-heads.png"               "$d/attention-heads.png"
cp "$a/CharTransformer/attention-sharpest-head.svg"       "$d/attention-sharpest-head.svg"
cp "$a/Recurrence/gradient-per-time-step.svg"             "$d/recurrence-gradient-per-time-step.svg"
cp "$a/Vae/reconstructions.png"                           "$d/vae-reconstructions.png"
cp "$a/Vae/samples.png"                                   "$d/vae-samples.png"
cp "$a/Vae/latent-plane-test-digits.svg"                  "$d/vae-latent-plane.svg"
cp "$a/Vae/latent-plane-decoded.png"                      "$d/vae-latent-plane-decoded.png"
cp "$a/Losses/autoencoder-reconstructions.png"            "$d/losses-autoencoder-reconstructions.png"
cp "$a/Losses/contrastive-embeddings.svg"                 "$d/losses-contrastive-embeddings.svg"
cp "$a/Losses/vae-beta1-latent.svg"                       "$d/losses-vae-beta1-latent.svg"
cp "$a/Augmentation/accuracy-against-noise.svg"           "$d/augmentation-accuracy-against-noise.svg"
cp "$a/Augmentation/samples.png"                          "$d/augmentation-samples.png"
du -ch "$d"/* | tail -1
