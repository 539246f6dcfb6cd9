#!/usr/bin/env bash
# Fans a pruneproof sweep out over a Slurm job array and merges it:
#   examples/slurm/submit.sh CONFIG STORE K [verify flags...]
# submits K array tasks (examples/slurm/sweep.sbatch, one shard each) and a merge job that runs only when all
# of them succeeded (--dependency=afterok). Prints "array <id> merge <id>". The same verify flags (e.g. --quick)
# go to the shards and to the merge, so both name the same config. Environment:
#   PRUNEPROOF      command to run (default: pruneproof on PATH, else node <this repo>/dist/src/cli/main.js)
#   PRUNEPROOF_OUT  reports directory of the merge (default: runs)
#   SBATCH_FLAGS    extra sbatch flags for both jobs (e.g. "--partition=cpu --time=02:00:00")
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 CONFIG STORE K [verify flags...]" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
config=$(realpath "$1")
store=$(realpath -m "$2")
shards=$3
shift 3
case "$shards" in '' | *[!0-9]* | 0) echo "$0: K must be a positive integer, got '$shards'" >&2; exit 2 ;; esac
[ -f "$config" ] || { echo "$0: no config file $config" >&2; exit 2; }
out=$(realpath -m "${PRUNEPROOF_OUT:-runs}")
if [ -z "${PRUNEPROOF:-}" ]; then
  if command -v pruneproof > /dev/null; then
    PRUNEPROOF=pruneproof
  else
    PRUNEPROOF="node $(realpath "$here/../..")/dist/src/cli/main.js"
  fi
fi
export PRUNEPROOF
mkdir -p "$store"
read -r -a extra <<< "${SBATCH_FLAGS:-}"
array=$(sbatch --parsable "${extra[@]}" --export=ALL --array=0-$((shards - 1)) \
  "$here/sweep.sbatch" "$config" "$store" "$@")
array=${array%%;*}
merge=$(sbatch --parsable "${extra[@]}" --export=ALL --dependency=afterok:"$array" --kill-on-invalid-dep=yes \
  "$here/merge.sbatch" "$config" "$store" "$out" "$@")
merge=${merge%%;*}
echo "array $array merge $merge"
