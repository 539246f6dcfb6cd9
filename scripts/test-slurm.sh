#!/usr/bin/env bash
# npm run test:slurm — a real Slurm job array runs a 2-shard `verify --quick` through examples/slurm/submit.sh;
# the merged report's verdicts (and numbers, timings aside) must equal an unsharded run's.
# No sbatch: says how to install it, exits 1. No controller answering: starts a single-node cluster
# (munged, slurmctld, slurmd) from a private slurm.conf in a temporary directory (root needed), and stops
# exactly the daemons it started, by PID, on exit. Not part of npm test.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cli="node $repo/dist/src/cli/main.js"
say() { echo "test:slurm: $*"; }

if ! command -v sbatch > /dev/null; then
  say "sbatch not found. Install Slurm first, e.g. on Debian/Ubuntu (as root):"
  say "  apt-get update && apt-get install -y slurm-wlm munge"
  exit 1
fi
[ -f "$repo/dist/src/cli/main.js" ] || { say "dist/ missing: run npm run build first"; exit 1; }

work=$(mktemp -d /tmp/pruneproof-slurm.XXXXXX)
started_pids=()
cleanup() {
  local code=$?
  for ((i = ${#started_pids[@]} - 1; i >= 0; i--)); do
    local pid=${started_pids[$i]}
    if kill -0 "$pid" 2> /dev/null; then
      say "stopping PID $pid ($(ps -o comm= -p "$pid" 2> /dev/null || echo '?'))"
      kill "$pid" 2> /dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.2; done
    fi
  done
  exit $code
}
trap cleanup EXIT

controller_answers() { timeout 10 sinfo -h > /dev/null 2>&1; }

# Waits for a daemon to write its pid file; records the PID as ours to stop.
remember_pid() {
  local file=$1 name=$2
  for _ in $(seq 1 50); do
    if [ -s "$file" ]; then started_pids+=("$(cat "$file")"); say "started $name (PID $(cat "$file"))"; return 0; fi
    sleep 0.2
  done
  say "$name did not start (no $file)"
  return 1
}

start_cluster() {
  [ "$(id -u)" = 0 ] || { say "no Slurm controller answers and starting one needs root"; exit 1; }
  local host cpus conf=$work/slurm
  host=$(hostname -s)
  cpus=$(nproc)
  mkdir -p "$conf/state" "$conf/spool" "$conf/log"
  if ! pgrep -x munged > /dev/null; then
    if [ ! -s /etc/munge/munge.key ]; then
      say "creating a munge key"
      dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
    mkdir -p /etc/munge /var/log/munge /var/lib/munge /run/munge
    chown -R munge:munge /etc/munge /var/log/munge /var/lib/munge /run/munge
    chmod 400 /etc/munge/munge.key
    su -s /bin/sh munge -c /usr/sbin/munged
    remember_pid /run/munge/munged.pid munged
  fi
  cat > "$conf/slurm.conf" << CONF
ClusterName=pruneproof-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$conf/state
SlurmdSpoolDir=$conf/spool
SlurmctldPidFile=$conf/slurmctld.pid
SlurmdPidFile=$conf/slurmd.pid
SlurmctldLogFile=$conf/log/slurmctld.log
SlurmdLogFile=$conf/log/slurmd.log
ReturnToService=2
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$conf/slurm.conf
  /usr/sbin/slurmctld
  remember_pid "$conf/slurmctld.pid" slurmctld
  /usr/sbin/slurmd
  remember_pid "$conf/slurmd.pid" slurmd
  for _ in $(seq 1 60); do
    if sinfo -h -o '%T' 2> /dev/null | grep -qx idle; then
      say "single-node cluster up: $(sinfo -h -o '%N %c CPUs %T')"
      return 0
    fi
    sleep 1
  done
  say "the node did not become idle; slurmctld log:"
  tail -20 "$conf/log/slurmctld.log" || true
  exit 1
}

if controller_answers; then
  say "using the running Slurm cluster: $(sinfo -h -o '%P %N %T' | head -3 | tr '\n' ' ')"
else
  start_cluster
fi

# A small config; --quick on top, as a user would run it.
cat > "$work/config.json" << 'JSON'
{ "name": "slurm-test", "mGrid": [20, 40], "seeds": [1, 2], "width": 100, "iterations": 200,
  "subnetworkSizes": [10, 20] }
JSON
flags=(--quick --quiet)
cd "$work"
say "submitting 2 shards + merge: examples/slurm/submit.sh config.json store 2 ${flags[*]}"
ids=$(PRUNEPROOF_OUT="$work/merged" PRUNEPROOF="$cli" \
  "$repo/examples/slurm/submit.sh" config.json store 2 "${flags[@]}")
say "$ids"
array=$(echo "$ids" | awk '{print $2}')
merge=$(echo "$ids" | awk '{print $4}')

job_state() { scontrol show job "$1" 2> /dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }
deadline=$((SECONDS + 900)) # a hang guard only
while :; do
  state=$(job_state "$merge")
  case "$state" in
    COMPLETED) break ;;
    FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY)
      say "merge job $merge ended $state"
      cat "$work"/pruneproof-*.out || true
      exit 1 ;;
  esac
  [ $SECONDS -lt $deadline ] || { say "gave up waiting for job $merge (state $state)"; squeue; exit 1; }
  sleep 2
done
say "array job $array and merge job $merge COMPLETED"
for f in "$work"/pruneproof-*.out; do say "--- $(basename "$f")"; sed 's/^/    /' "$f"; done

say "unsharded reference: pruneproof verify --config config.json ${flags[*]}"
$cli verify --config config.json "${flags[@]}" --store "$work/unsharded-store" --out "$work/unsharded" \
  --workers 1 > /dev/null

node - "$work/merged" "$work/unsharded" << 'NODE'
const fs = require('fs');
const path = require('path');
const report = (dir) => {
  const [id] = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'report.json')));
  return JSON.parse(fs.readFileSync(path.join(dir, id, 'report.json'), 'utf8'));
};
const [merged, unsharded] = process.argv.slice(2).map(report);
const verdicts = (doc) => doc.summary.map((r) => `${r.verdict.padEnd(36)} ${r.kind.padEnd(9)} ${r.check.slice(0, 60)}`);
const TIMING = new Set(['createdAt', 'wallSeconds', 'command', 'seconds', 'ms', 'environment']);
const strip = (v) =>
  Array.isArray(v) ? v.map(strip) : v && typeof v === 'object'
    ? Object.fromEntries(Object.entries(v).filter(([k]) => !TIMING.has(k)).map(([k, x]) => [k, strip(x)])) : v;
console.log(`test:slurm: merged report ${merged.runId}, ${merged.runs.length} runs:`);
for (const line of verdicts(merged)) console.log(`    ${line}`);
const sameVerdicts = JSON.stringify(verdicts(merged)) === JSON.stringify(verdicts(unsharded));
const sameNumbers = JSON.stringify(strip(merged)) === JSON.stringify(strip(unsharded));
console.log(`test:slurm: verdicts equal to the unsharded run: ${sameVerdicts}; ` +
  `numbers equal (timings aside): ${sameNumbers}`);
process.exit(sameVerdicts && sameNumbers ? 0 : 1);
NODE
say "PASS"
rm -rf "$work"
