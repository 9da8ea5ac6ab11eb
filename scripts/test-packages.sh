#!/usr/bin/env bash
# Uses the GraphGen packages as a new user would, outside the repository (docs/packages.md):
#   1. packs GraphGen and GraphGen.Templates into artifacts/packages;
#   2. in a temporary folder whose nuget.config makes artifacts/packages the only source of
#      GraphGen* packages (everything else comes from the machine's usual sources), installs the
#      template, creates an app with `dotnet new graphgen`, builds it, runs it and checks its
#      "test accuracy: 0.xxxx" line and the generated file the template's comment points to;
#   3. breaks a shape in the app's network and checks that the build fails with GG0001 on
#      that file and line;
#   4. checks that an app's -p:PublishAot=true does not reach the netstandard2.0 generator project;
#   5. publishes the app with NativeAOT (-r linux-x64 -p:PublishAot=true), checks that the
#      publish printed no warning (trimming, AOT or other) and that the binary prints the
#      same accuracy line as the JIT run;
#   6. makes a second app from the template, adds GraphGen.Gpu, checks that the generator wrote
#      the network's GPU passes, and trains it on ILGPU's CPU accelerator beside the CPU: the
#      same losses to float rounding, and a checkpoint saved from the device loads on the CPU.
# Usage: bash scripts/test-packages.sh [--no-aot]
# Wall time on 2 cores: about 2 minutes after the test suite has built the solution (docs/packages.md).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
aot=true
[[ "${1:-}" == "--no-aot" ]] && aot=false
started=$SECONDS
step() { echo "== packages: $1 ($((SECONDS - started)) s)"; }
fail() { echo "test-packages: FAILED: $1" >&2; exit 1; }

# unzip lists the packages, openssl hashes them; both are in most Debian images, installed here when not.
for tool in unzip openssl; do
  command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null; } || fail "$tool is missing: apt-get install $tool"
done

version=$(dotnet msbuild packaging/GraphGen/GraphGen.csproj -getProperty:Version)
packages="$repo/artifacts/packages"

step "pack version $version into artifacts/packages"
rm -rf "$packages"
dotnet pack packaging/GraphGen -c Release -nologo -v:q
dotnet pack packaging/GraphGen.Templates -c Release -nologo -v:q
dotnet pack packaging/GraphGen.Gpu -c Release -nologo -v:q
for file in "GraphGen.$version.nupkg" "GraphGen.$version.snupkg" "GraphGen.Templates.$version.nupkg" "GraphGen.Gpu.$version.nupkg" "GraphGen.Gpu.$version.snupkg"; do
  [[ -f "$packages/$file" ]] || fail "pack did not produce $file"
done
# What a consumer's compiler and IDE need: both assemblies with their docs, the generator as an analyzer.
listing=$(unzip -Z1 "$packages/GraphGen.$version.nupkg")
for entry in lib/net10.0/GraphGen.Dsl.dll lib/net10.0/GraphGen.Dsl.xml lib/net10.0/GraphGen.Runtime.dll \
             lib/net10.0/GraphGen.Runtime.xml analyzers/dotnet/cs/GraphGen.Generator.dll README.md LICENSE DATA-ATTRIBUTION.md; do
  grep -qx "$entry" <<<"$listing" || fail "GraphGen.$version.nupkg lacks $entry"
done
unzip -Z1 "$packages/GraphGen.$version.snupkg" | grep -qx lib/net10.0/GraphGen.Runtime.pdb || fail "the symbols package lacks GraphGen.Runtime.pdb"
# The GPU package: its one assembly with docs, and GraphGen pinned to exactly this version.
gpu_listing=$(unzip -Z1 "$packages/GraphGen.Gpu.$version.nupkg")
for entry in lib/net10.0/GraphGen.Runtime.Gpu.dll lib/net10.0/GraphGen.Runtime.Gpu.xml README.md LICENSE; do
  grep -qx "$entry" <<<"$gpu_listing" || fail "GraphGen.Gpu.$version.nupkg lacks $entry"
done
grep -q "lib/net10.0/GraphGen.Runtime.dll" <<<"$gpu_listing" && fail "GraphGen.Gpu.$version.nupkg carries GraphGen.Runtime.dll (it belongs to the GraphGen package)"
gpu_nuspec=$(unzip -p "$packages/GraphGen.Gpu.$version.nupkg" GraphGen.Gpu.nuspec)
grep -q "<dependency id=\"GraphGen\" version=\"\[$version\]\"" <<<"$gpu_nuspec" || fail "GraphGen.Gpu does not depend on exactly GraphGen [$version]: $(grep -o '<dependency id="GraphGen"[^>]*>' <<<"$gpu_nuspec")"
grep -q '<dependency id="ILGPU" ' <<<"$gpu_nuspec" || fail "GraphGen.Gpu does not depend on ILGPU"

work=$(mktemp -d "${TMPDIR:-/tmp}/graphgen-packages.XXXXXX")
trap 'rm -rf "$work"' EXIT
case "$work/" in "$repo"/*) fail "the temporary folder $work lies inside the repository";; esac

# A fresh package cache, so a GraphGen of the same version cached by an earlier run can never
# stand in for the one just packed. The machine's global cache serves the other packages
# read-only (a fallback folder) so they are not downloaded again.
export NUGET_PACKAGES="$work/nuget-packages"
global_cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
sources=$(cd "$work" && dotnet nuget list source --format Short | awk '$1 == "E" { print $2 }')
[[ -n "$sources" ]] || fail "no enabled NuGet source on this machine (dotnet nuget list source)"
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo '  <packageSources>'
  echo '    <clear />'
  echo "    <add key=\"graphgen-local\" value=\"$packages\" />"
  n=0; for s in $sources; do n=$((n + 1)); echo "    <add key=\"registry$n\" value=\"$s\" />"; done
  echo '  </packageSources>'
  echo '  <packageSourceMapping>'
  echo '    <packageSource key="graphgen-local"><package pattern="GraphGen" /><package pattern="GraphGen.*" /></packageSource>'
  n=0; for s in $sources; do n=$((n + 1)); echo "    <packageSource key=\"registry$n\"><package pattern=\"*\" /></packageSource>"; done
  echo '  </packageSourceMapping>'
  echo "  <fallbackPackageFolders><clear /><add key=\"machine-cache\" value=\"$global_cache\" /></fallbackPackageFolders>"
  echo '</configuration>'
} > "$work/nuget.config"
# A GraphGen in the fallback folder would win over the local source: there must be none.
if compgen -G "$global_cache/graphgen*" >/dev/null; then
  fail "$global_cache holds a GraphGen package ($(ls -d "$global_cache"/graphgen* | tr '\n' ' ')); it would mask the one just packed: delete it"
fi

step "install the template and create an app"
hive="$work/template-hive"   # a private template store: the machine's own `dotnet new` list is untouched
dotnet new install "$packages/GraphGen.Templates.$version.nupkg" --debug:custom-hive "$hive" >/dev/null
(cd "$work" && dotnet new graphgen -n MyApp --debug:custom-hive "$hive" >/dev/null)
app="$work/MyApp"
[[ -f "$app/MyApp.csproj" && -f "$app/DigitsNetwork.cs" && -f "$app/Program.cs" ]] || fail "dotnet new graphgen did not create MyApp/{MyApp.csproj,DigitsNetwork.cs,Program.cs}"
grep -q "namespace MyApp;" "$app/DigitsNetwork.cs" || fail "the template did not rename GraphGenApp to MyApp"

step "build and run the app"
(cd "$app" && dotnet build -c Release -nologo -v:q) || fail "the new app does not build"
restored=$(cat "$NUGET_PACKAGES/graphgen/$version/graphgen.$version.nupkg.sha512")
packed=$(openssl dgst -sha512 -binary "$packages/GraphGen.$version.nupkg" | base64 -w0)
[[ "$restored" == "$packed" ]] || fail "the app restored a GraphGen $version that is not the one in artifacts/packages"
generated="$app/obj/Release/net10.0/generated/GraphGen.Generator/GraphGen.Generator.NetworkGenerator/MyApp.DigitsNetwork.g.cs"
[[ -f "$generated" ]] || fail "the generated code is not where MyApp.csproj's comment says: $generated"
jit_output=$(cd "$app" && dotnet run -c Release --no-build)
jit_accuracy=$(tail -n 1 <<<"$jit_output")
echo "JIT:        $jit_accuracy"
[[ "$jit_accuracy" =~ ^test\ accuracy:\ (0\.[0-9]{4})$ ]] || fail "the app's last line is '$jit_accuracy', not 'test accuracy: 0.xxxx'"
awk -v a="${BASH_REMATCH[1]}" 'BEGIN { exit !(a >= 0.95) }' || fail "test accuracy ${BASH_REMATCH[1]} is below 0.95"

step "break a shape: the build must fail with GG0001 on the line at fault"
network="$app/DigitsNetwork.cs"
cp "$network" "$work/DigitsNetwork.cs.good"
line=$(grep -n 'return Dense(hidden, 10, name: "output");' "$network" | cut -d: -f1)
[[ -n "$line" ]] || fail "the template's DigitsNetwork.cs no longer has the output layer this test edits"
# The 10 class scores plus the 64 input pixels: '+' needs equal shapes.
sed -i "${line}s/return Dense(hidden, 10, name: \"output\");/return Dense(hidden, 10, name: \"output\") + pixels;/" "$network"
if broken=$(cd "$app" && dotnet build -c Release -nologo 2>&1); then fail "the build succeeded with a shape error"; fi
diagnostic=$(grep -oE "DigitsNetwork\.cs\([0-9]+,[0-9]+\): error GG0001: .*" <<<"$broken" | head -n 1 | sed 's/ \[[^]]*\.csproj\]$//' || true)
echo "diagnostic: $diagnostic"
[[ "$diagnostic" =~ ^DigitsNetwork\.cs\(([0-9]+),[0-9]+\):\ error\ GG0001: ]] || { echo "$broken" | tail -n 20; fail "no GG0001 on DigitsNetwork.cs"; }
[[ "${BASH_REMATCH[1]}" == "$line" ]] || fail "GG0001 is reported on line ${BASH_REMATCH[1]}, but the mismatch is on line $line"
grep -q "\[10\]" <<<"$diagnostic" && grep -q "\[64\]" <<<"$diagnostic" || fail "GG0001 does not name both shapes [10] and [64]: $diagnostic"
cp "$work/DigitsNetwork.cs.good" "$network"

step "the generator project ignores an app's -p:PublishAot=true (else NETSDK1207 when publishing an example)"
# dotnet publish examples/Digits -r linux-x64 -p:PublishAot=true hands PublishAot to every
# referenced project, and restore is where netstandard2.0 refuses it; this restores the
# generator project the same way.
dotnet restore src/GraphGen.Generator -p:PublishAot=true -v:q >/dev/null \
  || fail "src/GraphGen.Generator does not restore with -p:PublishAot=true (NETSDK1207): keep PublishAot=false and TreatAsLocalProperty in its project file"

if [[ "$aot" == true ]]; then
  step "NativeAOT publish"
  # NativeAOT links with clang (the .NET 10 packs bring their own zlib, so zlib1g-dev is not needed).
  if ! command -v clang >/dev/null; then
    echo "clang is missing: installing it (apt-get install clang)"
    { apt-get update -qq && apt-get install -y -qq clang >/dev/null; } || fail "NativeAOT needs clang: apt-get install clang"
  fi
  publish_log="$work/publish.log"
  (cd "$app" && dotnet publish -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -nologo) >"$publish_log" 2>&1 \
    || { tail -n 30 "$publish_log"; fail "NativeAOT publish failed"; }
  warnings=$(grep -cE "warning [A-Z]+[0-9]+" "$publish_log" || true)
  echo "NativeAOT publish: $warnings warnings, binary $(stat -c %s "$work/aot/MyApp") bytes"
  [[ "$warnings" == 0 ]] || { grep -E "warning [A-Z]+[0-9]+" "$publish_log" | sort -u; fail "NativeAOT publish printed $warnings warnings"; }
  aot_accuracy=$(cd "$work" && "$work/aot/MyApp" | tail -n 1)
  echo "NativeAOT:  $aot_accuracy"
  [[ "$aot_accuracy" == "$jit_accuracy" ]] || fail "the NativeAOT binary prints '$aot_accuracy', the JIT run '$jit_accuracy'"
fi

step "the GPU package: a template app with GraphGen.Gpu trains on ILGPU's CPU accelerator"
(cd "$work" && dotnet new graphgen -n GpuApp --debug:custom-hive "$hive" >/dev/null)
gpu_app="$work/GpuApp"
(cd "$gpu_app" && dotnet add package GraphGen.Gpu --version "$version" >/dev/null) || fail "dotnet add package GraphGen.Gpu failed"
# Ten Adam steps on the first 320 digits, from the same seed, on the CPU and on the device.
cat > "$gpu_app/Program.cs" <<'CS'
using GraphGen;
using GraphGen.Data;
using GraphGen.Gpu;
using GpuApp;

var digits = Datasets.Digits().ScaleFeatures(1f / 16);
var cpu = new DigitsNetwork(batchCapacity: 32, seed: 0);
var gpu = new DigitsNetwork(batchCapacity: 32, seed: 0);
using var device = GpuDevice.Open("ilgpu-cpu");
gpu.UseDevice(device);
Adam cpuAdam = new(1e-2f), gpuAdam = new(1e-2f);
double worst = 0;
for (int step = 0; step < 10; step++)
{
    var x = digits.Features.AsSpan(step * 32 * 64, 32 * 64);
    var y = digits.Labels.AsSpan(step * 32, 32);
    float a = cpu.TrainStep(x, y, cpuAdam), b = gpu.TrainStep(x, y, gpuAdam);
    worst = Math.Max(worst, Math.Abs(a - b) / Math.Max(1.0, Math.Abs(a)));
}
string path = Path.Combine(Path.GetTempPath(), $"gpuapp-{Environment.ProcessId}.safetensors");
Checkpoint.Save(path, gpu, gpuAdam);
var loaded = new DigitsNetwork(batchCapacity: 32, seed: 1);
Checkpoint.Load(path, loaded, new Adam(1e-2f));
File.Delete(path);
bool same = loaded.Parameters.SequenceEqual(gpu.Parameters);
Console.WriteLine($"device: {gpu.Device}; GEMM: {device.GemmEngine}; largest loss difference: {worst:E1}; checkpoint from the device loads on the CPU: {same}");
CS
(cd "$gpu_app" && dotnet build -c Release -nologo -v:q) || fail "the app with GraphGen.Gpu does not build"
gpu_generated="$gpu_app/obj/Release/net10.0/generated/GraphGen.Generator/GraphGen.Generator.NetworkGenerator/GpuApp.DigitsNetwork.Gpu.g.cs"
[[ -f "$gpu_generated" ]] || fail "with GraphGen.Gpu referenced, the generator did not write $gpu_generated"
gpu_line=$(cd "$gpu_app" && dotnet run -c Release --no-build | tail -n 1)
echo "GPU app:    $gpu_line"
[[ "$gpu_line" =~ largest\ loss\ difference:\ ([0-9.E+-]+)\;\ checkpoint\ from\ the\ device\ loads\ on\ the\ CPU:\ True$ ]] || fail "the GPU app printed '$gpu_line'"
awk -v d="${BASH_REMATCH[1]}" 'BEGIN { exit !(d <= 1e-5) }' || fail "the device's losses differ from the CPU's by ${BASH_REMATCH[1]} (relative), more than 1e-5"

step "done"
echo "test-packages: OK (GraphGen $version: template app $jit_accuracy; GG0001 on DigitsNetwork.cs line $line; NativeAOT: $aot; GraphGen.Gpu: $gpu_line) in $((SECONDS - started)) s"
