#!/bin/bash
# A real SLURM cluster on this one machine, for the campaign tests: Debian's slurmctld, slurmd,
# slurm-client and munge (installed when missing; needs root), two slurmd nodes (n1, n2) with one CPU
# each, all state under $ADAMBENCH_SLURM_DIR (default /tmp/adambench-slurm). No systemd needed.
#   slurm-local.sh start   install if needed, write the configuration, start munged, slurmctld, 2 slurmd
#   slurm-local.sh stop    stop the daemons this script started (by the pids it recorded)
# Configuration choices (docs/CLUSTER.md): MinJobAge keeps finished jobs visible to scontrol (no
# slurmdbd), kill_invalid_depend ends a job whose dependency can never be met, cred_expire=10 lets
# requeued jobs start within seconds.
set -euo pipefail

STATE=${ADAMBENCH_SLURM_DIR:-/tmp/adambench-slurm}
CONF=/etc/slurm/slurm.conf
HOST=$(hostname -s)

note() { echo "slurm-local: $*"; }

install_packages() {
    command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null \
        && command -v munged >/dev/null && return 0
    [ "$(id -u)" = 0 ] || { echo "slurm-local: installing SLURM needs root" >&2; exit 2; }
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q -o DPkg::Lock::Timeout=300 >/dev/null
    apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends \
        slurmctld slurmd slurm-client munge >/dev/null
}

# A daemon forks and exits before its child writes the pid file: wait for a live pid in it.
live_pid() {
    local pid
    for _ in $(seq 1 100); do
        pid=$(cat "$1" 2>/dev/null || true)
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; return 0; fi
        sleep 0.1
    done
    echo "slurm-local: no live pid in $1" >&2
    return 1
}

write_configuration() {
    local memory
    memory=$(( $(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo) * 4 / 10 ))  # per node, below real
    mkdir -p /etc/slurm
    cat > "$CONF" <<CONF
ClusterName=adambench
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=cred_expire=10
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
DependencyParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=3600
KillWait=5
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd-%n.pid
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool-%n
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd-%n.log
NodeName=n1 NodeHostname=$HOST NodeAddr=127.0.0.1 Port=17001 CPUs=1 RealMemory=$memory State=UNKNOWN
NodeName=n2 NodeHostname=$HOST NodeAddr=127.0.0.1 Port=17002 CPUs=1 RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
}

start() {
    install_packages
    [ ! -s "$STATE/pids" ] || { note "already started (pids in $STATE/pids); stop it first"; exit 1; }
    rm -rf "$STATE"
    mkdir -p "$STATE/run" "$STATE/ctld" "$STATE/log" "$STATE/spool-n1" "$STATE/spool-n2"
    : > "$STATE/pids"
    write_configuration
    if ! (munge -n 2>/dev/null | unmunge >/dev/null 2>&1); then
        [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
        chown munge:munge /etc/munge/munge.key
        chmod 0400 /etc/munge/munge.key
        install -d -o munge -g munge -m 0755 /run/munge
        rm -f /run/munge/munged.pid
        runuser -u munge -- /usr/sbin/munged
        echo "munged $(live_pid /run/munge/munged.pid)" >> "$STATE/pids"
    fi
    slurmctld
    echo "slurmctld $(live_pid "$STATE/run/slurmctld.pid")" >> "$STATE/pids"
    for node in n1 n2; do
        slurmd -N "$node"
        echo "slurmd $(live_pid "$STATE/run/slurmd-$node.pid")" >> "$STATE/pids"
    done
    for _ in $(seq 1 300); do
        [ "$(sinfo -h -o %T | sort -u | paste -sd,)" = idle ] && { note "up: $(sinfo -h -o '%D nodes %T')"; return 0; }
        sleep 0.1
    done
    sinfo >&2
    echo "slurm-local: the nodes did not become idle; logs in $STATE/log" >&2
    return 1
}

stop() {
    [ -f "$STATE/pids" ] || { note "nothing to stop"; return 0; }
    local pids
    pids=$(awk '$1 != "munged" { print $2 }' "$STATE/pids")
    [ -z "$pids" ] || kill $pids 2>/dev/null || true
    for _ in $(seq 1 100); do
        alive=0
        for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.1
    done
    pids=$(awk '$1 == "munged" { print $2 }' "$STATE/pids")
    [ -z "$pids" ] || kill $pids 2>/dev/null || true
    rm -f "$STATE/pids"
    note "stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
