#!/bin/sh
# scan-one.sh NAME URL OUTDIR
#
# Clone one repository shallowly, evaluate it with crucible and leave its
# JSON report at OUTDIR/NAME.json.  Used by job.yaml (one Kubernetes pod
# per repository) and matrix.yml (one GitHub Actions job per repository);
# docs/at-scale.md explains the choices.
#
# The report is written under a hidden temporary name and renamed into
# place only when crucible produced a complete report (exit 0, or 1 when a
# gate of the repository's own .crucible.yml failed), so a crashed, killed
# or timed-out run never leaves a half-written NAME.json for
# `crucible summary OUTDIR` to trip over.
#
# Environment (all optional):
#   CLONE_DEPTH     git clone --depth (default 1; 0 clones the full history)
#   SCAN_TIMEOUT    seconds for clone + evaluation each (default 900)
#   WORK_DIR        where the clone goes (default ${TMPDIR:-/tmp})
#   GIT_TOKEN_FILE  a file holding an HTTPS token for private repositories
#   GIT_USERNAME    the user name that goes with it (default x-access-token)
#   CRUCIBLE        the crucible binary (default: crucible on PATH)
#
# Exit status: 0 the report is in place; 2 bad arguments or crucible
# refused the repository's configuration; 3 crucible failed internally;
# 4 the clone failed; 124 a timeout.  Retrying only helps for 3, 4 and 124.
set -eu

if [ $# -ne 3 ]; then
	echo "usage: scan-one.sh NAME URL OUTDIR" >&2
	exit 2
fi
name=$1
url=$2
outdir=$3

# NAME becomes a file and a directory name: keep it boring.
case $name in
'' | .* | *[!A-Za-z0-9._-]*)
	echo "scan-one: bad repository name '$name'" >&2
	exit 2
	;;
esac

depth=${CLONE_DEPTH:-1}
limit=${SCAN_TIMEOUT:-900}
crucible=${CRUCIBLE:-crucible}
work=${WORK_DIR:-${TMPDIR:-/tmp}}/$name
partial=$outdir/.$name.json.partial

# A credential helper that answers from a mounted file: the token never
# appears in a URL, a process list or git's configuration on disk.
set --
if [ -n "${GIT_TOKEN_FILE:-}" ]; then
	set -- -c "credential.helper=!f() { test \"\$1\" = get || exit 0; \
echo username=${GIT_USERNAME:-x-access-token}; \
echo password=\$(cat '$GIT_TOKEN_FILE'); }; f"
fi
if [ "$depth" -gt 0 ]; then
	depth_args="--depth $depth"
else
	depth_args=
fi

rm -rf "$work" "$partial"
mkdir -p "$outdir"
trap 'rm -rf "$work" "$partial"' EXIT

# shellcheck disable=SC2086 # depth_args is two words or none
if ! GIT_TERMINAL_PROMPT=0 timeout -k 30 "$limit" git "$@" clone --quiet \
	--single-branch --no-tags $depth_args -- "$url" "$work"; then
	echo "scan-one: $name: cannot clone $url" >&2
	exit 4
fi

rc=0
timeout -k 30 "$limit" "$crucible" eval "$work" --format json \
	--output "$partial" || rc=$?
case $rc in
0 | 1)
	mv -f "$partial" "$outdir/$name.json"
	echo "scan-one: $name: report written (crucible exit $rc)"
	exit 0
	;;
124)
	echo "scan-one: $name: timed out after ${limit}s" >&2
	exit 124
	;;
2)
	echo "scan-one: $name: crucible refused the repository (exit 2)" >&2
	exit 2
	;;
*)
	echo "scan-one: $name: crucible failed (exit $rc)" >&2
	exit 3
	;;
esac
