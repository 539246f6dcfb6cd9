#!/usr/bin/env bash
# npm run test:slurm — a real Slurm job array runs a 2-shard `verify --quick` through examples/slurm/submit.sh;
# the merged report's verdicts (and numbers, apart from the fields the report schema marks volatile) must equal
# an unsharded run's. Idempotent about the cluster: a running one is reused; what is missing is started (munged;
# slurmd for a controller without a live node; or a whole single-node cluster, munged + slurmctld + slurmd,
# from a private slurm.conf in a temporary directory; root needed), and exactly the daemons it started are
# stopped, by PID, on exit. No sbatch: says how to install it, exits 1. Not part of npm test (.ci/run runs it).
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

ensure_munge() {
  pgrep -x munged > /dev/null && return 0
  [ "$(id -u)" = 0 ] || { say "munged is not running and starting it needs root"; exit 1; }
  if [ ! -s /etc/munge/munge.key ]; then
    say "creating a munge key"
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  mkdir -p /etc/munge /var/log/munge /var/lib/munge /run/munge
  chown -R munge:munge /etc/munge /var/log/munge /var/lib/munge /run/munge
  chmod 400 /etc/munge/munge.key
  su -s /bin/sh munge -c /usr/sbin/munged
  remember_pid /run/munge/munged.pid munged
}

node_up() { sinfo -h -o '%T' 2> /dev/null | grep -Eq '^(idle|mixed|allocated|completing)'; }

wait_for_node() {
  for _ in $(seq 1 60); do
    if node_up; then
      say "single-node cluster up: $(sinfo -h -o '%N %c CPUs %T')"
      return 0
    fi
    sleep 1
  done
  say "the node did not become idle; slurmctld log:"
  tail -20 "${1:-/var/log/slurmctld.log}" || true
  exit 1
}

# A controller answers but no node is up (slurmd not running): start slurmd under the controller's own config.
start_slurmd() {
  [ "$(id -u)" = 0 ] || { say "no node is up and starting slurmd needs root"; exit 1; }
  /usr/sbin/slurmd
  local pid=""
  for _ in $(seq 1 50); do pid=$(pgrep -x -n slurmd || true); [ -n "$pid" ] && break; sleep 0.2; done
  [ -n "$pid" ] || { say "slurmd did not start"; exit 1; }
  started_pids+=("$pid")
  say "started slurmd (PID $pid)"
  wait_for_node
}

start_cluster() {
  [ "$(id -u)" = 0 ] || { say "no Slurm controller answers and starting one needs root"; exit 1; }
  local host cpus conf=$work/slurm
  host=$(hostname -s)
  cpus=$(nproc)
  mkdir -p "$conf/state" "$conf/spool" "$conf/log"
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
NodeName=$host CPUs=$cpus RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$conf/slurm.conf
  if pgrep -x slurmctld > /dev/null || pgrep -x slurmd > /dev/null; then
    say "a slurmctld or slurmd runs but no controller answers under the default config; not touching it"
    exit 1
  fi
  /usr/sbin/slurmctld
  remember_pid "$conf/slurmctld.pid" slurmctld
  /usr/sbin/slurmd
  remember_pid "$conf/slurmd.pid" slurmd
  wait_for_node "$conf/log/slurmctld.log"
}

ensure_munge
if controller_answers; then
  say "using the running Slurm cluster: $(sinfo -h -o '%P %N %T' | head -3 | tr '\n' ' ')"
  node_up || { pgrep -x slurmd > /dev/null && wait_for_node; } || start_slurmd
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

node - "$repo" "$work/merged" "$work/unsharded" << 'NODE'
const fs = require('fs');
const path = require('path');
const [repo, ...dirs] = process.argv.slice(2);
// The one list of fields that differ between two computations of the same runs: the report schema's marks.
const { VOLATILE_FIELDS, withoutVolatile } = require(path.join(repo, 'dist/src/report/verify/schema.js'));
const report = (dir) => {
  const [id] = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'report.json')));
  return JSON.parse(fs.readFileSync(path.join(dir, id, 'report.json'), 'utf8'));
};
const [merged, unsharded] = dirs.map(report);
const verdicts = (doc) => doc.summary.map((r) => `${r.verdict.padEnd(36)} ${r.kind.padEnd(9)} ${r.check.slice(0, 60)}`);
console.log(`test:slurm: merged report ${merged.runId}, ${merged.runs.length} runs:`);
for (const line of verdicts(merged)) console.log(`    ${line}`);
const sameVerdicts = JSON.stringify(verdicts(merged)) === JSON.stringify(verdicts(unsharded));
const [a, b] = [merged, unsharded].map((doc) => JSON.stringify(withoutVolatile(doc)));
const sameNumbers = a === b;
console.log(`test:slurm: verdicts equal to the unsharded run: ${sameVerdicts}; numbers equal apart from the ` +
  `${VOLATILE_FIELDS.length} volatile fields (${VOLATILE_FIELDS.map((f) => f.path.join('.')).join(', ')}): ${sameNumbers}`);
if (!merged.environment.engine) console.log('test:slurm: the merged report lacks environment.engine');
if (!sameNumbers) {
  const flat = (v, p = '', out = new Map()) => {
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) flat(x, p ? `${p}.${k}` : k, out);
    else out.set(p, JSON.stringify(v));
    return out;
  };
  const [x, y] = [withoutVolatile(merged), withoutVolatile(unsharded)].map((d) => flat(d));
  const differing = [...new Set([...x.keys(), ...y.keys()])].filter((k) => x.get(k) !== y.get(k));
  console.log(`test:slurm: ${differing.length} differing field(s): ${differing.slice(0, 10).join(', ')}`);
}
process.exit(sameVerdicts && sameNumbers && merged.environment.engine ? 0 : 1);
NODE
say "PASS"
rm -rf "$work"
